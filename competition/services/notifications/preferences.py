"""Each person's choice of channels per kind of message. Some kinds cannot be turned off in the
message centre (a return with a deadline, a judging assignment, a new objection): there the
choice is email only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...domain.notifications import KINDS, Channel, wanted
from ...extensions import db
from ...models import NotificationPreference, User
from .. import audit
from .core import choices_of


@dataclass(frozen=True)
class Choice:
    kind: str
    in_app: bool
    in_app_optional: bool
    email: bool


def kinds_for(user: User) -> list[str]:
    roles = user.roles
    return [name for name, spec in KINDS.items() if spec.audience in roles]


def choices(user: User) -> list[Choice]:
    stored = choices_of(user.id)
    rows = []
    for name in kinds_for(user):
        spec = KINDS[name]
        rows.append(
            Choice(
                kind=name,
                in_app=wanted(spec, Channel.IN_APP, stored.get((name, Channel.IN_APP))),
                in_app_optional=spec.in_app_optional,
                email=wanted(spec, Channel.EMAIL, stored.get((name, Channel.EMAIL))),
            )
        )
    return rows


def save(user: User, chosen: set[tuple[str, str]], *, actor: User) -> None:
    """`chosen`: the (kind, channel) pairs ticked; every other pair of the person's kinds is off,
    except the message centre of a kind that cannot be turned off."""
    existing = {
        (r.kind, r.channel): r
        for r in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    before = {f"{k}:{c}": r.enabled for (k, c), r in existing.items()}
    for name in kinds_for(user):
        channels = [Channel.EMAIL] + ([Channel.IN_APP] if KINDS[name].in_app_optional else [])
        for channel in channels:
            enabled = (name, str(channel)) in chosen
            row = existing.get((name, channel))
            if row is None:
                db.session.add(NotificationPreference(user_id=user.id, kind=name, channel=channel, enabled=enabled))
            else:
                row.enabled = enabled
    db.session.flush()
    after = {
        f"{r.kind}:{r.channel}": r.enabled
        for r in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    if after != before:
        audit.record(actor, "notification.preferences", user, before=before, after=after)
