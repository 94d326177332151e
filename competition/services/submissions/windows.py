"""When an entry may still change: the deadline (or the resubmission date of a returned entry),
and the guard every change of a draft goes through."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ...domain import eligibility as rules
from ...domain.states import EDITABLE_ENTRY_STATES, EntryState
from ...models import Entry, utcnow
from .. import ServiceError, write_guard


def submit_deadline(entry: Entry) -> datetime | None:
    if entry.state == EntryState.RETURNED and entry.resubmit_by is not None:
        return entry.resubmit_by
    return entry.contest.submission_closes_at


def can_still_submit(entry: Entry, now: datetime | None = None) -> bool:
    now = now or utcnow()
    contest = entry.contest
    return rules.can_still_submit(
        entry.state,
        now,
        contest_open=contest.is_submission_open(now),
        contest_state=contest.state,
        resubmit_by=entry.resubmit_by,
    )


def is_editable(entry: Entry, now: datetime | None = None) -> bool:
    return entry.state in EDITABLE_ENTRY_STATES and can_still_submit(entry, now)


def can_withdraw(entry: Entry, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return entry.state == EntryState.SUBMITTED and entry.reviewed_at is None and entry.contest.is_submission_open(now)


def can_discard(entry: Entry, now: datetime | None = None) -> bool:
    """A draft, or a returned entry the school gives up, may be deleted while it can still be changed."""
    return is_editable(entry, now)


def require_editable(entry: Entry) -> None:
    """Refuse a change of the entry's data or materials unless the school may still make it."""
    write_guard.check(entry.contest, "entry")
    if entry.state not in EDITABLE_ENTRY_STATES:
        raise ServiceError(
            _(
                "This entry has been submitted and cannot be changed now. Withdraw it first, "
                "if the deadline has not passed."
            )
        )
    if not can_still_submit(entry):
        raise ServiceError(_("The deadline has passed; this entry can no longer be changed."))
