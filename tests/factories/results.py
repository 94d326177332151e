"""Rows for results tests: a contest in judging with final score sheets."""

from __future__ import annotations

import itertools
from datetime import timedelta
from types import SimpleNamespace

from competition.extensions import db
from competition.models import Assignment, ScoreSheet, utcnow
from tests.factories import make_contest, make_entry, make_user

_seq = itertools.count(1)


def score(rnd, judge, entry, total: float, novelty: float | None = None, state: str = "final") -> ScoreSheet:
    """A judge's sheet for an entry: ``total`` on 0-100; the novelty criterion set if given."""
    assignment = Assignment(round_id=rnd.id, judge_id=judge.id, entry_id=entry.id, published=True)
    db.session.add(assignment)
    db.session.flush()
    rubric = rnd.rubric_for(entry.section_id)
    scores = {}
    if rubric is not None and novelty is not None:
        crit = next(c for c in rubric.criteria if c.code == "novelty")
        scores[str(crit.id)] = novelty
    sheet = ScoreSheet(
        assignment_id=assignment.id,
        state=state,
        total=total,
        scores=scores,
        submitted_at=utcnow() if state == "final" else None,
    )
    db.session.add(sheet)
    db.session.flush()
    return sheet


def judged_contest(
    world,
    totals: list[list[float]],
    *,
    stage: str = "初中",
    settings: dict | None = None,
    code: str | None = None,
    judges: list | None = None,
    schools: list | None = None,
    novelty: dict[int, float] | None = None,
    students: bool = True,
) -> SimpleNamespace:
    """A contest in judging: entry i gets the scores ``totals[i]`` from judges 0, 1, 2 ...

    Entries are accepted, numbered CX-XS-001 ..., from ``schools`` in turn (default s1, s2, s3).
    ``novelty``: entry index -> the novelty criterion score on every sheet of that entry.
    """
    c = SimpleNamespace(world=world)
    c.contest = make_contest("innovation", state="judging", code=code or f"RS{next(_seq)}")
    c.contest.ranking_method = "mean"
    c.contest.settings = {
        **(c.contest.settings or {}),
        "round_combination": {"mode": "last"},
        "nomination_stage_shares": {},
        "nomination_school_cap": None,
        **(settings or {}),
    }
    c.round = c.contest.rounds[0]
    width = max(len(t) for t in totals)
    c.judges = judges or [world.judge1, world.judge2] + [
        make_user("judge", name=f"评委{k}") for k in range(max(width - 2, 0))
    ]
    schools = schools or [world.s1, world.s2, world.s3]
    c.entries = []
    for i, row in enumerate(totals):
        entry = make_entry(
            c.contest,
            schools[i % len(schools)],
            state="accepted",
            stage=stage,
            title=f"作品{i + 1:02d}",
            number=f"CX-XS-{i + 1:03d}",
            contact_phone="13800000000",
            students=[{"name": f"学生{i + 1:02d}", "gender": "女", "grade": "八年级"}] if students else [],
        )
        c.entries.append(entry)
        for judge, total in zip(c.judges, row, strict=False):
            score(c.round, judge, entry, total, (novelty or {}).get(i))
    db.session.commit()
    return c


def on_notice(world):
    """The world's awarded entries (tests.factories.certificates.awarded_world) on public notice
    since yesterday for seven days, numbered CX2026-XS-001 (一等奖) to -004 (no award)."""
    from competition.models.results import RankingRun
    from tests.factories.certificates import awarded_world

    w = awarded_world(world, state="published")
    for n, entry in enumerate((w.team, w.rare, w.single, w.loser), start=1):
        entry.number = f"CX2026-XS-{n:03d}"
    now = utcnow()
    db.session.add(
        RankingRun(
            contest_id=w.contest.id,
            method="mean",
            locked_at=now - timedelta(days=1),
            published_at=now - timedelta(days=1),
            notice_ends_at=now + timedelta(days=6),
        )
    )
    db.session.commit()
    return w
