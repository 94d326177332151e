"""The rules of telling people: which kinds of message there are, who may turn which off, and when
a failed email is tried again. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class DeliveryState(StrEnum):
    QUEUED = "queued"  # waiting for its next attempt (next_attempt_at)
    SENDING = "sending"  # claimed by a worker: the SMTP conversation may be under way
    SENT = "sent"
    FAILED = "failed"  # given up: refused, too many attempts, or interrupted mid-send


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


@dataclass(frozen=True)
class Kind:
    name: str
    audience: str  # teacher, judge, organizer, objector
    # False: the message centre always keeps it (e.g. a return with a deadline to resubmit).
    in_app_optional: bool = True
    email_default: bool = True


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("entry.received", "teacher"),
        Kind("entry.returned", "teacher", in_app_optional=False),
        Kind("entry.accepted", "teacher"),
        Kind("entry.rejected", "teacher", in_app_optional=False),
        Kind("results.published", "teacher"),
        Kind("certificate.ready", "teacher"),
        Kind("judge.assigned", "judge", in_app_optional=False),
        Kind("judge.released", "judge"),
        Kind("round.closed", "judge"),
        Kind("objection.received", "organizer", in_app_optional=False),
        Kind("objection.receipt", "objector"),
        Kind("objection.outcome", "objector"),
    )
}

# Waits after the 1st, 2nd ... failed attempt of a server that did not answer; after the last, give up.
RETRY_WAITS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
# A delivery left in SENDING this long was interrupted (the worker died): it may have gone out.
SENDING_STALE_AFTER = timedelta(minutes=15)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts of a temporary failure; None: give up."""
    if attempts < 1 or attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_WAITS[attempts - 1]


def wanted(kind: Kind, channel: Channel, choice: bool | None) -> bool:
    """Whether a person gets `kind` on `channel`, given their stored choice (None: none made)."""
    if channel == Channel.IN_APP:
        return True if not kind.in_app_optional else (choice if choice is not None else True)
    return choice if choice is not None else kind.email_default
