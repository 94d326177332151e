"""Who takes part in a round: its entries and its judges (added, removed, released)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ...domain.states import EntryState
from ...extensions import db
from ...models import Assignment, Contest, Entry, Round, RoundEntry, RoundJudge, ScoreSheet, User
from .. import ServiceError, audit, write_guard

# --------------------------------------------------------------------------- rounds


def get_round(contest: Contest, number: int) -> Round | None:
    return next((r for r in contest.rounds if r.number == number), None)


def round_k(rnd: Round) -> int:
    """Judges per entry in this round: the round's own number, else the contest's."""
    return rnd.judges_per_entry or rnd.contest.judges_per_entry or 5


def is_first_round(rnd: Round) -> bool:
    return rnd.number == min(r.number for r in rnd.contest.rounds)


def group_key(entry: Entry, group_by: Iterable[str]) -> tuple:
    """The ranking group (评比组别) of an entry, from the ``ranking_group_by`` setting."""
    key = []
    for name in group_by:
        key.append(entry.section_id if name == "section" else getattr(entry, name, None))
    return tuple(key)


def group_label(entry: Entry, group_by: Iterable[str]) -> str:
    parts = []
    for name in group_by:
        value = entry.section.name if name == "section" else getattr(entry, name, None)
        parts.append(str(value) if value else "—")
    return " · ".join(parts)


def sync_round_entries(rnd: Round, actor=None) -> list[Entry]:
    """The entries of the round. The first round takes every accepted entry of the contest
    (added as they are accepted; an entry no longer accepted leaves unless scored)."""
    rows = {re.entry_id: re for re in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == rnd.id))}
    if is_first_round(rnd):
        accepted = db.session.scalars(
            select(Entry.id).where(Entry.contest_id == rnd.contest_id, Entry.state == EntryState.ACCEPTED)
        ).all()
        for entry_id in accepted:
            if entry_id not in rows:
                rows[entry_id] = RoundEntry(
                    round_id=rnd.id, entry_id=entry_id, source="accepted", added_by_id=getattr(actor, "id", None)
                )
                db.session.add(rows[entry_id])
        gone = set(rows) - set(accepted)
        scored = _entries_with_sheets(rnd, gone)
        for entry_id in gone - scored:
            db.session.delete(rows.pop(entry_id))
            db.session.execute(delete(Assignment).where(Assignment.round_id == rnd.id, Assignment.entry_id == entry_id))
        db.session.flush()
    return round_entries(rnd)


def _entries_with_sheets(rnd: Round, entry_ids) -> set[int]:
    if not entry_ids:
        return set()
    return set(
        db.session.scalars(
            select(Assignment.entry_id)
            .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.round_id == rnd.id, Assignment.entry_id.in_(list(entry_ids)))
        )
    )


def round_entries(rnd: Round) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .join(RoundEntry, RoundEntry.entry_id == Entry.id)
            .where(RoundEntry.round_id == rnd.id)
            .options(selectinload(Entry.advisers), selectinload(Entry.section), selectinload(Entry.school))
            .order_by(Entry.number, Entry.id)
        )
    )


def round_judges(rnd: Round) -> list[RoundJudge]:
    return list(
        db.session.scalars(
            select(RoundJudge)
            .where(RoundJudge.round_id == rnd.id)
            .options(selectinload(RoundJudge.judge))
            .order_by(RoundJudge.pool, RoundJudge.judge_id)
        )
    )


def add_round_judges(
    rnd: Round, judge_ids: Iterable[int], *, pool: str | None, actor, capacity: int | None = None
) -> int:
    """Put judges on the round's panel (评委库) in ``pool``; a judge already there moves pool."""
    write_guard.check(rnd.contest, "assignment")
    pool = (pool or "").strip() or None
    if capacity is not None and capacity < 1:
        raise ServiceError(_("The workload limit must be at least 1."), "capacity")
    existing = {rj.judge_id: rj for rj in round_judges(rnd)}
    added = 0
    for judge_id in sorted(set(judge_ids)):
        user = db.session.get(User, judge_id)
        if user is None or not user.has_role("judge"):
            raise ServiceError(_("Only accounts with the judge role can be added."), "judges")
        row = existing.get(judge_id)
        if row is None:
            db.session.add(RoundJudge(round_id=rnd.id, judge_id=judge_id, pool=pool, capacity=capacity))
            added += 1
        else:
            row.pool, row.capacity = pool, capacity
    db.session.flush()
    audit.record(
        actor,
        "judging.judges_added",
        rnd,
        after={"judges": sorted(set(judge_ids)), "pool": pool},
        contest_id=rnd.contest_id,
    )
    return added


def remove_round_judge(rj: RoundJudge, *, actor) -> None:
    """Take a judge off the panel; refused once the judge has a score sheet in the round."""
    write_guard.check(db.session.get_one(Round, rj.round_id).contest, "assignment")
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == rj.round_id, Assignment.judge_id == rj.judge_id)
    ).all()
    if any(a.sheet is not None for a in assignments):
        raise ServiceError(
            _(
                "This judge has already scored entries in this round and cannot be removed. "
                "Use “Release unsubmitted” to give their other entries back."
            )
        )
    for a in assignments:
        db.session.delete(a)
    rnd = db.session.get_one(Round, rj.round_id)
    audit.record(
        actor,
        "judging.judge_removed",
        rnd,
        before={"judge_id": rj.judge_id, "assignments": len(assignments)},
        contest_id=rnd.contest_id,
    )
    db.session.delete(rj)
    db.session.flush()
