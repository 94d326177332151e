"""Read models of the organizer's judging pages (issue #16, step 2): what the plan, conflicts and
entry pages show, gathered here so that the views never query."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...domain import assignment as planner
from ...domain.states import SheetState
from ...extensions import db
from ...models import Assignment, Conflict, Entry, Round, RoundJudge, User, UserRole
from .. import judging as service


@dataclass
class PlanPage:
    """The assignment plan of one round, filtered and paged as asked; the names are the template's."""

    plan: planner.AssignmentPlan
    inputs: service.PlanInputs
    panel: list[RoundJudge]
    submitted: dict[int, int]
    started: dict[int, int]
    entries: list[Entry]  # the page's rows
    n_shown: int
    first: int
    page: int
    pages: int
    n_entries: int
    by_entry: dict[int, list[Assignment]]
    judges: dict[int, User]
    labels: dict[int, str]
    groups: list[str]
    group_filter: str
    group_parts: list[dict[str, Any]]
    entry_by_id: dict[int, Entry]
    available: list[User]
    unpublished: int
    k: int
    declared: list[Conflict]
    pools: list[str]
    loads: dict[Hashable, int]
    spread: dict[Hashable, int]


def active_judges() -> list[User]:
    """Every active account with the judge role, by name: those who may be added to a round."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "judge", User.active.is_(True))
            .order_by(User.name)
        )
    )


def declared_conflicts(entry_ids: list[int]) -> list[Conflict]:
    """The conflicts judges declared themselves on these entries."""
    return list(
        db.session.scalars(
            select(Conflict).where(Conflict.source == "declared", Conflict.entry_id.in_(entry_ids or [0]))
        )
    )


def _sheet_counts(assignments: list[Assignment]) -> tuple[dict[int, int], dict[int, int]]:
    """Per judge: sheets submitted, and sheets started but not submitted."""
    submitted: dict[int, int] = {}
    started: dict[int, int] = {}
    for a in assignments:
        if a.sheet is not None:
            counts = submitted if a.sheet.state == SheetState.FINAL else started
            counts[a.judge_id] = counts.get(a.judge_id, 0) + 1
    return submitted, started


def _group_parts(plan: planner.AssignmentPlan, labels: dict[Any, str]) -> list[dict[str, Any]]:
    """Each ranking group split into parts the judges do not connect, for the plan's notes."""
    parts_of: list[dict[str, Any]] = []
    for key, parts in plan.components.items():
        sample = next(iter(parts[0])) if parts and parts[0] else None
        parts_of.append(
            {"label": labels.get(sample, str(key)), "parts": len(parts), "entries": sum(len(p) for p in parts)}
        )
    parts_of.sort(key=lambda g: g["label"])
    return parts_of


def plan_page(rnd: Round, *, group_filter: str, query: str, page: int, per_page: int) -> PlanPage:
    """The plan page of `rnd`: entries of `group_filter` (all when empty) whose number or title
    contains `query`, page `page` of them by `per_page` (clamped to the pages there are)."""
    group_by = rnd.contest.settings_view.ranking_group_by
    entries = service.round_entries(rnd)
    panel = service.round_judges(rnd)
    inputs = service.plan_inputs(rnd, entries, panel)
    plan = service.current_plan(rnd, inputs)
    assignments = service.round_assignments(rnd)
    by_entry: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_entry.setdefault(a.entry_id, []).append(a)
    judges = {rj.judge_id: rj.judge for rj in panel}
    for a in assignments:
        judges.setdefault(a.judge_id, a.judge)
    labels = {e.id: service.group_label(e, group_by) for e in entries}
    query = query.strip().lower()
    shown = [
        e
        for e in entries
        if (not group_filter or labels[e.id] == group_filter)
        and (not query or query in f"{e.number or ''} {e.title}".lower())
    ]
    # A province's round has thousands of entries, each row with its own judge list: page them.
    pages = max(1, -(-len(shown) // per_page))
    page = min(max(page or 1, 1), pages)
    first = (page - 1) * per_page
    submitted, started = _sheet_counts(assignments)
    used = set(judges)
    return PlanPage(
        plan=plan,
        inputs=inputs,
        panel=panel,
        submitted=submitted,
        started=started,
        entries=shown[first : first + per_page],
        n_shown=len(shown),
        first=first,
        page=page,
        pages=pages,
        n_entries=len(entries),
        by_entry=by_entry,
        judges=judges,
        labels=labels,
        groups=sorted(set(labels.values())),
        group_filter=group_filter,
        group_parts=_group_parts(plan, labels),
        entry_by_id={e.id: e for e in entries},
        available=[u for u in active_judges() if u.id not in used],
        unpublished=sum(1 for a in assignments if not a.published),
        k=inputs.k,
        declared=declared_conflicts([e.id for e in entries]),
        pools=sorted({rj.pool for rj in panel if rj.pool}),
        loads=plan.loads,
        spread=plan.load_spread,
    )


@dataclass
class ConflictsPage:
    rows: list[Conflict]
    users: dict[int, User]
    entries: dict[int, Entry]
    panel: list[RoundJudge]


def conflicts_page(rnd: Round) -> ConflictsPage:
    """The conflicts between the round's judges and entries, with the judges and entries they name."""
    rows = service.round_conflicts(rnd)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([c.judge_id for c in rows] or [0])))}
    return ConflictsPage(
        rows=rows, users=users, entries={e.id: e for e in service.round_entries(rnd)}, panel=service.round_judges(rnd)
    )


def entry_assignments(rnd: Round, entry: Entry) -> list[Assignment]:
    """The entry's assignments in this round, in the order they were made."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.round_id == rnd.id, Assignment.entry_id == entry.id)
            .order_by(Assignment.id)
        )
    )


def pending_sheets(rnd: Round) -> int:
    """Assignments of the round whose sheet is not submitted yet."""
    return sum(1 for a in service.round_assignments(rnd) if a.sheet is None or a.sheet.state != SheetState.FINAL)
