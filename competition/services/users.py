"""Account management by organizers: accounts, schools, districts and one-time reset links.

Builds on services/accounts.py (create_user, hash_password, password_problem, set_password).
Accounts are never deleted (they carry history: entries, reviews, scores, audit events);
they are deactivated, which also ends their sessions.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from ..adapters.spreadsheets import ascii_text, clean_text, email_ok, is_mobile, match_key
from ..domain.characters import identity
from ..domain.text import clean_phone, excerpt, phone_valid
from ..extensions import db
from ..i18n.collation import sort_by_pinyin
from ..models import ROLES, District, School, User, UserRole, utcnow
from ..models.accounts import PasswordReset
from . import ServiceError, accounts, audit

RESET_HOURS = 24
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
) -> dict:
    """The account's fields, cleaned; every problem of the form at once (ServiceError.problems).

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
        error = ServiceError(problems[0][1], problems[0][0])
        error.problems = problems
        raise error
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


def _snapshot(user: User) -> dict:
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
        _revoke_resets(user)
    db.session.flush()
    audit.record(
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        before={"active": not active},
        after={"active": active},
    )


@dataclass
class UserFilters:
    role: str | None = None
    district_id: int | None = None
    school_id: int | None = None
    q: str | None = None
    active: str | None = "yes"  # yes, no, all


def users_query(filters: UserFilters):
    stmt = select(User).outerjoin(School, User.school_id == School.id)
    if filters.role in ROLES:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == filters.role)))
    if filters.district_id:
        stmt = stmt.where(or_(User.district_id == filters.district_id, School.district_id == filters.district_id))
    if filters.school_id:
        stmt = stmt.where(User.school_id == filters.school_id)
    if filters.q:
        like = f"%{filters.q.strip()}%"
        stmt = stmt.where(
            or_(User.name.like(like), User.username.like(like), User.phone.like(like), User.affiliation.like(like))
        )
    if filters.active == "yes":
        stmt = stmt.where(User.active.is_(True))
    elif filters.active == "no":
        stmt = stmt.where(User.active.is_(False))
    return stmt.order_by(User.name, User.id)


def count_users(filters: UserFilters) -> int:
    return db.session.scalar(select(func.count()).select_from(users_query(filters).order_by(None).subquery()))


def users_page(filters: UserFilters, page: int, per_page: int) -> list[User]:
    """One page of the accounts the filters find, by the pinyin of the name (the database sorts by
    code point): only ids and names of all of them are read, the page's rows then loaded."""
    found = users_query(filters).order_by(None).subquery()
    pairs = db.session.execute(select(found.c.id, found.c.name).order_by(found.c.id)).all()
    ids = [uid for uid, _name in sort_by_pinyin(pairs, key=lambda pair: pair[1])]
    ids = ids[(page - 1) * per_page : page * per_page]
    by_id = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [by_id[uid] for uid in ids]


# ------------------------------------------------------------------ schools and districts


def districts() -> list[District]:
    """Every district, by name."""
    return list(db.session.scalars(select(District).order_by(District.name)))


def schools(district_id: int | None = None) -> list[School]:
    """The schools (of one district, when given), by district and name."""
    stmt = select(School).join(District).order_by(District.name, School.name)
    if district_id:
        stmt = stmt.where(School.district_id == district_id)
    return list(db.session.scalars(stmt))


def school_labels() -> list[tuple[int, str]]:
    """(id, "name（district）") of every school, by district and name: the choices of a school."""
    rows = db.session.execute(
        select(School.id, School.name, District.name).join(District).order_by(District.name, School.name)
    ).all()
    return [(sid, f"{name}（{dname}）") for sid, name, dname in rows]


def find_school(name: str | None) -> School | None:
    key = match_key(name)
    if not key:
        return None
    for school in db.session.scalars(select(School)):
        if match_key(school.name) == key:
            return school
    return None


def find_district(name: str | None) -> District | None:
    key = match_key(name)
    if not key:
        return None
    for district in db.session.scalars(select(District)):
        if match_key(district.name) == key or (district.code and match_key(district.code) == key):
            return district
    return None


def save_school(
    school: School | None,
    *,
    name: str,
    district_id: int | None,
    stage_kind: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    actor: User,
) -> School:
    name = clean_text(identity(name or "")) or ""
    if not name:
        raise ServiceError(_("The full name of the school is required."), "name")
    if len(name) > 120:
        raise ServiceError(_("The name is too long (at most %(n)d characters).", n=120), "name")
    if not district_id or db.session.get(District, district_id) is None:
        raise ServiceError(_("Choose the district of the school."), "district_id")
    same = find_school(name)
    if same is not None and same is not school:
        raise ServiceError(_("A school named %(name)s already exists.", name=same.name), "name")
    phone = clean_phone(identity(contact_phone)) if contact_phone else None
    if not phone_valid(phone):
        raise ServiceError(
            _("%(phone)s is not a valid mobile or landline number.", phone=excerpt(phone)), "contact_phone"
        )
    values = {
        "name": name,
        "district_id": district_id,
        "stage_kind": clean_text(stage_kind),
        "contact_name": clean_text(contact_name),
        "contact_phone": phone,
    }
    if school is None:
        school = School(**values)
        db.session.add(school)
        db.session.flush()
        audit.record(actor, "school.create", school, after=values)
        return school
    before = {k: getattr(school, k) for k in values}
    for key, value in values.items():
        setattr(school, key, value)
    db.session.flush()
    changed = {k: v for k, v in values.items() if before[k] != v}
    if changed:
        audit.record(actor, "school.update", school, before={k: before[k] for k in changed}, after=changed)
    return school


def save_district(district: District | None, *, name: str, code: str | None = None, actor: User) -> District:
    name = clean_text(name) or ""
    if not name:
        raise ServiceError(_("The name of the district is required."), "name")
    code = ascii_text(code) or None
    same = find_district(name)
    if same is not None and same is not district:
        raise ServiceError(_("A district named %(name)s already exists.", name=same.name), "name")
    if code and db.session.scalar(
        select(District).where(District.code == code, District.id != (district.id if district else -1))
    ):
        raise ServiceError(_("The code %(code)s is already used.", code=code), "code")
    if district is None:
        district = District(name=name, code=code)
        db.session.add(district)
        db.session.flush()
        audit.record(actor, "district.create", district, after={"name": name, "code": code})
        return district
    before = {"name": district.name, "code": district.code}
    district.name, district.code = name, code
    db.session.flush()
    audit.record(actor, "district.update", district, before=before, after={"name": name, "code": code})
    return district


# ------------------------------------------------------------------ one-time reset links


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoke_resets(user: User) -> None:
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
    _revoke_resets(user)
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
    _revoke_resets(user)
    accounts.clear_throttle(user.username)
    db.session.flush()
    return user
