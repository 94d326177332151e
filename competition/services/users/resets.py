"""One-time links to set a password: made by an organizer, spent once, ended with the account's
sessions; only a token's hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...extensions import db
from ...models import User, utcnow
from ...models.accounts import PasswordReset
from .. import ServiceError, accounts, audit

RESET_HOURS = 24


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_resets(user: User) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def create_reset_link(user: User, *, actor: User, hours: int = RESET_HOURS) -> str:
    """A new one-time token for `user` (older links stop working); only its hash is stored."""
    if not user.active:
        raise ServiceError(_("This account is deactivated; reactivate it first."))
    revoke_resets(user)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_by_id=actor.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.session.flush()
    audit.record(actor, "user.reset_link", user, after={"expires_in_hours": hours})
    return token


def valid_reset(token: str | None) -> PasswordReset | None:
    """The reset row for a token if it can still be used (not used, not replaced, not expired)."""
    if not token or len(token) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    if reset is None or reset.used_at or reset.revoked_at or reset.expires_at <= utcnow():
        return None
    if not reset.user.active:
        return None
    return reset


def use_reset(token: str, new_password: str, *, min_length: int = 8) -> User:
    """Set the password through a link: the link is spent and every session of the account ends."""
    reset = (
        db.session.scalar(
            select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token or "")).with_for_update()
        )
        if token and len(token) <= 200
        else None
    )
    if reset is None or valid_reset(token) is None:
        raise ServiceError(_("This link is invalid, already used or expired. Ask the organizer for a new one."))
    user = reset.user
    accounts.set_password(user, new_password, actor=user, min_length=min_length, reason="reset link")
    reset.used_at = utcnow()
    revoke_resets(user)
    accounts.clear_throttle(user.username)
    db.session.flush()
    return user
