"""The province's 申报书 fields of the people on an entry, which of them a section requires, and
the checks of their values.

Pure module. A section lists the fields it requires by code (``student.id_number``,
``adviser.title``; `ALL_FIELDS` is every one of them); a draft may leave any of them blank,
submission may not (`missing_problems`). A value that is there is always checked
(`value_problems`): the 身份证号 by GB 11643 (`id_numbers`), against the 出生年月 when given; the
邮编 is 6 digits; a phone is a mainland mobile or landline; an adviser's 年龄 is 18 to 90.
The order of the rows is the order of authorship: the first student is the 第一作者, the first
adviser the 第一指导教师.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .eligibility.data import AdviserData, EntryData, PersonData
from .eligibility.grades import blank
from .id_numbers import id_number_problem
from .text import N_, Message, excerpt, phone_valid

__all__ = [
    "ADVISER_FIELDS",
    "ALL_FIELDS",
    "STUDENT_FIELDS",
    "STUDENT_TEXTS",
    "Field",
    "ADVISER_AGE_RANGE",
    "field_label",
    "missing_problems",
    "normalize_required",
    "value_problems",
]

ADVISER_AGE_RANGE = (18, 90)
# The student's 申报书 texts beyond name, gender, grade, school and 身份证号 (PersonData attributes)
STUDENT_TEXTS = (
    "ethnicity",
    "guardian_name",
    "guardian_relation",
    "guardian_work",
    "phone",
    "address",
    "postcode",
    "team_role",
)
_POSTCODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Field:
    code: str  # "student.ethnicity": the person, then the attribute of PersonData/AdviserData
    label: str  # English msgid, translated at the edge
    team_only: bool = False  # asked of a team's members only (分工)

    @property
    def attribute(self) -> str:
        return self.code.split(".", 1)[1]


STUDENT_FIELDS: tuple[Field, ...] = (
    Field("student.name", N_("Full name")),
    Field("student.gender", N_("Gender")),
    Field("student.ethnicity", N_("Ethnicity")),
    Field("student.birth_date", N_("Date of birth")),
    Field("student.id_number", N_("Identity card number")),
    Field("student.grade", N_("Grade")),
    Field("student.school_name", N_("School (full name)")),
    Field("student.guardian_name", N_("Parent's name")),
    Field("student.guardian_relation", N_("Relation to the applicant")),
    Field("student.guardian_work", N_("Parent's work unit and post")),
    Field("student.phone", N_("Phone")),
    Field("student.address", N_("Address")),
    Field("student.postcode", N_("Postcode")),
    Field("student.photo", N_("ID photo")),
    Field("student.team_role", N_("Part in the team's work"), team_only=True),
)
ADVISER_FIELDS: tuple[Field, ...] = (
    Field("adviser.name", N_("Full name")),
    Field("adviser.gender", N_("Gender")),
    Field("adviser.age", N_("Age")),
    Field("adviser.major", N_("Field of study")),
    Field("adviser.unit", N_("Work unit")),
    Field("adviser.title", N_("Professional title")),
    Field("adviser.phone", N_("Phone")),
)
ALL_FIELDS: tuple[str, ...] = tuple(f.code for f in STUDENT_FIELDS + ADVISER_FIELDS)
_BY_CODE = {f.code: f for f in STUDENT_FIELDS + ADVISER_FIELDS}


def field_label(code: str) -> Message:
    return Message(_BY_CODE[code].label)


def normalize_required(value: object) -> tuple[tuple[str, ...], list[str]]:
    """The required field codes a definition gives (``all``, or a list of codes), in the order of
    `ALL_FIELDS`, and the codes it does not know. None or an empty list requires nothing."""
    if value is None:
        return (), []
    if value == "all":
        return ALL_FIELDS, []
    if isinstance(value, str) or not isinstance(value, Iterable):
        return (), [str(value)]
    given = [str(v) for v in value]
    unknown = [code for code in given if code not in _BY_CODE]
    return tuple(code for code in ALL_FIELDS if code in given), unknown


def _who(n: int, name: str | None) -> str:
    return name.strip() if name and name.strip() else f"#{n}"


def _has_value(person: PersonData | AdviserData, attribute: str) -> bool:
    value = getattr(person, attribute, None)
    if attribute == "photo":
        value = getattr(person, "photo_id", None)
    if isinstance(value, str):
        return not blank(value)
    return value is not None


def missing_problems(entry: EntryData, required: Iterable[str]) -> list[Message]:
    """Each required field left blank, naming the student or adviser and the field (submission)."""
    wanted = set(required)
    out: list[Message] = []
    for i, student in enumerate(entry.students, 1):
        for f in STUDENT_FIELDS:
            if f.code not in wanted or f.code == "student.name" or (f.team_only and not entry.is_team):
                continue
            if not _has_value(student, f.attribute):
                out.append(
                    Message(
                        N_("Student %(name)s: %(field)s is missing."),
                        {"name": _who(i, student.name), "field": Message(f.label)},
                        field="students",
                    )
                )
    for i, adviser in enumerate(entry.advisers, 1):
        for f in ADVISER_FIELDS:
            if f.code not in wanted or f.code == "adviser.name":
                continue
            if not _has_value(adviser, f.attribute):
                out.append(
                    Message(
                        N_("Adviser %(name)s: %(field)s is missing."),
                        {"name": _who(i, adviser.name), "field": Message(f.label)},
                        field="advisers",
                    )
                )
    return out


def value_problems(entry: EntryData, *, today: date | None = None) -> list[Message]:
    """Each value that is there but cannot be right (checked on every save, drafts too)."""
    out: list[Message] = []
    for i, s in enumerate(entry.students, 1):
        who = _who(i, s.name)
        problem = id_number_problem(s.id_number, s.birth_date, today=today)
        if problem is not None:
            out.append(
                Message(
                    N_("Student %(name)s: identity card number: %(problem)s"),
                    {"name": who, "problem": problem},
                    field="students",
                )
            )
        if s.postcode and not _POSTCODE.fullmatch(s.postcode):
            out.append(
                Message(
                    N_("Student %(name)s: the postcode %(code)s is not 6 digits."),
                    {"name": who, "code": excerpt(s.postcode)},
                    field="students",
                )
            )
        if s.phone and not phone_valid(s.phone):
            out.append(
                Message(
                    N_("Student %(name)s: the phone number %(phone)s is not valid."),
                    {"name": who, "phone": excerpt(s.phone)},
                    field="students",
                )
            )
    low, high = ADVISER_AGE_RANGE
    for i, a in enumerate(entry.advisers, 1):
        if a.age is not None and not low <= a.age <= high:
            out.append(
                Message(
                    N_("Adviser %(name)s: the age %(age)d is not between %(low)d and %(high)d."),
                    {"name": _who(i, a.name), "age": a.age, "low": low, "high": high},
                    field="advisers",
                )
            )
    return out
