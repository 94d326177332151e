"""Schools and districts: lists, the choices of a school, finding one by its name, saving one."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters.spreadsheets import ascii_text, clean_text, match_key
from ...domain.characters import identity
from ...domain.text import clean_phone, excerpt, phone_valid
from ...extensions import db
from ...models import District, School, User
from .. import ServiceError, audit


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
