"""Judging in the demo: round 1 panels, the planner's assignment and score sheets."""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping
from datetime import timedelta

from sqlalchemy import select

from ...domain import assignment as planner
from ...extensions import db
from ...models import Assignment, Conflict, Contest, Entry, RoundEntry, RoundJudge, Rubric, ScoreSheet, utcnow
from .city import City


def judge_round(
    contest: Contest,
    city: City,
    rng: random.Random,
    *,
    final_share: float,
    draft_share: float,
    idle_judges: int,
    seed: int,
    n_judges: int = 21,
) -> None:
    """Round 1: every accepted entry, a panel of judges, the planner's assignment, score sheets."""
    rnd = contest.rounds[0]
    rnd.state = "published"
    entries = db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id, Entry.state == "accepted").order_by(Entry.id)
    ).all()
    # Judges from schools sit on every panel (so recusal matters); the rest fill it up.
    from_schools = [j for j in city.judges if j.school_id]
    judges = city.judges[: n_judges - len(from_schools)] + from_schools
    for e in entries:
        db.session.add(RoundEntry(round_id=rnd.id, entry_id=e.id))
    for j in judges:
        db.session.add(RoundJudge(round_id=rnd.id, judge_id=j.id))
    # Two declared conflicts (relatives), so the planner has something to respect.
    conflicts: dict[tuple[Hashable, Hashable], str] = {}
    for judge, entry in zip(judges[:2], entries[3:5], strict=False):
        db.session.add(
            Conflict(
                judge_id=judge.id,
                entry_id=entry.id,
                kind="relative",
                source="declared",
                reason="亲属关系",
                created_by_id=judge.id,
            )
        )
        conflicts[(judge.id, entry.id)] = "亲属关系"
    db.session.flush()
    infos = [
        planner.EntryInfo(
            entry_id=e.id,
            group=(e.section_id, e.stage),
            school_id=e.school_id,
            district_id=e.school.district_id,
            subject=e.subject or "",
            adviser_ids=frozenset(a.user_id for a in e.advisers if a.user_id),
        )
        for e in entries
    ]
    jinfos = [
        planner.JudgeInfo(
            judge_id=j.id,
            school_id=j.school_id,
            district_id=j.effective_district_id,
            subjects=frozenset(j.subject_list),
        )
        for j in judges
    ]
    k = rnd.judges_per_entry or contest.judges_per_entry
    plan = planner.assign(
        infos,
        jinfos,
        conflicts,
        k=k,
        seed=seed,
        exclude_same_district=bool(contest.settings_view.exclude_same_district),
    )
    organizer = city.organizers[0]
    now = utcnow()
    extra: dict[str, object] = {"created_by_id": organizer.id} if hasattr(Assignment, "created_by_id") else {}
    if hasattr(Assignment, "published_at"):
        extra["published_at"] = now - timedelta(days=3)
    assignments = []
    for judge_id, entry_id in plan.assignments:
        a = Assignment(round_id=rnd.id, judge_id=judge_id, entry_id=entry_id, published=True, source="plan", **extra)
        db.session.add(a)
        assignments.append(a)
    db.session.flush()

    # Judges differ in severity; entries in quality. Scores follow, within each criterion's bounds.
    severity = {j.id: rng.gauss(0, 7) for j in judges}
    quality = {e.id: rng.gauss(70, 10) for e in entries}
    idle = {j.id for j in judges[: n_judges - len(from_schools)][-idle_judges:]} if idle_judges else set()
    by_entry = {e.id: e for e in entries}
    # A golden-ratio sequence instead of random rolls: the shares of final and draft sheets come
    # out as asked (within one sheet), whatever else the seed's random numbers do.
    active = (a for a in sorted(assignments, key=lambda x: (x.judge_id, x.entry_id)) if a.judge_id not in idle)
    for index, a in enumerate(active):
        roll = (index * 0.6180339887498949) % 1.0
        if roll >= final_share + draft_share:
            continue
        entry = by_entry[a.entry_id]
        rubric = rnd.rubric_for(entry.section_id)
        assert rubric is not None  # every section of a shipped contest has its rubric
        level = quality[a.entry_id] + severity[a.judge_id] + rng.gauss(0, 4)
        scores = {}
        for c in rubric.criteria:
            frac = min(max(level / 100 + rng.gauss(0, 0.05), 0.2), 1.0)
            scores[str(c.id)] = float(min(c.max_score, max(0, round(frac * c.max_score))))
        sheet = ScoreSheet(assignment_id=a.id, updated_at=now - timedelta(hours=rng.randrange(1, 60)))
        if roll < final_share:
            sheet.state = "final"
            sheet.scores = scores
            sheet.total = weighted_total(rubric, scores)
            sheet.submitted_at = sheet.updated_at
            sheet.comment = rng.choice(
                [
                    "选题贴近生活，数据较完整。",
                    "创新点明确，建议加强对照实验。",
                    "研究过程规范，结论需进一步验证。",
                    "实用价值较高，报告表述清楚。",
                    None,
                ]
            )
        else:
            partial = dict(list(scores.items())[:-1])  # the judge has not finished yet
            sheet.state = "draft"
            sheet.scores = partial
            sheet.total = None
        db.session.add(sheet)
    db.session.flush()


def weighted_total(rubric: Rubric, scores: Mapping[str, float]) -> float:
    """The weighted total on 0-100: sum(score x weight) / sum(max x weight) x 100."""
    top = sum(float(scores[str(c.id)]) * c.weight for c in rubric.criteria)
    full = sum(c.max_score * c.weight for c in rubric.criteria)
    return round(top / full * 100, 2) if full else 0.0
