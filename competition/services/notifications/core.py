"""Recording a message for one person: the in-app row, always, and an email delivery when the
person has an address and wants that kind by email. Nothing is sent here: the delivery rows are
picked up by the job in competition/jobs/notify.py once the transaction that made them commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...domain.notifications import KINDS, Channel, DeliveryState, wanted
from ...extensions import db
from ...models import Notification, NotificationDelivery, NotificationPreference, User, utcnow

# Set on the session when a delivery was queued; the job runner starts a delivery pass after commit.
PENDING_FLAG = "notifications_pending"


def choices_of(user_id: int) -> dict[tuple[str, str], bool]:
    """The person's stored choices by (kind, channel)."""
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    return {(r.kind, r.channel): r.enabled for r in rows}


def notify(
    kind: str,
    *,
    event_key: str,
    subject: str,
    body: str,
    user: User | None = None,
    email: str | None = None,
    link: str | None = None,
    contest_id: int | None = None,
    entry_id: int | None = None,
) -> Notification | None:
    """One message of `kind` to `user` (or to an email address alone, for someone without an
    account). `event_key` names the event: the same key twice makes one message, so a job that
    runs again or a retried request never tells anyone twice. Returns None when it was already told."""
    spec = KINDS[kind]
    key = f"{event_key}:u{user.id}" if user is not None else f"{event_key}:{(email or '').lower()}"
    if db.session.scalar(select(Notification.id).where(Notification.event_key == key)) is not None:
        return None
    stored = choices_of(user.id) if user is not None else {}
    now = utcnow()
    note = Notification(
        user_id=user.id if user is not None else None,
        kind=kind,
        subject=" ".join(subject.split())[:200],  # one line: it becomes an email header
        body=body,
        link=link,
        contest_id=contest_id,
        entry_id=entry_id,
        event_key=key[:160],
        created_at=now,
        # Turned off in the message centre: kept as a record, but never counted as new.
        read_at=None if wanted(spec, Channel.IN_APP, stored.get((kind, Channel.IN_APP))) else now,
    )
    address = (email or (user.email if user is not None else None) or "").strip()
    if address and wanted(spec, Channel.EMAIL, stored.get((kind, Channel.EMAIL))):
        note.deliveries.append(
            NotificationDelivery(
                channel=Channel.EMAIL,
                address=address,
                state=DeliveryState.QUEUED,
                next_attempt_at=now,
                idempotency_key=f"{key}:{Channel.EMAIL}"[:200],
                created_at=now,
            )
        )
    try:
        with db.session.begin_nested():  # another worker recorded the same event a moment ago
            db.session.add(note)
            db.session.flush()
    except IntegrityError:
        return None
    if note.deliveries:
        db.session.info[PENDING_FLAG] = True
    return note
