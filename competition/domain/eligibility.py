"""Who may enter what: the eligibility rules of a section, as pure functions over plain data.

`submission_problems(entry, section, ...)` lists every reason an entry cannot be submitted yet
(missing information, missing materials, broken section rules), each a `Message` naming its
field, so the teacher's "still missing" list and the server's check on submit are the same
code. `draft_problems` holds the few rules a draft must meet to be saved at all.

Students are identified across entries by normalised name + school + grade
(`student_identity`), since the same child may be typed with a full-width space or a stray
blank in one entry and not in another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from .characters import identity
from .states import EntryState, in_review
from .text import N_, Message, excerpt, phone_valid

# 年级 as printed on certificates, and the stage (学段) each belongs to; 中职 counts as 高中.
GRADES: dict[str, str] = {
    "一年级": "小学",
    "二年级": "小学",
    "三年级": "小学",
    "四年级": "小学",
    "五年级": "小学",
    "六年级": "小学",
    "七年级": "初中",
    "八年级": "初中",
    "九年级": "初中",
    "高一": "高中",
    "高二": "高中",
    "高三": "高中",
    "中职一年级": "高中",
    "中职二年级": "高中",
    "中职三年级": "高中",
}
GENDERS = ("男", "女")
NON_DRAFT = frozenset(
    {EntryState.SUBMITTED, EntryState.RETURNED, EntryState.ACCEPTED}
)  # states that hold a student's place


@dataclass(frozen=True)
class MaterialRule:
    id: int
    name: str
    required: bool = True
    file_kinds: tuple[str, ...] = ("pdf",)
    max_size_mb: int = 50
    max_files: int = 1
    application_form: bool = False


@dataclass(frozen=True)
class SectionRules:
    name: str
    kind: str = "student"
    stages: tuple[str, ...] = ("小学", "初中", "高中")
    subjects: dict[str, list[str]] = field(default_factory=dict)  # stage (or "*") -> [学科]
    individual_allowed: bool = True
    team_allowed: bool = True
    max_team_size: int = 3
    max_advisers: int = 2
    advisers_allowed: bool = True
    group_entry: bool = False
    age_min: int | None = None
    age_max: int | None = None
    materials: tuple[MaterialRule, ...] = ()

    @property
    def has_students(self) -> bool:
        """Counselor entries are the teacher's own work; practice entries carry a group's name."""
        return self.kind != "counselor" and not self.group_entry

    @property
    def adviser_limit(self) -> int:
        return self.max_advisers if self.advisers_allowed else 0

    @property
    def student_limit(self) -> int:
        if not self.has_students:
            return 0
        return self.max_team_size if self.team_allowed else 1

    def subjects_for(self, stage: str | None) -> list[str]:
        if not self.subjects:
            return []
        if stage and stage in self.subjects:
            return list(self.subjects[stage])
        return list(self.subjects.get("*", []))


@dataclass(frozen=True)
class PersonData:
    name: str
    gender: str | None = None
    grade: str | None = None
    school_name: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True)
class AdviserData:
    name: str
    gender: str | None = None
    unit: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class EntryData:
    title: str
    abstract: str | None = None
    stage: str | None = None
    subject: str | None = None
    is_team: bool = False
    group_name: str | None = None
    completed_on: date | None = None
    contact_phone: str | None = None
    data_confirmed: bool = False
    students: tuple[PersonData, ...] = ()
    advisers: tuple[AdviserData, ...] = ()
    files_per_material: dict[int, int] = field(default_factory=dict)  # material id -> number of files
    id: int | None = None
    author_id: int | None = None  # the teacher who created it (the author of counselor work)


@dataclass(frozen=True)
class OtherEntry:
    """Another entry of the same contest, as far as the uniqueness rules need it."""

    id: int
    state: str
    title: str
    section_kind: str
    author_id: int | None = None
    students: tuple[PersonData, ...] = ()


# ---------------------------------------------------------------------------------------------


def normalise(text: str | None) -> str:
    """NFKC, no whitespace of any width: '王\u3000芳 ' and '王芳' are the same person's name."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", identity(text or ""))).lower()


def student_identity(person: PersonData) -> tuple[str, str, str]:
    return normalise(person.name), normalise(person.school_name), normalise(person.grade)


def stage_of_grade(grade: str | None) -> str | None:
    return GRADES.get((grade or "").strip())


def work_window(contest_year: int, within_years: int) -> tuple[date, date]:
    """Work must be completed within N years before 1 July of the contest year."""
    cutoff = date(contest_year, 7, 1)
    return date(contest_year - within_years, 7, 1), cutoff


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------


def draft_problems(entry: EntryData, section: SectionRules) -> list[Message]:
    """What a draft must meet to be saved: a title, and nothing out of the section's bounds."""
    problems: list[Message] = []
    if blank(entry.title):
        problems.append(Message(N_("The title is required."), field="title"))
    problems += _section_bounds(entry, section)
    problems += _people_details(entry)
    if entry.contact_phone and not phone_valid(entry.contact_phone):
        problems.append(
            Message(
                N_("The contact phone %(phone)s is not valid."),
                {"phone": excerpt(entry.contact_phone)},
                field="contact_phone",
            )
        )
    return problems


def _section_bounds(entry: EntryData, section: SectionRules) -> list[Message]:
    """The stage, subject and head counts the section allows."""
    problems: list[Message] = []
    if entry.stage and entry.stage not in section.stages:
        problems.append(
            Message(
                N_("The stage %(stage)s is not open in the section %(section)s."),
                {"stage": entry.stage, "section": section.name},
                field="stage",
            )
        )
    subjects = section.subjects_for(entry.stage)
    if entry.subject and subjects and entry.subject not in subjects:
        problems.append(
            Message(
                N_("The subject %(subject)s is not offered for this section and stage."),
                {"subject": entry.subject},
                field="subject",
            )
        )
    if len(entry.students) > section.student_limit:
        if section.student_limit == 0:
            problems.append(Message(N_("This section takes no student authors."), field="students"))
        else:
            problems.append(
                Message(
                    N_("At most %(n)d students may be entered in this section."),
                    {"n": section.student_limit},
                    field="students",
                )
            )
    if len(entry.advisers) > section.adviser_limit:
        if section.adviser_limit == 0:
            problems.append(Message(N_("This section takes no advisers."), field="advisers"))
        else:
            problems.append(
                Message(
                    N_("At most %(n)d advisers may be entered in this section."),
                    {"n": section.adviser_limit},
                    field="advisers",
                )
            )
    return problems


def _people_details(entry: EntryData) -> list[Message]:
    """Each student's and adviser's own fields: names, genders, grades, phones."""
    problems: list[Message] = []
    for i, person in enumerate(entry.students, 1):
        if blank(person.name):
            problems.append(Message(N_("Student %(n)d: the name is required."), {"n": i}, field="students"))
        if person.gender and person.gender not in GENDERS:
            problems.append(Message(N_("Student %(n)d: choose 男 or 女."), {"n": i}, field="students"))
        if person.grade and person.grade not in GRADES:
            problems.append(
                Message(
                    N_("Student %(n)d: unknown grade %(grade)s."), {"n": i, "grade": person.grade}, field="students"
                )
            )
    for i, adviser in enumerate(entry.advisers, 1):
        if blank(adviser.name):
            problems.append(Message(N_("Adviser %(n)d: the name is required."), {"n": i}, field="advisers"))
        if adviser.phone and not phone_valid(adviser.phone):
            problems.append(
                Message(
                    N_("Adviser %(n)d: the phone number %(phone)s is not valid."),
                    {"n": i, "phone": excerpt(adviser.phone)},
                    field="advisers",
                )
            )
    return problems


def submission_problems(
    entry: EntryData,
    section: SectionRules,
    *,
    contest_year: int,
    within_years: int | None = 2,
    today: date,
    others: tuple[OtherEntry, ...] | list[OtherEntry] = (),
) -> list[Message]:
    """Every reason the entry cannot be submitted; empty when it is eligible."""
    problems = draft_problems(entry, section)
    problems += _missing_information(entry, section)
    problems += _team_rules(entry, section)
    problems += _advisers(entry, section)
    problems += _dates(entry, section, contest_year, within_years, today)
    problems += _materials(entry, section)
    problems += _uniqueness(entry, section, others)
    if not entry.data_confirmed:
        problems.append(
            Message(
                N_(
                    "Confirm that names, genders, grades and school names are exactly as they must be printed "
                    "on certificates."
                ),
                field="data_confirmed",
            )
        )
    return _dedupe(problems)


def _missing_information(entry: EntryData, section: SectionRules) -> list[Message]:
    out = []
    if blank(entry.abstract):
        out.append(Message(N_("The abstract is missing."), field="abstract"))
    if blank(entry.stage):
        out.append(Message(N_("The stage is missing."), field="stage"))
    if section.subjects_for(entry.stage) and blank(entry.subject):
        out.append(Message(N_("The subject is missing."), field="subject"))
    if entry.completed_on is None:
        out.append(Message(N_("The work completion date is missing."), field="completed_on"))
    if blank(entry.contact_phone):
        out.append(Message(N_("The contact phone is missing."), field="contact_phone"))
    if section.group_entry and blank(entry.group_name):
        out.append(Message(N_("The group name (class, club or school) is missing."), field="group_name"))
    return out


def _team_rules(entry: EntryData, section: SectionRules) -> list[Message]:
    out: list[Message] = []
    if not section.has_students:
        return out
    n = len(entry.students)
    if entry.is_team and not section.team_allowed:
        out.append(
            Message(
                N_("The section %(section)s takes individual entries only."), {"section": section.name}, field="is_team"
            )
        )
    if not entry.is_team and not section.individual_allowed:
        out.append(
            Message(N_("The section %(section)s takes team entries only."), {"section": section.name}, field="is_team")
        )
    if n == 0:
        out.append(Message(N_("Add the student author."), field="students"))
    elif not entry.is_team and n > 1:
        out.append(
            Message(
                N_("An individual entry has exactly one student; choose team for %(n)d students."),
                {"n": n},
                field="students",
            )
        )
    elif entry.is_team and n < 2:
        out.append(Message(N_("A team entry needs at least two students."), field="students"))
    for i, person in enumerate(entry.students, 1):
        params = {"n": i, "name": person.name}
        if blank(person.gender):
            out.append(Message(N_("Student %(n)d (%(name)s): the gender is missing."), params, field="students"))
        if blank(person.grade):
            out.append(Message(N_("Student %(n)d (%(name)s): the grade is missing."), params, field="students"))
        if blank(person.school_name):
            out.append(Message(N_("Student %(n)d (%(name)s): the school is missing."), params, field="students"))
        stage = stage_of_grade(person.grade)
        if stage and entry.stage and stage != entry.stage:
            out.append(
                Message(
                    N_("Student %(n)d (%(name)s) is in %(grade)s, not in the stage %(stage)s of the entry."),
                    {"n": i, "name": person.name, "grade": person.grade, "stage": entry.stage},
                    field="students",
                )
            )
    stages = {stage_of_grade(p.grade) for p in entry.students if stage_of_grade(p.grade)}
    if len(stages) > 1:
        out.append(Message(N_("All team members must be in the same stage (小学, 初中 or 高中)."), field="students"))
    identities = [student_identity(p) for p in entry.students if not blank(p.name)]
    if len(identities) != len(set(identities)):
        out.append(Message(N_("The same student is listed twice."), field="students"))
    return out


def _advisers(entry: EntryData, section: SectionRules) -> list[Message]:
    out = []
    for i, adviser in enumerate(entry.advisers, 1):
        params = {"n": i, "name": adviser.name}
        if blank(adviser.gender):
            out.append(Message(N_("Adviser %(n)d (%(name)s): the gender is missing."), params, field="advisers"))
        if blank(adviser.unit):
            out.append(Message(N_("Adviser %(n)d (%(name)s): the work unit is missing."), params, field="advisers"))
        if blank(adviser.phone):
            out.append(Message(N_("Adviser %(n)d (%(name)s): the phone number is missing."), params, field="advisers"))
    return out


def _dates(entry: EntryData, section: SectionRules, year: int, within_years: int | None, today: date) -> list[Message]:
    out = []
    if entry.completed_on is not None:
        if entry.completed_on > today:
            out.append(Message(N_("The work completion date cannot be in the future."), field="completed_on"))
        elif within_years:
            start, end = work_window(year, within_years)
            if not (start <= entry.completed_on < end):
                out.append(
                    Message(
                        N_(
                            "The work must have been completed between %(start)s and %(end)s "
                            "(within %(n)d years before 1 July %(year)d)."
                        ),
                        {"start": start.isoformat(), "end": end.isoformat(), "n": within_years, "year": year},
                        field="completed_on",
                    )
                )
    if section.has_students and (section.age_min is not None or section.age_max is not None):
        reference = date(year, 7, 1)
        for i, person in enumerate(entry.students, 1):
            if person.birth_date is None:
                out.append(
                    Message(
                        N_("Student %(n)d (%(name)s): the date of birth is missing."),
                        {"n": i, "name": person.name},
                        field="students",
                    )
                )
                continue
            age = age_on(person.birth_date, reference)
            low = section.age_min if section.age_min is not None else 0
            high = section.age_max if section.age_max is not None else 200
            if not low <= age <= high:
                out.append(
                    Message(
                        N_(
                            "Student %(n)d (%(name)s) is %(age)d on 1 July %(year)d; "
                            "this section is for ages %(low)d to %(high)d."
                        ),
                        {"n": i, "name": person.name, "age": age, "year": year, "low": low, "high": high},
                        field="students",
                    )
                )
    return out


def _materials(entry: EntryData, section: SectionRules) -> list[Message]:
    out = []
    for material in section.materials:
        count = entry.files_per_material.get(material.id, 0)
        if material.required and count == 0:
            out.append(Message(N_("Material missing: %(name)s."), {"name": material.name}, field="materials"))
        if count > material.max_files:
            out.append(
                Message(
                    N_("%(name)s: at most %(n)d files, %(count)d uploaded."),
                    {"name": material.name, "n": material.max_files, "count": count},
                    field="materials",
                )
            )
    return out


def _uniqueness(entry: EntryData, section: SectionRules, others: Iterable[OtherEntry]) -> list[Message]:
    out: list[Message] = []
    live = [o for o in others if o.id != entry.id and o.state in NON_DRAFT]
    if section.kind == "counselor" and entry.author_id is not None:
        for other in live:
            if other.section_kind == "counselor" and other.author_id == entry.author_id:
                out.append(
                    Message(
                        N_(
                            "A teacher may enter only one counselor project per contest; you already entered %(title)s."
                        ),
                        {"title": other.title},
                        field="section",
                    )
                )
                break
    taken: dict[tuple[str, str, str], OtherEntry] = {}
    for other in live:
        for person in other.students:
            taken.setdefault(student_identity(person), other)
    for person in entry.students:
        holder = taken.get(student_identity(person))
        if holder is not None and not blank(person.name):
            out.append(
                Message(
                    N_(
                        "%(name)s (%(school)s, %(grade)s) is already an author of %(title)s; "
                        "a student may be in only one entry per contest."
                    ),
                    {
                        "name": person.name,
                        "school": person.school_name or "",
                        "grade": person.grade or "",
                        "title": holder.title,
                    },
                    field="students",
                )
            )
    return out


def _dedupe(problems: list[Message]) -> list[Message]:
    seen, out = set(), []
    for p in problems:
        key = (p.template, tuple(sorted(p.params.items())), p.field)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# ---------------------------------------------------------------------------------------------
# When an entry may still change


def can_still_submit(
    state: str, now: datetime, *, contest_open: bool, contest_state: str, resubmit_by: datetime | None
) -> bool:
    """A draft goes in while the contest takes submissions (`contest_open`); a returned entry
    until the resubmission date the reviewer set, or without one, until the contest's deadline."""
    if state == EntryState.RETURNED and resubmit_by is not None:
        return in_review(contest_state) and now < resubmit_by
    return state in (EntryState.DRAFT, EntryState.RETURNED, EntryState.SUBMITTED) and contest_open
