"""What still blocks an entry: its rows turned into the plain data of `domain.eligibility`,
whose rules decide, and the problems grouped by the part of the entry page that shows them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain import application_fields
from ...domain import eligibility as rules
from ...domain.states import EDITABLE_ENTRY_STATES, EntryState
from ...domain.text import Message
from ...extensions import db
from ...i18n.messages import translate
from ...i18n.timeutil import utc_to_local
from ...models import District, Entry, School, Section, Student, utcnow
from .. import ServiceError

# Which part of the entry page a problem belongs to (the progress checklist).
PARTS = {
    "basic": (
        "title",
        "abstract",
        "section",
        "stage",
        "subject",
        "is_team",
        "group_name",
        "completed_on",
        "contact_phone",
    ),
    "authors": ("students",),
    "advisers": ("advisers",),
    "materials": ("materials",),
    "confirm": ("data_confirmed",),
}


class EntryProblems(ServiceError):
    """Several problems at once, each a translated message with the field it is about."""

    def __init__(self, problems: list[Message]):
        self.problems = problems
        self.errors = [(p.field, translate(p)) for p in problems]
        super().__init__("\n".join(text for _f, text in self.errors), problems[0].field if problems else None)


# ---------------------------------------------------------------------------------------------
# Rows -> plain data


def section_rules(section: Section) -> rules.SectionRules:
    settings = section.contest.settings_view
    return rules.SectionRules(
        name=section.name,
        kind=section.kind,
        stages=tuple(section.stages or ()),
        subjects=dict(section.subjects or {}),
        individual_allowed=section.individual_allowed,
        team_allowed=section.team_allowed,
        max_team_size=section.max_team_size,
        max_advisers=section.max_advisers,
        advisers_allowed=section.advisers_allowed,
        group_entry=section.group_entry,
        vocational_own_stage=bool(settings.vocational_own_stage),
        team_same_district=bool(settings.team_same_district),
        one_entry_per_student=bool(settings.one_entry_per_student),
        one_counselor_entry_per_teacher=bool(settings.one_counselor_entry_per_teacher),
        age_min=section.age_min,
        age_max=section.age_max,
        materials=tuple(
            rules.MaterialRule(
                id=m.id,
                name=m.name,
                required=m.required,
                file_kinds=tuple(m.file_kinds or ()),
                max_size_mb=m.max_size_mb,
                max_files=m.max_files,
                application_form=m.is_application_form,
            )
            for m in section.materials
        ),
    )


def _person(s: Student, districts: dict[str, str] | None = None) -> rules.PersonData:
    return rules.PersonData(
        name=s.name,
        gender=s.gender,
        grade=s.grade,
        school_name=s.school_name,
        birth_date=s.birth_date,
        id_number=s.id_number,  # the rules prefer it to the name (same_student)
        district=(districts or {}).get(s.school_name or ""),
        ethnicity=s.ethnicity,
        guardian_name=s.guardian_name,
        guardian_relation=s.guardian_relation,
        guardian_work=s.guardian_work,
        phone=s.phone,
        address=s.address,
        postcode=s.postcode,
        team_role=s.team_role,
        photo_id=s.photo_id,
    )


def school_districts(names: Iterable[str | None]) -> dict[str, str]:
    """The 区县 of each named school that is in the city's list (School.name -> District.name)."""
    wanted = sorted({n for n in names if n})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(School.name, District.name)
        .join(District, School.district_id == District.id)
        .where(School.name.in_(wanted))
    )
    return {school: district for school, district in rows}


def entry_data(entry: Entry, districts: dict[str, str] | None = None) -> rules.EntryData:
    """``districts``: the 区县 of the students' schools, looked up here unless given."""
    if districts is None:
        districts = school_districts(s.school_name for s in entry.students) if entry.is_team else {}
    counts: dict[int, int] = {}
    for a in entry.attachments:
        if a.requirement_id is not None:
            counts[a.requirement_id] = counts.get(a.requirement_id, 0) + 1
    return rules.EntryData(
        id=entry.id,
        title=entry.title,
        abstract=entry.abstract,
        stage=entry.stage,
        subject=entry.subject,
        is_team=entry.is_team,
        group_name=entry.group_name,
        completed_on=entry.completed_on,
        contact_phone=entry.contact_phone,
        data_confirmed=entry.data_confirmed,
        students=tuple(_person(s, districts) for s in entry.students),
        advisers=tuple(
            rules.AdviserData(
                name=a.name, gender=a.gender, unit=a.unit, phone=a.phone, age=a.age, major=a.major, title=a.title
            )
            for a in entry.advisers
        ),
        files_per_material=counts,
        author_id=entry.created_by_id,
    )


def other_entries(entry: Entry) -> list[rules.OtherEntry]:
    """The contest's entries that hold a student's place (the rules skip the entry itself)."""
    return contest_entries(entry.contest_id)


def contest_entries(contest_id: int) -> list[rules.OtherEntry]:
    query = (
        select(Entry)
        .where(Entry.contest_id == contest_id, Entry.state.in_(rules.NON_DRAFT))
        .options(selectinload(Entry.students), selectinload(Entry.section))
    )
    rows = db.session.scalars(query)
    return [
        rules.OtherEntry(
            id=e.id,
            state=e.state,
            title=e.title,
            section_kind=e.section.kind,
            author_id=e.created_by_id,
            number=e.number,
            students=tuple(_person(s) for s in e.students),
        )
        for e in rows
    ]


# ---------------------------------------------------------------------------------------------
# Problems


def _local_today() -> date:
    now = utc_to_local(utcnow())
    assert now is not None  # utc_to_local gives None only for None
    return now.date()


def problems(
    entry: Entry,
    *,
    today: date | None = None,
    others: list[rules.OtherEntry] | None = None,
    districts: dict[str, str] | None = None,
) -> list[Message]:
    """Everything that still blocks submission (the teacher's "still missing" list)."""
    contest = entry.contest
    data = entry_data(entry, districts)
    today = today or _local_today()
    found = rules.submission_problems(
        data,
        section_rules(entry.section),
        contest_year=contest.year,
        within_years=contest.settings_view.work_completed_within_years,
        today=today,
        others=other_entries(entry) if others is None else others,
    )
    # the 申报书: every field the section requires, and no value that cannot be right
    extra = application_fields.missing_problems(data, entry.section.required_fields or ())
    extra += application_fields.value_problems(data, today=today)
    return found + [p for p in extra if p not in found]


def problems_by_entry(entries: list[Entry]) -> dict[int, list[Message]]:
    """The "still missing" lists of many entries, loading each contest's entries once."""
    by_contest: dict[int, list[rules.OtherEntry]] = {}
    out = {}
    editable = [e for e in entries if e.state in EDITABLE_ENTRY_STATES]
    districts = school_districts(s.school_name for e in editable for s in e.students)
    for entry in editable:
        if entry.contest_id not in by_contest:
            by_contest[entry.contest_id] = contest_entries(entry.contest_id)
        out[entry.id] = problems(entry, others=by_contest[entry.contest_id], districts=districts)
    return out


def place_clashes(entry: Entry) -> list[Message]:
    """The one-entry rules alone (a student's, a counselor's), against the contest's entries now:
    accepting checks them again, since two schools may submit the same student at one moment."""
    return rules.uniqueness_problems(entry_data(entry, {}), section_rules(entry.section), other_entries(entry))


def team_changes(entry: Entry, students: Sequence[rules.PersonData]) -> list[Message]:
    """Why the team of a saved entry may not become `students` (no member added after the
    research started; a returned entry only with the reviewer's leave)."""
    from ..review import team_change_allowed  # review reads the leave from the return it recorded

    return rules.team_change_problems(
        [_person(s) for s in entry.students],
        students,
        state=entry.state,
        allowed=entry.state == EntryState.RETURNED and team_change_allowed(entry),
        fixed=bool(entry.contest.settings_view.team_fixed_once_submitted),
    )


def checklist(found: list[Message]) -> list[tuple[str, bool]]:
    """(part, done) for each part of the entry page, in page order."""
    bad = {p.field for p in found}
    return [(part, not bad.intersection(names)) for part, names in PARTS.items()]
