"""Telling people: one message to one person (站内消息, always kept) and its deliveries by email.

A Notification is what the person reads in the message centre; a NotificationDelivery is one
attempt plan for one channel and address. The delivery's idempotency key is unique, so the same
message is never queued twice for one channel, and its Message-ID is fixed before the first
attempt (jobs/notify.py explains what happens after a crash between sending and marking)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # None for someone without an account (an objector who filed online with an email address).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))  # a path of this site, e.g. /teacher/entries/3
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))
    # The event this message is about, so the same event never makes two messages for one person.
    event_key: Mapped[str] = mapped_column(String(160), unique=True)
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deliveries: Mapped[list[NotificationDelivery]] = relationship(
        back_populates="notification", cascade="all, delete-orphan", order_by="NotificationDelivery.id"
    )


class NotificationDelivery(Base):
    __tablename__ = "notification_delivery"
    __table_args__ = (Index("ix_notification_delivery_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email
    address: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default="queued")  # DeliveryState
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notification: Mapped[Notification] = relationship(back_populates="deliveries")


class NotificationPreference(Base):
    """A person's choice for one kind and channel; no row means the kind's default."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    enabled: Mapped[bool]
