"""Planning the schools import: each row matched to a stored school by full name or by a near name."""

from __future__ import annotations

from flask_babel import gettext as _

from ...adapters.spreadsheets import Table, match_key
from ...domain.imports import first_seen
from ...domain.school_matching import KnownSchool, SchoolIndex
from ...domain.text import phone_valid
from ...extensions import db
from ...models import District, School
from .plan import PlanRow, SchoolChoice, StoredSchools, diff, districts_by_key, finish, near_reason, stored_schools


def plan_schools(table: Table, choices: dict[int, int | None]) -> list[PlanRow]:
    stored, districts = stored_schools(), districts_by_key()
    schools = stored.by_key
    in_sheet = SchoolIndex([])  # the new schools of this sheet so far (ids are line numbers)
    seen: dict = {}
    used: dict = {}  # existing school id -> the first line imported into it
    rows = []
    for r in table.rows:
        v = r.values
        row = PlanRow(r.line, "create", dict(v))
        name, district_name = v.get("name"), v.get("district")
        if not name:
            row.problems.append(_("The school name is missing."))
        if not district_name:
            row.problems.append(_("The district is missing."))
        district = districts.get(match_key(district_name)) if district_name else None
        if district_name and district is None:
            row.problems.append(
                _("Unknown district “%(name)s”: add it under Districts first or correct the name.", name=district_name)
            )
        if not phone_valid(v.get("contact_phone")):
            row.problems.append(_("“%(phone)s” is not a valid mobile or landline number.", phone=v["contact_phone"]))
        dup = first_seen(seen, match_key(name), r.line)
        if dup:
            row.problems.append(_("The same school as row %(line)d.", line=dup))
        values = {
            "name": name,
            "district_id": district.id if district else None,
            "stage_kind": v.get("stage_kind"),
            "contact_name": v.get("contact_name"),
            "contact_phone": v.get("contact_phone"),
        }
        existing = schools.get(match_key(name)) if name else None
        if existing is None and name and (district or not district_name):
            existing = _choose_near(row, stored, name, district.id if district else None, choices)
        if existing is not None:
            first = first_seen(used, existing.id, r.line)
            if first and not dup:
                row.problems.append(
                    _(
                        "Row %(line)d is already imported as the existing school “%(school)s”.",
                        line=first,
                        school=existing.name,
                    )
                )
        elif name:
            for match in in_sheet.near(name, district.id if district else None)[:1]:
                row.notes.append(
                    _(
                        "Resembles “%(school)s” in row %(line)d (%(reason)s); both are created as separate schools.",
                        school=match.school.name,
                        line=match.school.id,
                        reason=near_reason(match.reason),
                    )
                )
            in_sheet.add(KnownSchool(r.line, name, district.id if district else None))
        if existing is not None:
            values["name"] = existing.name
            diff(
                row,
                existing,
                values,
                {
                    "district_id": _("District"),
                    "stage_kind": _("Stage"),
                    "contact_name": _("Contact"),
                    "contact_phone": _("Contact phone"),
                },
                shown={"district_id": lambda i: db.session.get_one(District, i).name if i else ""},
            )
            row.payload["id"] = existing.id
        row.payload["values"] = values
        rows.append(finish(row))
    return rows


def _choose_near(
    row: PlanRow, stored: StoredSchools, name: str, district_id: int | None, choices: dict[int, int | None]
) -> School | None:
    """Schools import: the existing school a new name is near, as chosen (default: the nearest),
    or None for a new school; the row lists the candidates and says what happens."""
    near = stored.index.near(name, district_id)
    if not near:
        return None
    row.candidates = [
        SchoolChoice(m.school.id, m.school.name, stored.by_id[m.school.id].district.name, near_reason(m.reason))
        for m in near
    ]
    ids = [c.id for c in row.candidates]
    chosen = choices.get(row.line, ids[0])
    row.chosen = chosen if chosen is None or chosen in ids else ids[0]
    names = "、".join(f"“{c.name}”（{c.district}）" for c in row.candidates)
    if row.chosen is None:
        row.notes.append(
            _("Created as a new school, as chosen, although it resembles the existing %(names)s.", names=names)
        )
        return None
    school = stored.by_id[row.chosen]
    row.notes.append(
        _(
            "Resembles the existing school “%(school)s” (%(reason)s): imported as that school, "
            "unless you choose to create a new one.",
            school=school.name,
            reason=next(c.reason for c in row.candidates if c.id == school.id),
        )
    )
    return school
