"""The delivery rows' states: claiming one to send, the outcome of an attempt, the organizer's
outbox (search and resend). The job in competition/jobs/notify.py talks to the mail server and
commits between the steps; these functions only change rows and flush.

Nothing is sent twice blindly: a delivery is claimed (QUEUED -> SENDING, committed) before the
SMTP conversation starts, and only a claimed row is sent. If the worker dies after the server took
the message but before SENT was written, the row stays SENDING; after SENDING_STALE_AFTER it is
marked FAILED as interrupted ("may have been delivered") and waits on the outbox for an organizer
to resend it or leave it. Every attempt carries the same Message-ID, so a resent copy can be told
apart from a new message by the receiving side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import selectinload

from ...domain.notifications import SENDING_STALE_AFTER, DeliveryState, next_attempt
from ...extensions import db
from ...models import Notification, NotificationDelivery, User, utcnow
from .. import ServiceError, audit
from .core import PENDING_FLAG


def _claim(delivery_id: int, now: datetime) -> bool:
    """QUEUED -> SENDING for exactly one worker."""
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.id == delivery_id, NotificationDelivery.state == DeliveryState.QUEUED)
            .values(
                state=DeliveryState.SENDING,
                attempts=NotificationDelivery.attempts + 1,
                next_attempt_at=now,  # when it was claimed: how long it has been sending
            )
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def claim_next(now: datetime, channel: str) -> NotificationDelivery | None:
    """The oldest due delivery of `channel`, claimed; None when nothing is due."""
    for delivery_id in db.session.scalars(
        select(NotificationDelivery.id)
        .where(
            NotificationDelivery.state == DeliveryState.QUEUED,
            NotificationDelivery.channel == channel,
            NotificationDelivery.next_attempt_at <= now,
        )
        .order_by(NotificationDelivery.next_attempt_at, NotificationDelivery.id)
        .limit(20)
    ):
        if _claim(delivery_id, now):
            db.session.flush()
            return db.session.get(NotificationDelivery, delivery_id, populate_existing=True)
    return None


def mark_sent(delivery: NotificationDelivery, now: datetime) -> None:
    delivery.state = DeliveryState.SENT
    delivery.sent_at = now
    delivery.next_attempt_at = None
    delivery.last_error = None
    db.session.flush()


def mark_failed(delivery: NotificationDelivery, error: str) -> None:
    """Given up for good (a refused recipient, a refused message)."""
    delivery.state = DeliveryState.FAILED
    delivery.next_attempt_at = None
    delivery.last_error = error[:2000]
    db.session.flush()


def mark_retry(delivery: NotificationDelivery, error: str, now: datetime) -> None:
    """A temporary failure: tried again after the backoff, or given up after the last attempt."""
    when = next_attempt(delivery.attempts, now)
    if when is None:
        mark_failed(delivery, _("Gave up after %(n)d attempts: %(error)s", n=delivery.attempts, error=error))
        return
    delivery.state = DeliveryState.QUEUED
    delivery.next_attempt_at = when
    delivery.last_error = error[:2000]
    db.session.flush()


def fail_interrupted(now: datetime) -> int:
    """Deliveries left SENDING by a worker that died: never resent by themselves (see above)."""
    stale = list(
        db.session.scalars(
            select(NotificationDelivery).where(
                NotificationDelivery.state == DeliveryState.SENDING,
                NotificationDelivery.next_attempt_at < now - SENDING_STALE_AFTER,
            )
        )
    )
    for delivery in stale:
        mark_failed(
            delivery,
            _(
                "Sending was interrupted; the message may have been delivered. Resend it only if the recipient "
                "did not get it."
            ),
        )
    return len(stale)


def next_due(channel: str) -> datetime | None:
    return db.session.scalar(
        select(func.min(NotificationDelivery.next_attempt_at)).where(
            NotificationDelivery.state == DeliveryState.QUEUED, NotificationDelivery.channel == channel
        )
    )


# ---------------------------------------------------------------------------------------------
# The organizer's outbox


@dataclass(frozen=True)
class OutboxPage:
    deliveries: list[NotificationDelivery]
    counts: dict[str, int]
    page: int
    has_next: bool


OUTBOX_PAGE_SIZE = 50


def outbox(*, text: str = "", state: str = "", page: int = 1) -> OutboxPage:
    """Every email delivery, newest first; `text` searches the address, subject and name."""
    page = max(page, 1)
    query = (
        select(NotificationDelivery)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .outerjoin(User, User.id == Notification.user_id)
        .options(selectinload(NotificationDelivery.notification))
    )
    if state:
        query = query.where(NotificationDelivery.state == state)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(
            or_(NotificationDelivery.address.ilike(like), Notification.subject.ilike(like), User.name.ilike(like))
        )
    rows = list(
        db.session.scalars(
            query.order_by(NotificationDelivery.created_at.desc(), NotificationDelivery.id.desc())
            .offset((page - 1) * OUTBOX_PAGE_SIZE)
            .limit(OUTBOX_PAGE_SIZE + 1)
        )
    )
    counts = dict(
        db.session.execute(
            select(NotificationDelivery.state, func.count(NotificationDelivery.id)).group_by(NotificationDelivery.state)
        ).all()
    )
    return OutboxPage(
        rows[:OUTBOX_PAGE_SIZE], {str(k): int(v) for k, v in counts.items()}, page, len(rows) > OUTBOX_PAGE_SIZE
    )


def resend(delivery_id: int, *, actor: User) -> NotificationDelivery:
    """Queue a failed delivery again (the organizer decided it did not arrive)."""
    delivery = db.session.get(NotificationDelivery, delivery_id)
    if delivery is None:
        raise ServiceError(_("This email no longer exists."))
    if delivery.state != DeliveryState.FAILED:
        raise ServiceError(
            _(
                "Only an email that failed can be sent again; this one is “%(state)s”.",
                state=state_label(delivery.state),
            )
        )
    before = {"state": delivery.state, "attempts": delivery.attempts}
    delivery.state = DeliveryState.QUEUED
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    db.session.flush()
    audit.record(actor, "notification.resend", delivery, before=before, after={"state": delivery.state})
    db.session.info[PENDING_FLAG] = True
    return delivery


def state_label(state: str) -> str:
    labels: dict[str, str] = {
        DeliveryState.QUEUED: _("Waiting"),
        DeliveryState.SENDING: _("Sending"),
        DeliveryState.SENT: _("Sent"),
        DeliveryState.FAILED: _("Failed"),
    }
    return labels.get(state, state)
