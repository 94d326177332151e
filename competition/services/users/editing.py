"""Accounts created, changed, deactivated or reactivated by an organizer; every problem of the form
at once (:class:`AccountInvalid`)."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters.spreadsheets import ascii_text, clean_text, email_ok, is_mobile
from ...domain.characters import identity
from ...domain.text import clean_phone, excerpt, phone_valid
from ...extensions import db
from ...models import ROLES, District, School, User
from .. import ServiceError, accounts, audit
from .resets import revoke_resets

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nosec B105: an alphabet
SUBJECT_SEPARATORS = ("，", ",", "；", ";", "/", "、", "|")


def generate_password(length: int = 10) -> str:
    """A random initial password without look-alike characters (l/1, O/0), mixing letters and digits."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def split_subjects(text: str | None) -> list[str]:
    """擅长学科 as typed: "物理与天文学、工程学", "数学,化学" -> a list without duplicates."""
    text = clean_text(text) or ""
    for sep in SUBJECT_SEPARATORS[:-1]:
        text = text.replace(sep, SUBJECT_SEPARATORS[-1])
    seen: list[str] = []
    for part in text.split(SUBJECT_SEPARATORS[-1]):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


@dataclass
class AccountData:
    """What the organizer's form (or an import row) gives for one account."""

    name: str
    roles: list[str]
    username: str | None = None
    gender: str | None = None
    phone: str | None = None
    email: str | None = None
    school_id: int | None = None
    district_id: int | None = None
    affiliation: str | None = None
    title: str | None = None
    subjects: str | None = None  # as typed; stored joined by 、


class AccountInvalid(ServiceError):
    """Every problem of an account form at once: ``problems`` lists (field, message); the message
    and the field are the first one's."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems


def _username_problem(username: str) -> str | None:
    if not username:
        return _("The username is required.")
    if not all(c.isascii() and (c.isalnum() or c in "._-@") for c in username) or len(username) > 80:
        return _("The username may only contain letters, digits and . _ - @")
    if accounts.find_user(username) is not None:
        return _("The username %(u)s is already taken.", u=username)
    return None


def _phone_problem(phone: str | None, user: User | None) -> str | None:
    if not phone_valid(phone):
        return _("%(phone)s is not a valid mobile or landline number.", phone=excerpt(phone))
    if not is_mobile(phone):
        return None
    # Imports find people by their mobile number: two accounts with one number would be
    # ambiguous. (A landline may be a shared office number.)
    other = db.session.scalar(select(User).where(User.phone == phone, User.id != (user.id if user else 0)))
    if other is None:
        return None
    return _(
        "The mobile number %(phone)s already belongs to the account %(user)s (%(name)s).",
        phone=phone,
        user=other.username,
        name=other.name,
    )


def _placement_problems(data: AccountData, roles: list[str]) -> list[tuple[str, str]]:
    """School, district and gender: what places the person."""
    problems = []
    if "teacher" in roles and not data.school_id:
        problems.append(("school_id", _("A teacher must belong to a school.")))
    if data.school_id and db.session.get(School, data.school_id) is None:
        problems.append(("school_id", _("Unknown school.")))
    if data.district_id and db.session.get(District, data.district_id) is None:
        problems.append(("district_id", _("Unknown district.")))
    if data.gender and data.gender not in ("男", "女"):
        problems.append(("gender", _("The gender must be 男 or 女.")))
    return problems


def _clean(
    data: AccountData,
    *,
    username: str | None = None,
    user: User | None = None,
    problems: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The account's fields, cleaned; every problem of the form at once (AccountInvalid.problems).

    `username` is checked too when given (new accounts); `user` is the account being edited, so
    its own mobile number is not reported as taken.
    """
    problems = list(problems or [])
    name = clean_text(identity(data.name or ""))
    if not name:
        problems.append(("name", _("The name is required.")))
    if username is not None and (message := _username_problem(username)):
        problems.append(("username", message))
    roles = [r for r in data.roles if r in ROLES]
    if not roles:
        problems.append(("roles", _("Choose at least one role.")))
    phone = clean_phone(identity(data.phone)) if data.phone else None
    if message := _phone_problem(phone, user):
        problems.append(("phone", message))
    email = (ascii_text(data.email) or "").replace(" ", "").lower() or None
    if not email_ok(email):
        problems.append(("email", _("%(email)s is not a valid e-mail address.", email=email)))
    problems += _placement_problems(data, roles)
    if problems:
        raise AccountInvalid(problems)
    subjects = "、".join(split_subjects(data.subjects)) or None
    return {
        "name": name,
        "roles": roles,
        "gender": data.gender or None,
        "phone": phone,
        "email": email,
        "school_id": data.school_id or None,
        "district_id": data.district_id or None,
        "affiliation": clean_text(data.affiliation),
        "title": clean_text(data.title),
        "subjects": subjects,
    }


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "roles": sorted(user.roles),
        "gender": user.gender,
        "phone": user.phone,
        "email": user.email,
        "school_id": user.school_id,
        "district_id": user.district_id,
        "affiliation": user.affiliation,
        "title": user.title,
        "subjects": user.subjects,
        "active": user.active,
    }


def create_account(
    data: AccountData,
    *,
    actor: User,
    password: str | None = None,
    min_length: int = 8,
    must_change_password: bool = True,
) -> tuple[User, str | None]:
    """Create one account. Without a password one is generated and returned (to show once)."""
    username = unicodedata.normalize("NFKC", data.username or "").strip()
    problem = accounts.password_problem(password, min_length) if password else None
    fields = _clean(data, username=username, problems=[("password", problem)] if problem else None)
    generated = None
    if not password:
        password = generated = generate_password(max(10, min_length))
    roles = fields.pop("roles")
    user = accounts.create_user(username=username, password=password, roles=roles, actor=actor, **fields)
    user.must_change_password = must_change_password
    db.session.flush()
    return user, generated


def update_account(user: User, data: AccountData, *, actor: User) -> User:
    own = user.id == actor.id and "organizer" not in data.roles
    fields = _clean(
        data, user=user, problems=[("roles", _("You cannot remove your own organizer role."))] if own else None
    )
    before = _snapshot(user)
    user.set_roles(fields.pop("roles"))
    for key, value in fields.items():
        setattr(user, key, value)
    db.session.flush()
    after = _snapshot(user)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit.record(actor, "user.update", user, before={k: before[k] for k in changed}, after=changed)
    return user


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (or reactivate) an account; a deactivated account is logged out everywhere."""
    if user.id == actor.id and not active:
        raise ServiceError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        accounts.end_sessions(user)
        revoke_resets(user)
    db.session.flush()
    audit.record(
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        before={"active": not active},
        after={"active": active},
    )
