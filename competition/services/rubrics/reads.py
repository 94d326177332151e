"""What the rubric editor reads: which sections a rubric scores, how many sheets depend on it, the
tie-break's criteria, the fingerprint of a stored rubric and the overview of a contest's rubrics."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ...domain.states import SheetState
from ...extensions import db
from ...models import Assignment, Contest, Criterion, Entry, Round, Rubric, ScoreSheet, Section


def covered_sections(rnd: Round, rubric_section_id: int | None) -> list[int]:
    """The sections whose entries a rubric of the round (section id, or None: round-wide) scores."""
    if rubric_section_id is not None:
        return [rubric_section_id]
    own = {r.section_id for r in rnd.rubrics if r.section_id is not None}
    return [s.id for s in rnd.contest.sections if s.id not in own]


def sheet_count(rnd: Round, section_ids: list[int]) -> int:
    """Score sheets of the round for entries of these sections that hold a score or are final.

    A draft the judge only opened (no score) depends on nothing and does not count."""
    if not section_ids or rnd.id is None:
        return 0
    rows = db.session.execute(
        select(ScoreSheet.state, ScoreSheet.scores)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(Entry, Assignment.entry_id == Entry.id)
        .where(Assignment.round_id == rnd.id, Entry.section_id.in_(section_ids))
    ).all()
    return sum(
        1 for state, scores in rows if state == SheetState.FINAL or any(v is not None for v in (scores or {}).values())
    )


def rubric_sheet_count(rnd: Round, section_id: int | None) -> int:
    return sheet_count(rnd, covered_sections(rnd, section_id))


def find_rubric(rnd: Round, section_id: int | None) -> Rubric | None:
    return next((r for r in rnd.rubrics if r.section_id == section_id), None)


def full_scale(rows: Iterable[Criterion | dict[str, Any]]) -> float:
    """sum(weight * max) over criteria (objects or dicts): the denominator the judge page uses."""
    total = 0.0
    for c in rows:
        weight = c["weight"] if isinstance(c, dict) else c.weight
        max_score = c["max_score"] if isinstance(c, dict) else c.max_score
        total += float(weight or 0) * float(max_score or 0)
    return round(total, 4)


def tie_break_refs(contest: Contest) -> list[str]:
    """What the ``tie_break`` setting names after ``criterion:`` (codes or names)."""
    return [
        key.split(":", 1)[1]
        for key in contest.settings_view.tie_break
        if isinstance(key, str) and key.startswith("criterion:")
    ]


def tie_break_criteria(contest: Contest) -> list[tuple[str, str | None]]:
    """(what the tie-break names, the criterion name it finds in the contest or None)."""
    crit = [c for rnd in contest.rounds for rub in rnd.rubrics for c in rub.criteria]
    out = []
    for ref in tie_break_refs(contest):
        found = next((c.name for c in crit if c.code == ref), None) or next(
            (c.name for c in crit if c.name == ref), None
        )
        out.append((ref, found))
    return out


def fingerprint(rubric: Rubric | None) -> str:
    """A short hash of what is stored, so a save based on an older page is noticed."""
    if rubric is None:
        return "new"
    data = [rubric.name] + [
        [c.id, c.code, c.name, float(c.max_score), float(c.weight or 0), c.descriptors or "", c.sort_order]
        for c in rubric.criteria
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass
class SectionRow:
    section: Section | None  # None: the round-wide rubric
    own: Rubric | None  # the rubric set for exactly this section (or the round-wide one)
    applied: Rubric | None  # what judges of this section see (own, else the round-wide one)
    sheets: int  # sheets that depend on `applied` for this section


@dataclass
class RoundOverview:
    round: Round
    rows: list[SectionRow] = field(default_factory=list)
    shared: SectionRow | None = None


def overview(contest: Contest) -> list[RoundOverview]:
    """Per round: every section with the rubric its judges use, and the round-wide rubric."""
    out = []
    for rnd in contest.rounds:
        shared = find_rubric(rnd, None)
        view = RoundOverview(rnd)
        for section in contest.sections:
            own = find_rubric(rnd, section.id)
            view.rows.append(SectionRow(section, own, own or shared, sheet_count(rnd, [section.id])))
        view.shared = SectionRow(None, shared, shared, rubric_sheet_count(rnd, None))
        out.append(view)
    return out


def copy_sources(contest: Contest) -> list[Rubric]:
    """Every rubric of the contest, by round and section order (to start a new one from)."""
    order: dict[int | None, int] = {s.id: i for i, s in enumerate(contest.sections)}
    return [
        rub
        for rnd in contest.rounds
        for rub in sorted(rnd.rubrics, key=lambda r: (r.section_id is None, order.get(r.section_id, 0)))
    ]


def contest_codes(contest: Contest) -> set[str]:
    return {c.code for rnd in contest.rounds for rub in rnd.rubrics for c in rub.criteria}
