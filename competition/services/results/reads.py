"""What the results pages read: the run, the results, scoring progress, groups and their order."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...domain import rule_effects
from ...domain.contest_definition import STAGE_ORDER
from ...domain.explain import decode
from ...domain.states import EntryState
from ...extensions import db
from ...models import Assignment, Contest, Entry, Objection, Result, Round, School, ScoreSheet, Section
from ...models.results import RankingRun
from ..judging import counted_sheets

GROUP_FIELDS = ("section", "stage", "subject", "is_team")


def get_run(contest: Contest) -> RankingRun | None:
    return db.session.scalar(select(RankingRun).where(RankingRun.contest_id == contest.id))


def results_of(contest: Contest) -> list[Result]:
    """The contest's results, each with its entry and school loaded (every caller shows them)."""
    return list(
        db.session.scalars(
            select(Result)
            .where(Result.contest_id == contest.id)
            .options(selectinload(Result.entry).selectinload(Entry.school))
            .order_by(Result.group_key, Result.component, Result.position, Result.entry_id)
        )
    )


def pending_count(contest: Contest) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Result).where(Result.contest_id == contest.id, Result.pending)
        )
        or 0
    )


def score_rows(contest: Contest) -> list[tuple[int, int, int, float]]:
    """(round number, entry id, judge id, total) of every sheet of the contest that counts
    (``judging.counted_sheets``); run_ranking then keeps the accepted entries'."""
    rows = db.session.execute(
        counted_sheets(Round.number, Assignment.entry_id, Assignment.judge_id, ScoreSheet.total).where(
            Round.contest_id == contest.id
        )
    ).all()
    return [(number, entry_id, judge_id, total) for number, entry_id, judge_id, total in rows]


def row_id(value: Hashable) -> int:
    """An entry or judge id as the domain hands it back: it takes any hashable id, and the
    results give it the rows' int ids."""
    if not isinstance(value, int):
        raise TypeError(f"not a row id: {value!r}")
    return value


@dataclass
class EntryInfo:
    id: int
    label: str
    group_key: str
    stage: str
    school_id: int
    district_id: int


def entry_infos(contest: Contest) -> dict[int, EntryInfo]:
    group_by = [f for f in contest.settings_view.ranking_group_by if f in GROUP_FIELDS]
    rows = db.session.execute(
        select(
            Entry.id,
            Entry.number,
            Entry.title,
            Section.code,
            Entry.stage,
            Entry.subject,
            Entry.is_team,
            Entry.school_id,
            School.district_id,
        )
        .join(Section, Section.id == Entry.section_id)
        .join(School, School.id == Entry.school_id)
        .where(Entry.contest_id == contest.id, Entry.state == EntryState.ACCEPTED)
    ).all()
    infos = {}
    for eid, number, title, section, stage, subject, is_team, school_id, district_id in rows:
        values = {
            "section": section,
            "stage": stage or "",
            "subject": subject or "",
            "is_team": "team" if is_team else "individual",
        }
        key = "|".join(values[f] for f in group_by) or "*"
        infos[eid] = EntryInfo(eid, number or title, key, stage or "", school_id, district_id)
    return infos


def group_label(contest: Contest, group_key: str) -> str:
    """'XS|初中' -> '学生科技创新成果 · 初中'."""
    names = {s.code: s.name for s in contest.sections}
    group_by = [f for f in contest.settings_view.ranking_group_by if f in GROUP_FIELDS]
    parts = group_key.split("|")
    out = []
    for field, value in zip(group_by, parts, strict=False):
        if field == "section":
            out.append(names.get(value, value))
        elif field == "is_team":
            out.append(_("Team") if value == "team" else _("Individual"))
        else:
            out.append(value or _("(none)"))
    return " · ".join(out) or _("All entries")


def group_sort_key(contest: Contest):
    """Key putting ranking groups in the contest's order: sections as configured, then 小学,
    初中, 高中, then individual before team (not the alphabetical order of the stored keys)."""
    sections = {s.code: (s.sort_order, s.code) for s in contest.sections}
    group_by = [f for f in contest.settings_view.ranking_group_by if f in GROUP_FIELDS]

    def key(group_key: str) -> tuple:
        out = []
        for field, value in zip(group_by, group_key.split("|"), strict=False):
            if field == "section":
                out.append(sections.get(value, (10**6, value)))
            elif field == "stage":
                out.append((STAGE_ORDER.get(value, 9), value))
            elif field == "is_team":
                out.append((value == "team", value))
            else:
                out.append((not value, value))
        return tuple(out)

    return key


@dataclass
class ScoringProgress:
    """How complete the judging is, for the ranking page: score sheets assigned and submitted
    (all rounds), and accepted entries that no submitted sheet scores (they are not ranked)."""

    assigned: int
    submitted: int
    unscored: list[Entry]

    @property
    def outstanding(self) -> int:
        return max(self.assigned - self.submitted, 0)


def scoring_progress(contest: Contest) -> ScoringProgress:
    assigned = (
        db.session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Round, Round.id == Assignment.round_id)
            .where(Round.contest_id == contest.id)
        )
        or 0
    )
    scored = counted_sheets(Assignment.entry_id).where(Round.contest_id == contest.id)
    submitted = db.session.scalar(select(func.count()).select_from(scored.subquery())) or 0
    unscored = list(
        db.session.scalars(
            select(Entry)
            .where(
                Entry.contest_id == contest.id,
                Entry.state == EntryState.ACCEPTED,
                Entry.id.not_in(scored.scalar_subquery()),
            )
            .order_by(Entry.number, Entry.id)
        )
    )
    return ScoringProgress(assigned=assigned, submitted=submitted, unscored=unscored)


def objections_of(contest: Contest) -> list[Objection]:
    return list(
        db.session.scalars(
            select(Objection).where(Objection.contest_id == contest.id).order_by(Objection.received_at, Objection.id)
        )
    )


def public_rows(contest: Contest) -> list[Result]:
    """What the public notice lists: entries with an award or a nomination, none withdrawn."""
    return [r for r in results_of(contest) if not r.withdrawn and (r.final_award or r.final_nominated)]


def rule_effects_of(contest: Contest, rows: list[Result]) -> list[rule_effects.RuleEffect]:
    """Each award and nomination rule the contest sets, with the entries or groups it affected in
    `rows` (the stored results); groups are keyed (group_key, component) as the results page keys them."""
    view = contest.settings_view
    group_quotas: dict[Hashable, int] = dict(view.nomination_group_quotas.items())
    facts = [
        rule_effects.ResultFacts(
            r.entry.number or r.entry.title,
            (r.group_key, r.component),
            decode((r.explanation or {}).get("award")),
            decode((r.explanation or {}).get("nomination")),
        )
        for r in rows
    ]
    return rule_effects.rule_effects(
        facts,
        levels=[(str(name), float(share)) for name, share in view.award_levels],
        min_scores={str(k): float(v) for k, v in view.award_min_scores.items()},
        max_share=view.award_max_share,
        min_group_size=int(view.award_min_group_size or 0),
        nomination_min_score=view.nomination_min_score if view.nomination_quota else None,
        school_cap=view.nomination_school_cap if view.nomination_quota else None,
        district_cap=view.nomination_district_cap if view.nomination_quota else None,
        group_quota=group_quotas if view.nomination_quota else None,
    )
