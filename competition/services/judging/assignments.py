"""The assignment plan of a round: run, published, changed by hand; a judge's unsubmitted entries
released. ``tr`` translates the planner's nested messages for the whole package."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain import assignment as planner
from ...domain.states import RoundState, SheetState
from ...domain.text import Message
from ...extensions import db
from ...i18n.messages import translate
from ...models import Assignment, Entry, Round, RoundJudge, User, utcnow
from .. import ServiceError, audit, write_guard
from ..notifications import judges as tell
from .conflicts import PlanInputs, plan_inputs, sync_conflicts
from .panel import round_judges, sync_round_entries


def tr(message: Message | str | None) -> str:
    """Translate a domain message whose parameters may be messages themselves."""
    if message is None:
        return ""
    if isinstance(message, Message):
        params = {k: tr(v) if isinstance(v, Message) else v for k, v in message.params.items()}
        return translate(Message(message.template, params, message.field, message.where))
    return translate(message)


# --------------------------------------------------------------------------- the plan


def round_assignments(rnd: Round) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.round_id == rnd.id)
            .options(selectinload(Assignment.sheet))
            .order_by(Assignment.entry_id, Assignment.judge_id)
        )
    )


def current_plan(rnd: Round, inputs: PlanInputs | None = None) -> planner.AssignmentPlan:
    """The plan as it stands (loads, judges per entry, connectivity, shortfalls)."""
    inputs = inputs or plan_inputs(rnd)
    pairs = [(a.judge_id, a.entry_id) for a in round_assignments(rnd)]
    return planner.build_plan(
        pairs,
        inputs.entries,
        inputs.judges,
        inputs.conflicts,
        k=inputs.k,
        exclude_same_district=inputs.exclude_same_district,
    )


def run_plan(rnd: Round, *, seed: int = 0, actor, report=None) -> planner.AssignmentPlan:
    """Plan (or re-plan) the round: k judges per entry, no conflicts, balanced and connected.

    Assignments already published or already scored are kept; unpublished ones are planned
    again. A kept assignment that now breaks a conflict is removed (with its draft, audited).
    ``report(step, total)`` is called between steps (for a progress display).
    """
    write_guard.check(rnd.contest, "assignment")
    step = report or (lambda done, total: None)
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    entries = sync_round_entries(rnd, actor)
    step(1, 4)
    panel = round_judges(rnd)
    if not panel:
        raise ServiceError(_("Add judges to this round before planning."))
    if not entries:
        raise ServiceError(_("This round has no entries yet."))
    inputs = plan_inputs(rnd, entries, panel)
    sync_conflicts(rnd, inputs)
    step(2, 4)
    current = round_assignments(rnd)
    keep: dict[planner.Pair, Assignment] = {}
    for a in current:
        if a.published or a.sheet is not None:
            keep[(a.judge_id, a.entry_id)] = a
        else:
            db.session.delete(a)
    db.session.flush()
    plan = planner.assign(
        inputs.entries,
        inputs.judges,
        inputs.conflicts,
        k=inputs.k,
        exclude_same_district=inputs.exclude_same_district,
        seed=seed,
        existing=list(keep),
    )
    step(3, 4)
    for judge_id, entry_id, reason in plan.dropped:
        dropped = keep.pop((judge_id, entry_id), None)
        if dropped is not None:
            audit.record(
                actor,
                "assignment.dropped",
                dropped,
                reason=tr(reason),
                before={
                    "judge_id": judge_id,
                    "entry_id": entry_id,
                    "scores": dropped.sheet.scores if dropped.sheet else None,
                },
                contest_id=rnd.contest_id,
            )
            db.session.delete(dropped)
    now = utcnow()
    new = 0
    for judge_id, entry_id in plan.assignments:
        if (judge_id, entry_id) not in keep:
            db.session.add(
                Assignment(
                    round_id=rnd.id,
                    judge_id=judge_id,
                    entry_id=entry_id,
                    source="plan",
                    created_by_id=getattr(actor, "id", None),
                    created_at=now,
                )
            )
            new += 1
    db.session.flush()
    audit.record(
        actor,
        "judging.plan",
        rnd,
        contest_id=rnd.contest_id,
        after={
            "seed": seed,
            "k": inputs.k,
            "kept": len(keep),
            "new": new,
            "shortfalls": len(plan.infeasible),
            "spread": {str(k): v for k, v in plan.load_spread.items()},
            "connected": all(plan.is_connected(g) for g in plan.components),
        },
    )
    step(4, 4)
    return plan


def publish(rnd: Round, *, actor) -> int:
    """Make the round's unpublished assignments visible to their judges."""
    write_guard.check(rnd.contest, "round")
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    rows = db.session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id, Assignment.published.is_(False))
    ).all()
    if not rows and rnd.state == RoundState.PUBLISHED:
        raise ServiceError(_("There is nothing new to publish."))
    if not rows and not db.session.scalar(select(Assignment.id).where(Assignment.round_id == rnd.id)):
        raise ServiceError(_("Run the plan before publishing it."))
    now = utcnow()
    for a in rows:
        a.published, a.published_at = True, now
    rnd.state = RoundState.PUBLISHED
    db.session.flush()
    audit.record(actor, "judging.publish", rnd, after={"published": len(rows)}, contest_id=rnd.contest_id)
    tell.assigned(rnd, rows)
    return len(rows)


def set_round_state(rnd: Round, state: str, *, actor) -> None:
    """Close a round (no more saving) or open it again."""
    write_guard.check(rnd.contest, "round")
    if state not in (RoundState.PUBLISHED, RoundState.CLOSED):
        raise ValueError(state)
    before = rnd.state
    rnd.state = state
    db.session.flush()
    audit.record(
        actor, "judging.round_state", rnd, before={"state": before}, after={"state": state}, contest_id=rnd.contest_id
    )
    if state == RoundState.CLOSED and before != RoundState.CLOSED:
        tell.round_closed(rnd)


def refusal(rnd: Round, judge: User, entry: Entry, inputs: PlanInputs | None = None) -> str | None:
    """Why the judge may not be put on the entry in this round (translated), or None."""
    inputs = inputs or plan_inputs(rnd)
    jinfo = next((j for j in inputs.judges if j.judge_id == judge.id), None)
    einfo = next((e for e in inputs.entries if e.entry_id == entry.id), None)
    if jinfo is None:
        return _("%(name)s is not a judge of this round.", name=judge.name)
    if einfo is None:
        return _("This entry is not in this round.")
    reason = planner.conflict_reason(jinfo, einfo, inputs.conflicts, inputs.exclude_same_district)
    return tr(reason) if reason else None


def add_assignment(
    rnd: Round, judge: User, entry: Entry, *, actor, source: str = "manual", inputs: PlanInputs | None = None
) -> Assignment:
    """Put one judge on one entry (organizer's manual add, re-judging); a conflict refuses it."""
    write_guard.check(rnd.contest, "assignment")
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    reason = refusal(rnd, judge, entry, inputs)
    if reason:
        raise ServiceError(_("%(name)s cannot judge this entry: %(reason)s", name=judge.name, reason=reason))
    exists = db.session.scalar(
        select(Assignment).where(
            Assignment.round_id == rnd.id, Assignment.judge_id == judge.id, Assignment.entry_id == entry.id
        )
    )
    if exists is not None:
        raise ServiceError(_("%(name)s already judges this entry.", name=judge.name))
    a = Assignment(
        round_id=rnd.id, judge_id=judge.id, entry_id=entry.id, source=source, created_by_id=getattr(actor, "id", None)
    )
    db.session.add(a)
    db.session.flush()
    audit.record(
        actor, f"assignment.{source}", a, after={"judge_id": judge.id, "entry_id": entry.id}, contest_id=rnd.contest_id
    )
    return a


def remove_assignment(a: Assignment, *, actor, reason: str | None = None) -> None:
    """Take a judge off an entry. A submitted sheet must be reopened first; a draft is kept in
    the audit log."""
    write_guard.check(a.round.contest, "assignment")
    if a.sheet is not None and a.sheet.state == SheetState.FINAL:
        raise ServiceError(_("This judge has submitted the score sheet; reopen it before removing the judge."))
    audit.record(
        actor,
        "assignment.removed",
        a,
        reason=reason,
        before={
            "judge_id": a.judge_id,
            "entry_id": a.entry_id,
            "published": a.published,
            "scores": a.sheet.scores if a.sheet else None,
        },
        contest_id=a.round.contest_id,
    )
    db.session.delete(a)
    db.session.flush()


def release_round_judge(rj: RoundJudge, *, actor, reason: str | None = None) -> int:
    """Give back the entries a judge has not submitted (a judge who fell ill or dropped out).

    Submitted sheets stay and count. Drafts are discarded, their scores kept in the audit log
    as for any removed assignment. The judge's workload limit becomes what they keep, so
    planning again gives the released entries to other judges; a judge who keeps nothing
    leaves the panel. Returns the number of entries released.
    """
    write_guard.check(db.session.get_one(Round, rj.round_id).contest, "assignment")
    rnd = db.session.get_one(Round, rj.round_id)
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == rj.round_id, Assignment.judge_id == rj.judge_id)
    ).all()
    released = [a for a in assignments if not (a.sheet is not None and a.sheet.state == SheetState.FINAL)]
    if not released:
        raise ServiceError(
            _("%(name)s has submitted every entry of this round; there is nothing to release.", name=rj.judge.name)
        )
    kept = len(assignments) - len(released)
    judge = rj.judge
    for a in released:
        remove_assignment(a, actor=actor, reason=reason or _("Released: the judge's unsubmitted entries"))
    if kept:
        rj.capacity = kept
    else:
        db.session.delete(rj)
    db.session.flush()
    audit.record(
        actor,
        "judging.judge_released",
        rnd,
        reason=reason,
        before={"judge_id": rj.judge_id, "assignments": len(assignments)},
        after={"kept": kept, "released": len(released)},
        contest_id=rnd.contest_id,
    )
    tell.released(rnd, judge, len(released))
    return len(released)
