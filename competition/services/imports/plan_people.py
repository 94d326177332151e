"""Planning the teachers, reviewers and judges imports: each row matched to an account or a new one."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters.spreadsheets import Table, email_ok, match_key
from ...domain.imports import contact_problems, first_seen, username_for
from ...extensions import db
from ...i18n.messages import translate
from ...models import District, School, User
from ..users import split_subjects
from .columns import ROLE_OF
from .plan import PlanRow, StoredSchools, diff, districts_by_key, finish, school_of, stored_schools


@dataclass
class _People:
    """What every row of a people import is matched against: the stored accounts and places."""

    kind: str
    schools: StoredSchools | None
    districts: dict[str, District]
    by_phone: dict[str, User]
    by_place: dict[tuple, list[User]]
    taken: set[str]
    known_subjects: set[str]
    seen_phone: dict = field(default_factory=dict)
    seen_person: dict = field(default_factory=dict)


def _people(kind: str) -> _People:
    schools, districts = (stored_schools() if kind == "teachers" else None), districts_by_key()
    users = db.session.scalars(select(User)).all()
    by_place: dict[tuple, list[User]] = {}
    for u in users:
        for place in (("school", u.school_id), ("district", u.district_id), ("unit", match_key(u.affiliation))):
            if place[1]:
                by_place.setdefault((match_key(u.name), *place), []).append(u)
    return _People(
        kind,
        schools,
        districts,
        by_phone={u.phone: u for u in users if u.phone},
        by_place=by_place,
        taken={u.username.lower() for u in users},
        known_subjects=_known_subjects() if kind == "judges" else set(),
    )


def plan_people(kind: str, table: Table, contest) -> list[PlanRow]:
    role = ROLE_OF[kind]
    people = _people(kind)
    rows = []
    for r in table.rows:
        v = dict(r.values)
        row = PlanRow(r.line, "create", dict(v))
        name = v.get("name")
        if not name:
            row.problems.append(_("The name is missing."))
        row.problems += [translate(m) for m in contact_problems(v, email_valid=email_ok(v.get("email")))]
        values = {k: v.get(k) for k in ("name", "gender", "phone", "email")}
        place_of = {"teachers": _teacher_place, "reviewers": _reviewer_place}.get(kind, _judge_place)
        place, where = place_of(row, v, values, people)
        _check_twice(row, r.line, name, values, place, people)
        existing = _existing_account(row, name, values, place, people)
        if existing is not None:
            _update_account(row, existing, values, role)
        elif not row.problems:
            username = v.get("username")
            if username and username.lower() in people.taken:
                row.problems.append(_("The username %(u)s is already taken.", u=username))
            else:
                row.cells["username"] = username_for(kind, values, where, people.taken)
                row.payload["username"] = row.cells["username"]
        row.payload["values"] = values
        row.payload["where"] = where
        rows.append(finish(row))
    return rows


def _teacher_place(row: PlanRow, v: dict, values: dict, people: _People) -> tuple[tuple, str]:
    """A teacher's school (in the district, when the row gives one): the place that, with the
    name, finds the account; and where the teacher is, for the credentials sheet."""
    school_name = v.get("school")
    district_name = v.get("district")
    district = people.districts.get(match_key(district_name)) if district_name else None
    assert people.schools is not None  # _people loads the stored schools for a teachers import
    school = school_of(row, school_name, people.schools, district.id if district else None)
    if district_name:
        if district is None:
            row.problems.append(_("Unknown district “%(name)s”.", name=district_name))
        elif school is not None and school.district_id != district.id:
            row.problems.append(
                _(
                    "The school %(school)s is in %(real)s, not in %(given)s.",
                    school=school.name,
                    real=school.district.name,
                    given=district_name,
                )
            )
    values["school_id"] = school.id if school else None
    return ("school", values["school_id"]), (school.name if school else (school_name or ""))


def _reviewer_place(row: PlanRow, v: dict, values: dict, people: _People) -> tuple[tuple, str]:
    district_name = v.get("district")
    district = people.districts.get(match_key(district_name)) if district_name else None
    if district_name and district is None:
        row.problems.append(_("Unknown district “%(name)s”.", name=district_name))
    values["district_id"] = district.id if district else None
    values["affiliation"] = v.get("affiliation")
    return ("district", values["district_id"]), (district.name if district else (v.get("affiliation") or ""))


def _judge_place(row: PlanRow, v: dict, values: dict, people: _People) -> tuple[tuple, str]:
    values["affiliation"] = v.get("affiliation")
    values["title"] = v.get("title")
    subjects = split_subjects(v.get("subjects"))
    values["subjects"] = "、".join(subjects) or None
    row.cells["subjects"] = values["subjects"]
    unknown = [s for s in subjects if people.known_subjects and s not in people.known_subjects]
    if unknown:
        row.notes.append(_("Not a subject of any contest: %(names)s (kept as typed).", names="、".join(unknown)))
    return ("unit", match_key(values["affiliation"])), (values["affiliation"] or "")


def _check_twice(row: PlanRow, line: int, name: str | None, values: dict, place: tuple, people: _People) -> None:
    """The same phone, or the same name at the same place, as an earlier row of the file."""
    dup = first_seen(people.seen_phone, values.get("phone"), line)
    if dup:
        row.problems.append(_("The same phone number as row %(line)d.", line=dup))
    dup = first_seen(people.seen_person, (match_key(name), *place), line)
    if dup and name:
        row.problems.append(
            _("The same name and %(place)s as row %(line)d.", place=_place_label(people.kind), line=dup)
        )


def _existing_account(row: PlanRow, name: str | None, values: dict, place: tuple, people: _People) -> User | None:
    """The account a row means: by phone, else by name and place (one match, no other phone)."""
    phone = values.get("phone")
    existing = people.by_phone.get(phone) if phone else None
    if existing is not None and match_key(existing.name) != match_key(name):
        row.problems.append(
            _(
                "The phone number %(phone)s already belongs to the account %(user)s (%(name)s).",
                phone=values["phone"],
                user=existing.username,
                name=existing.name,
            )
        )
        existing = None
    if existing is None and name and place[1]:
        matches = people.by_place.get((match_key(name), *place), [])
        if len(matches) == 1 and not (values.get("phone") and matches[0].phone and matches[0].phone != values["phone"]):
            existing = matches[0]
    return existing


def _update_account(row: PlanRow, existing: User, values: dict, role: str) -> None:
    values["name"] = existing.name
    labels = {"gender": _("Gender"), "phone": _("Phone"), "email": _("E-mail")}
    labels.update(
        {
            k: lbl
            for k, lbl in (
                ("school_id", _("School")),
                ("district_id", _("District")),
                ("affiliation", _("Unit")),
                ("title", _("Title")),
                ("subjects", _("Subjects")),
            )
            if k in values
        }
    )
    diff(
        row,
        existing,
        values,
        labels,
        shown={
            "school_id": lambda i: db.session.get_one(School, i).name if i else "",
            "district_id": lambda i: db.session.get_one(District, i).name if i else "",
        },
    )
    if role not in existing.roles:
        row.changes.append(_("Add the role %(role)s", role=_role_label(role)))
        row.action = "update"
    if not existing.active:
        row.notes.append(_("This account is deactivated; the import does not reactivate it."))
    row.payload["id"] = existing.id
    row.cells["username"] = existing.username


def _place_label(kind: str) -> str:
    return {"teachers": _("school"), "reviewers": _("district"), "judges": _("unit")}[kind]


def _role_label(role: str) -> str:
    from ...i18n.labels import ROLE_LABELS

    return str(ROLE_LABELS[role])


def _known_subjects() -> set[str]:
    from ...models import Section

    names: set[str] = set()
    for subjects in db.session.scalars(select(Section.subjects)):
        for values in (subjects or {}).values():
            names.update(values)
    return names
