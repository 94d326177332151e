"""Accounts: creating users, checking passwords, throttling failed logins, changing passwords."""
from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import User, utcnow
from . import ServiceError, audit

_hasher = PasswordHasher()
# Verified when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str, min_length: int = 8) -> str | None:
    """Password policy; returns the reason a password is refused, in Chinese."""
    if len(password) < min_length:
        return _("The password must have at least %(n)d characters.", n=min_length)
    if password.isdigit() or password.isalpha():
        return _("The password must mix letters with digits or symbols.")
    return None


def new_session_token() -> str:
    return secrets.token_hex(16)


def find_user(username: str) -> User | None:
    name = (username or "").strip()
    return db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))


def create_user(*, username: str, password: str, name: str, roles, actor=None, **fields) -> User:
    username = username.strip()
    if not username:
        raise ServiceError(_("The username is required."), "username")
    if find_user(username) is not None:
        raise ServiceError(_("The username %(u)s is already taken.", u=username), "username")
    user = User(
        username=username,
        password_hash=hash_password(password),
        name=name.strip(),
        session_token=new_session_token(),
        **fields,
    )
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, after={"username": username, "roles": sorted(roles)})
    return user


def authenticate(username: str, password: str, *, max_failures: int, lock_seconds: int) -> User:
    """Return the user or raise one message that never reveals whether the account exists."""
    generic = _("Wrong username or password.")
    user = find_user(username)
    now = utcnow()
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "x")
        except VerificationError:
            pass
        raise ServiceError(generic)
    if user.locked_until and user.locked_until > now:
        raise ServiceError(_("Too many failed attempts. Please try again in a few minutes."))
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(seconds=lock_seconds)
            user.failed_logins = 0
        db.session.flush()
        raise ServiceError(generic)
    if not user.active:
        raise ServiceError(generic)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str, *, min_length: int = 8) -> None:
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise ServiceError(_("The current password is wrong."), "current") from None
    set_password(user, new, actor=user, min_length=min_length)


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of ``user`` (copies included): each request checks
    the token that logging in stored."""
    user.session_token = new_session_token()
    db.session.flush()


def set_password(user: User, new: str, *, actor, min_length: int = 8, reason: str | None = None) -> None:
    problem = password_problem(new, min_length)
    if problem:
        raise ServiceError(problem, "new")
    user.password_hash = hash_password(new)
    user.must_change_password = actor is not user
    end_sessions(user)
    audit.record(actor, "user.password", user, reason=reason)
