"""What the public may see of objections: the status behind a receipt, and the outcome of each
settled objection on the notice, without who filed it or why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import Contest, Objection, Result
from .desk import finding_events


@dataclass(frozen=True)
class ObjectionStatus:
    """What a receipt shows: no name, no phone, no facts."""

    receipt: str
    contest_name: str
    entry_number: str | None
    entry_title: str | None
    filed_at: datetime
    outcome: str | None  # None while it is looked into; upheld, dismissed
    resolved_at: datetime | None
    award_withdrawn: bool
    award_reinstated: bool  # a correction to not founded gave back what this objection withdrew


@dataclass(frozen=True)
class PublicOutcome:
    """One settled objection as the notice shows it."""

    entry_number: str | None
    entry_title: str | None
    outcome: str
    resolved_at: datetime | None
    award_withdrawn: bool
    award_reinstated: bool  # a correction to not founded gave back what this objection withdrew


def _reinstated(objection_ids: list[int]) -> set[int]:
    """Those of the objections whose correction gave the award back."""
    return {e.object_id or 0 for e in finding_events(objection_ids) if (e.after or {}).get("reinstated")}


def _withdrawn(contest_id: int, entry_id: int | None) -> bool:
    if entry_id is None:
        return False
    return bool(
        db.session.scalar(select(Result.withdrawn).where(Result.contest_id == contest_id, Result.entry_id == entry_id))
    )


def status_of(receipt: str) -> ObjectionStatus | None:
    """The status behind a receipt (spaces and case do not matter), or None for an unknown one."""
    code = "".join((receipt or "").split()).upper()
    if not code:
        return None
    objection = db.session.scalar(select(Objection).where(Objection.receipt == code))
    if objection is None:
        return None
    contest = db.session.get(Contest, objection.contest_id)
    entry = objection.entry
    withdrawn = _withdrawn(objection.contest_id, objection.entry_id)
    return ObjectionStatus(
        receipt=code,
        contest_name=(contest.full_name or contest.name) if contest else "",
        entry_number=entry.number if entry else None,
        entry_title=entry.title if entry else None,
        filed_at=objection.received_at,
        outcome=objection.outcome,
        resolved_at=objection.resolved_at,
        award_withdrawn=withdrawn,
        award_reinstated=not withdrawn and objection.id in _reinstated([objection.id]),
    )


def public_outcomes(contest: Contest) -> list[PublicOutcome]:
    """The settled objections of the contest, oldest first, without who filed them or why."""
    settled = list(
        db.session.scalars(
            select(Objection)
            .where(Objection.contest_id == contest.id, Objection.outcome.is_not(None))
            .order_by(Objection.resolved_at, Objection.id)
        )
    )
    reinstated = _reinstated([o.id for o in settled])
    withdrawn = {o.id: _withdrawn(contest.id, o.entry_id) for o in settled}
    return [
        PublicOutcome(
            entry_number=o.entry.number if o.entry else None,
            entry_title=o.entry.title if o.entry else None,
            outcome=o.outcome or "",
            resolved_at=o.resolved_at,
            award_withdrawn=withdrawn[o.id],
            award_reinstated=not withdrawn[o.id] and o.id in reinstated,
        )
        for o in settled
    ]
