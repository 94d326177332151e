"""Accounts: creating users, checking passwords, throttling failed logins, changing passwords."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..domain.login_throttle import delay_seconds
from ..extensions import db
from ..models import LoginThrottle, User, utcnow
from . import ServiceError, audit

_hasher = PasswordHasher()
# Verified when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Throttle:
    """LOGIN_THROTTLE_* settings (defaults in config.py): free failures, first delay, cap, when a
    quiet pair is forgotten."""

    free: int
    base_seconds: float
    max_seconds: float
    forget_seconds: float

    @classmethod
    def from_config(cls, config) -> Throttle:
        return cls(
            free=int(config["LOGIN_THROTTLE_FREE_FAILURES"]),
            base_seconds=float(config["LOGIN_THROTTLE_BASE_SECONDS"]),
            max_seconds=float(config["LOGIN_THROTTLE_MAX_SECONDS"]),
            forget_seconds=float(config["LOGIN_THROTTLE_FORGET_SECONDS"]),
        )


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


def user_for_session(user_id: int) -> User | None:
    """The account a session names, with its roles and its school (every page's menu shows them),
    in one query: the login manager asks on every request of a logged-in user."""
    return (
        db.session.scalars(
            select(User).where(User.id == user_id).options(joinedload(User.role_rows), joinedload(User.school))
        )
        .unique()
        .first()
    )


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


def _throttle_query(name: str, address: str) -> Select[LoginThrottle]:
    return select(LoginThrottle).where(LoginThrottle.username == name, LoginThrottle.address == address)


def _throttle_row(name: str, address: str) -> LoginThrottle | None:
    return db.session.scalar(_throttle_query(name, address))


def _record_failure(name: str, address: str, now, throttle: Throttle) -> None:
    row = _throttle_row(name, address)
    if row is None:
        try:
            with db.session.begin_nested():  # another worker may insert the same pair first
                row = LoginThrottle(username=name, address=address, failures=0, last_failure_at=now)
                db.session.add(row)
        except IntegrityError:  # the other worker's row is there now
            row = db.session.scalars(_throttle_query(name, address)).one()
    if row.last_failure_at < now - timedelta(seconds=throttle.forget_seconds):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    wait = delay_seconds(row.failures, free=throttle.free, base=throttle.base_seconds, cap=throttle.max_seconds)
    row.blocked_until = now + timedelta(seconds=wait) if wait else None
    # Pairs quiet for a long time are forgotten, so guessed names do not pile up.
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - timedelta(seconds=throttle.forget_seconds))
    )
    db.session.flush()


def clear_throttle(username: str) -> None:
    """Forget the failed logins of an account name from every address (organizer's reset)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == _throttle_name(username)))


def _throttle_name(username: str) -> str:
    return (username or "").strip().lower()[:150]


def authenticate(username: str, password: str, *, address: str, throttle: Throttle) -> User:
    """Return the user or raise one message for an unknown account, a wrong password and a
    throttled (name, address) pair alike, so none of them tells that an account exists.

    Failures count per pair: a stranger elsewhere guessing the organizer's password slows only
    himself."""
    generic = _("Wrong username or password.")
    name, address = _throttle_name(username), (address or "")[:64]
    now = utcnow()
    row = _throttle_row(name, address)
    if row is not None and row.blocked_until and row.blocked_until > now:
        _hasher.verify(_DUMMY_HASH, "not-a-real-password")  # the same cost as a real check
        raise ServiceError(generic)
    user = find_user(username)
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "x")
        _record_failure(name, address, now, throttle)
        raise ServiceError(generic)
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        _record_failure(name, address, now, throttle)
        raise ServiceError(generic) from None
    if not user.active:
        raise ServiceError(generic)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if row is not None:
        db.session.delete(row)
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
