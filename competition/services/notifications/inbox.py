"""The message centre (站内消息): what a person reads, and marking it read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from ...extensions import db
from ...models import Notification, User, utcnow

PAGE_SIZE = 30


def unread_count(user_id: int) -> int:
    """One COUNT on the (user_id, read_at) index: the header shows it on every page."""
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


@dataclass(frozen=True)
class InboxPage:
    messages: list[Notification]
    unread: int
    page: int
    has_next: bool


def inbox(user: User, *, page: int = 1, unread_only: bool = False) -> InboxPage:
    page = max(page, 1)
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = list(
        db.session.scalars(
            query.order_by(Notification.created_at.desc(), Notification.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return InboxPage(rows[:PAGE_SIZE], unread_count(user.id), page, len(rows) > PAGE_SIZE)


def message_of(user: User, notification_id: int) -> Notification | None:
    """The person's own message, or None (someone else's is as good as missing)."""
    note = db.session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user.id else None


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
