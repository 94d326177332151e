"""An entry's state changes by the school: submit (or resubmit a returned entry), withdraw a
submitted one, discard a draft. Each locks the row, checks the transition and the time, and
changes the state only if nobody else changed the entry meanwhile."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from ...domain.states import EntryState, entry_transition_error
from ...extensions import db
from ...i18n.messages import translate
from ...models import Entry, utcnow
from .. import ServiceError, audit, write_guard
from ..notifications import compose as tell
from .checks import EntryProblems, problems
from .windows import can_still_submit, can_withdraw


def _lock(entry: Entry) -> Entry:
    """Lock the entry's row (PostgreSQL: SELECT ... FOR UPDATE) and reload it."""
    locked = db.session.scalar(
        select(Entry).where(Entry.id == entry.id).with_for_update().execution_options(populate_existing=True)
    )
    if locked is None:
        raise ServiceError(_("The page or item was not found."))
    return locked


def _move(
    entry: Entry, target: str, *, actor, action: str, reason: str | None = None, **values: datetime | None
) -> None:
    """Change state only if nobody else changed the entry meanwhile (version check)."""
    write_guard.check(entry.contest, "entry")
    before = entry.state
    # An UPDATE answers a CursorResult (it has the rowcount); Session.execute is typed as any Result.
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Entry)
            .where(Entry.id == entry.id, Entry.version == entry.version, Entry.state == before)
            .values(state=target, version=entry.version + 1, updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise ServiceError(_("Someone else changed this in the meantime. Reload and try again."))
    db.session.refresh(entry)
    audit.record(
        actor,
        action,
        entry,
        before={"state": before},
        after={"state": target, **{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}},
        reason=reason,
    )


def submit(entry: Entry, *, actor) -> Entry:
    """Submit a draft, or resubmit a returned entry, if it is eligible and still in time."""
    entry = _lock(entry)
    target_action = "entry.resubmit" if entry.state == EntryState.RETURNED else "entry.submit"
    error = entry_transition_error(entry.state, EntryState.SUBMITTED)
    if error:
        raise ServiceError(
            _("This entry has already been submitted.") if entry.state == EntryState.SUBMITTED else translate(error)
        )
    found = problems(entry)
    if not can_still_submit(entry):
        raise ServiceError(_("The deadline has passed; submissions are no longer accepted."))
    if found:
        raise EntryProblems(found)
    now = utcnow()  # the time is checked once more right before the change is written
    if not can_still_submit(entry, now):
        raise ServiceError(_("The deadline has passed; submissions are no longer accepted."))
    _move(entry, EntryState.SUBMITTED, actor=actor, action=target_action, submitted_at=now)
    tell.entry_received(entry)
    return entry


def discard(entry: Entry, *, actor) -> Entry:
    """Delete a draft (or give up a returned entry): it leaves the school's list and holds no
    student's place. The row, its files and the audit trail stay, so an organizer can still see it."""
    entry = _lock(entry)
    if entry_transition_error(entry.state, EntryState.WITHDRAWN) is not None:
        raise ServiceError(
            _("Only a draft or an entry returned for correction can be deleted. Withdraw a submitted entry first.")
        )
    if not can_still_submit(entry):
        raise ServiceError(_("The deadline has passed; this entry can no longer be changed."))
    _move(entry, EntryState.WITHDRAWN, actor=actor, action="entry.discard")
    return entry


def withdraw(entry: Entry, *, actor) -> Entry:
    """Take a submitted entry back to draft, before the deadline and before review started."""
    entry = _lock(entry)
    if entry.state != EntryState.SUBMITTED:
        raise ServiceError(_("Only a submitted entry can be withdrawn."))
    if entry.reviewed_at is not None:
        raise ServiceError(_("The format review of this entry has started; it can no longer be withdrawn."))
    if not can_withdraw(entry):
        raise ServiceError(_("The deadline has passed; the entry can no longer be withdrawn."))
    _move(entry, EntryState.DRAFT, actor=actor, action="entry.withdraw", submitted_at=None)
    return entry
