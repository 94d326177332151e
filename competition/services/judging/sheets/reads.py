"""Reading score sheets: a judge's assignments and the one on the page, its criteria and files, what
the page shows of a sheet, the judge's progress and the next sheet to score."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ....domain import scoring
from ....domain.states import RoundState, SheetState
from ....extensions import db
from ....i18n.timeutil import utc_to_local
from ....models import Assignment, Attachment, Conflict, Contest, Criterion, Entry, Round, Rubric, ScoreSheet, User


def criteria_of(assignment: Assignment) -> list[Criterion]:
    """The criteria of the rubric for the entry's section in the assignment's round (the
    round's rubric for every section when there is none of its own), in one query: every page
    open and every autosave asks for them."""
    rows = db.session.execute(
        select(Criterion, Rubric.section_id)
        .join(Rubric, Criterion.rubric_id == Rubric.id)
        .where(
            Rubric.round_id == assignment.round_id,
            or_(Rubric.section_id == assignment.entry.section_id, Rubric.section_id.is_(None)),
        )
        .order_by(Rubric.id, Criterion.sort_order, Criterion.id)
    ).all()
    # Same choice as Round.rubric_for: the section's own rubric, else the (last) shared one.
    own = [c for c, section_id in rows if section_id is not None]
    if own:
        return [c for c in own if c.rubric_id == own[0].rubric_id]
    shared = [c for c, _section in rows]
    return [c for c in shared if c.rubric_id == shared[-1].rubric_id] if shared else []


def judge_assignment(assignment_id: int, judge_id: int, *, for_page: bool = True) -> tuple[Assignment | None, bool]:
    """One of the judge's assignments with its entry, round and sheet (and, ``for_page``, the
    entry's section and the contest the page shows), and whether the judge has a conflict with
    the entry, in one query: the scoring page and every autosave start here. (None, False) when
    the id is unknown."""
    conflicted = exists().where(Conflict.judge_id == judge_id, Conflict.entry_id == Assignment.entry_id)
    query = (
        select(Assignment, conflicted.label("conflicted"))
        .join(Assignment.entry)
        .join(Assignment.round)
        .outerjoin(Assignment.sheet)
        .where(Assignment.id == assignment_id)
    )
    query = query.options(
        contains_eager(Assignment.entry), contains_eager(Assignment.round), contains_eager(Assignment.sheet)
    )
    if for_page:
        query = query.options(
            contains_eager(Assignment.entry).joinedload(Entry.section),
            contains_eager(Assignment.round).joinedload(Round.contest),
        )
    row = db.session.execute(query).first()
    return (row[0], bool(row[1])) if row is not None else (None, False)


def entry_attachments(entry: Entry) -> list[Attachment]:
    """The entry's files with their material requirement, in one query."""
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.entry_id == entry.id)
            .options(joinedload(Attachment.requirement))
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    )


def specs(criteria: list[Criterion]) -> list[scoring.CriterionSpec]:
    return [scoring.CriterionSpec(str(c.id), c.name, float(c.max_score), float(c.weight or 1.0)) for c in criteria]


def sheet_state(sheet: ScoreSheet | None) -> str:
    """todo (no score yet), draft or final."""
    if sheet is None or (sheet.state == SheetState.DRAFT and not sheet.scores and not sheet.comment):
        return "todo"
    return sheet.state


def sheet_payload(sheet: ScoreSheet | None) -> dict:
    """What the page and the JSON endpoint show of a sheet."""
    if sheet is None:
        return {"version": 0, "scores": {}, "comment": "", "state": "todo", "total": None}
    # the page shows when it was saved in the contest's time (Beijing), not the laptop's clock
    saved = utc_to_local(sheet.updated_at)
    return {
        "version": sheet.version,
        "scores": {k: scoring.format_score(v) for k, v in (sheet.scores or {}).items()},
        "comment": sheet.comment or "",
        "state": sheet_state(sheet),
        "total": sheet.total,
        "updated_at": sheet.updated_at.isoformat() + "Z" if sheet.updated_at else None,
        "saved_at": saved.strftime("%H:%M:%S") if saved else None,
    }


def judge_assignments(judge: User, contest_id: int | None = None) -> list[Assignment]:
    """The judge's published assignments without a conflict, in a stable order."""
    conflicted = select(Conflict.entry_id).where(Conflict.judge_id == judge.id)
    query = (
        select(Assignment)
        .join(Entry, Assignment.entry_id == Entry.id)
        .join(Round, Assignment.round_id == Round.id)
        .where(Assignment.judge_id == judge.id, Assignment.published.is_(True), Assignment.entry_id.not_in(conflicted))
        .options(
            selectinload(Assignment.sheet),
            selectinload(Assignment.entry).selectinload(Entry.section),
            selectinload(Assignment.round).selectinload(Round.contest),
        )
        .order_by(Round.contest_id.desc(), Round.number, Entry.number, Entry.id)
    )
    if contest_id is not None:
        query = query.where(Round.contest_id == contest_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Progress:
    total: int
    final: int
    draft: int
    todo: int
    complete_drafts: int


def progress(assignments: list[Assignment]) -> Progress:
    return _progress([a.sheet for a in assignments])


def _progress(sheets) -> Progress:
    """Counts over sheets (None for an assignment without one); anything with the sheet's
    state, scores, comment and total will do."""
    states = [sheet_state(s) for s in sheets]
    complete = sum(1 for s in sheets if s is not None and s.state == SheetState.DRAFT and s.total is not None)
    return Progress(
        len(states), states.count(SheetState.FINAL), states.count(SheetState.DRAFT), states.count("todo"), complete
    )


def contest_progress(judge: User, contest_id: int) -> Progress:
    """progress() of the judge's assignments in one contest, from one query of sheet columns:
    the scoring page shows only these counts, on every open and reload, so it does not load
    every assignment with its entry, round and contest."""
    conflicted = select(Conflict.entry_id).where(Conflict.judge_id == judge.id)
    rows = db.session.execute(
        select(Assignment.id, ScoreSheet.state, ScoreSheet.scores, ScoreSheet.comment, ScoreSheet.total)
        .join(Round, Assignment.round_id == Round.id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.judge_id == judge.id,
            Assignment.published.is_(True),
            Assignment.entry_id.not_in(conflicted),
            Round.contest_id == contest_id,
        )
    ).all()
    return _progress([row if row.state is not None else None for row in rows])


def next_unscored(
    judge: User,
    after: Assignment | None = None,
    contest_id: int | None = None,
    assignments: list[Assignment] | None = None,
) -> Assignment | None:
    """The next assignment not yet submitted (of one contest, if given), after ``after`` in
    list order, wrapping around; without ``after`` the first one not started. ``assignments``:
    judge_assignments(judge, contest_id) when the caller has them already (the list page)."""
    everything = judge_assignments(judge, contest_id) if assignments is None else assignments
    rows = [a for a in everything if sheet_state(a.sheet) != SheetState.FINAL and a.round.state != RoundState.CLOSED]
    if not rows:
        return None
    if after is not None:
        order = [a.id for a in everything]
        pos = order.index(after.id) if after.id in order else -1
        later = [a for a in rows if order.index(a.id) > pos and a.id != after.id]
        others = [a for a in rows if a.id != after.id]
        if later:
            return later[0]
        return others[0] if others else None
    todo = [a for a in rows if sheet_state(a.sheet) == "todo"]
    return (todo or rows)[0]


def blind(contest: Contest) -> bool:
    return bool(contest.blind_judging)
