"""The entry form's rows: the typed students and advisers as the rules' plain data and back, and
moving a row up or down (the order is the order of authorship: the first student is the
第一作者, the first adviser the 第一指导教师). Moving works without JavaScript: the button
submits the form, which comes back with the two rows swapped, nothing saved yet."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from ...domain.application_fields import STUDENT_TEXTS
from ...domain.eligibility import AdviserData, PersonData

ROW_LISTS = ("students", "advisers")
_MOVE = re.compile(r"(students|advisers)-(\d+)-(up|down)")


def person_data(f) -> PersonData:
    """A student row of the form as the rules' data."""
    return PersonData(
        name=f.name.data or "",
        gender=f.gender.data,
        grade=f.grade.data,
        school_name=f.school_name.data,
        birth_date=f.birth_date.data,
        ethnicity=f.ethnicity.data,
        id_number=f.id_number.data,
        guardian_name=f.guardian_name.data,
        guardian_relation=f.guardian_relation.data,
        guardian_work=f.guardian_work.data,
        phone=f.phone.data,
        address=f.address.data,
        postcode=f.postcode.data,
        team_role=f.team_role.data,
        photo_id=f.photo(),
    )


def adviser_data(f) -> AdviserData:
    return AdviserData(
        name=f.name.data or "",
        gender=f.gender.data,
        unit=f.unit.data,
        phone=f.phone.data,
        age=f.age.data,
        major=f.major.data,
        title=f.title.data,
    )


_STUDENT_TEXT = ("name", "school_name", "id_number", *STUDENT_TEXTS)


def student_values(s) -> dict:
    """A saved student as the form's row data."""
    values = {name: getattr(s, name) for name in _STUDENT_TEXT}
    values.update(gender=s.gender or "", grade=s.grade or "", birth_date=s.birth_date, photo_id=str(s.photo_id or ""))
    return values


def adviser_values(a) -> dict:
    return {
        "name": a.name,
        "gender": a.gender or "",
        "unit": a.unit,
        "phone": a.phone,
        "age": a.age,
        "major": a.major,
        "title": a.title,
    }


def moved(formdata: MultiDict) -> tuple[MultiDict, str] | None:
    """The posted form with a row moved as its ``move`` button asks (``students-2-up``), and the
    value of the same button on the row at its new place (to give it the focus again); None when
    no move was asked or the row cannot move that way."""
    match = _MOVE.fullmatch(formdata.get("move") or "")
    if match is None:
        return None
    name, index, direction = match.group(1), int(match.group(2)), match.group(3)
    pattern = re.compile(rf"{name}-(\d+)-(.*)")
    indices = sorted({int(m.group(1)) for key in formdata if (m := pattern.fullmatch(key))})
    if index not in indices:
        return None
    at = indices.index(index)
    other_at = at - 1 if direction == "up" else at + 1
    if not 0 <= other_at < len(indices):
        return None
    other = indices[other_at]
    swap = {index: other, other: index}
    out: MultiDict = MultiDict()
    for key, value in formdata.items(multi=True):
        if key == "move":
            continue
        m = pattern.fullmatch(key)
        if m and int(m.group(1)) in swap:
            key = f"{name}-{swap[int(m.group(1))]}-{m.group(2)}"
        out.add(key, value)
    return out, f"{name}-{other}-{direction}"
