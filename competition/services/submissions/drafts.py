"""Drafts: what the teacher typed, trimmed and fitted to the section, checked and saved with its
authors (students) and advisers; every change audited."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...domain import application_fields
from ...domain import eligibility as rules
from ...domain.characters import identity
from ...domain.id_numbers import clean_id_number, mask_id_number
from ...domain.states import EntryState
from ...domain.text import N_, Message, clean_phone
from ...extensions import db
from ...models import Adviser, Contest, Entry, School, Section, Student, utcnow
from .. import ServiceError, audit, write_guard
from .checks import EntryProblems, section_rules, team_changes
from .photos import entry_photo_ids
from .windows import require_editable


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _text(value: str | None) -> str | None:
    return _clean(identity(value or ""))


def _cleaned(data: rules.EntryData, section: Section) -> rules.EntryData:
    """What the teacher typed, trimmed and fitted to the section (no students where it takes none)."""
    sec_rules = section_rules(section)
    students = (
        [
            rules.PersonData(
                name=identity(p.name or "").strip(),
                gender=_clean(p.gender),
                grade=_clean(p.grade),
                school_name=_clean(identity(p.school_name or "")),
                birth_date=p.birth_date,
                ethnicity=_text(p.ethnicity),
                id_number=clean_id_number(p.id_number),
                guardian_name=_text(p.guardian_name),
                guardian_relation=_text(p.guardian_relation),
                guardian_work=_text(p.guardian_work),
                phone=clean_phone(identity(p.phone or "")),
                address=_text(p.address),
                postcode=_text(p.postcode),
                team_role=_text(p.team_role),
                photo_id=p.photo_id,
            )
            for p in data.students
        ]
        if sec_rules.has_students
        else []
    )
    advisers = (
        [
            rules.AdviserData(
                name=identity(a.name or "").strip(),
                gender=_clean(a.gender),
                unit=_clean(a.unit),
                phone=_clean(identity(a.phone or "")),
                age=a.age,
                major=_text(a.major),
                title=_text(a.title),
            )
            for a in data.advisers
        ]
        if sec_rules.adviser_limit
        else []
    )
    is_team = bool(data.is_team) and sec_rules.has_students and section.team_allowed
    if sec_rules.has_students and not section.individual_allowed:
        is_team = True
    return rules.EntryData(
        title=(data.title or "").strip(),
        abstract=_clean(data.abstract),
        stage=_clean(data.stage),
        subject=_clean(data.subject),
        is_team=is_team,
        group_name=_clean(data.group_name),
        completed_on=data.completed_on,
        contact_phone=_clean(identity(data.contact_phone or "")),
        data_confirmed=bool(data.data_confirmed),
        students=tuple(students),
        advisers=tuple(advisers),
    )


def draft_problems(data: rules.EntryData, section: Section) -> list[Message]:
    """What would stop `save_draft` from saving this input, without saving anything; lets the
    form name every problem at once, also when the form itself found some."""
    draft = _cleaned(data, section)
    return rules.draft_problems(draft, section_rules(section)) + application_fields.value_problems(draft)


def save_draft(
    entry: Entry | None,
    data: rules.EntryData,
    *,
    section_id: int,
    school: School,
    actor,
    contest: Contest | None = None,
) -> Entry:
    """Create (entry None) or update a draft or returned entry from what the teacher typed.
    Only a title is required."""
    if entry is None:
        if contest is None or not contest.is_submission_open(utcnow()):
            raise ServiceError(_("This contest is not taking entries now."))
        write_guard.check(contest, "entry")
    else:
        contest = entry.contest
        require_editable(entry)
    section = db.session.get(Section, section_id)
    if section is None or section.contest_id != contest.id:
        raise EntryProblems([Message(N_("Choose a section of this contest."), field="section")])
    if entry is not None and section.id != entry.section_id and entry.attachments:
        raise EntryProblems(
            [
                Message(
                    N_(
                        "Delete the uploaded materials before changing the section; "
                        "they belong to the old section's list."
                    ),
                    field="section",
                )
            ]
        )
    draft = _cleaned(data, section)
    found = rules.draft_problems(draft, section_rules(section)) + application_fields.value_problems(draft)
    if entry is not None:
        found += team_changes(entry, draft.students)
    if found:
        raise EntryProblems(found)

    before: dict[str, Any] | None = None
    if entry is None:
        entry = Entry(contest_id=contest.id, school_id=school.id, created_by_id=actor.id, state=EntryState.DRAFT)
        db.session.add(entry)
    else:
        before = _snapshot(entry)
    _fill(entry, draft, section)
    db.session.flush()
    after = _snapshot(entry)
    if before is None:
        audit.record(actor, "entry.create", entry, after=after)
    elif after != before:
        changed = {k for k in after if after[k] != before.get(k)}
        audit.record(
            actor,
            "entry.update",
            entry,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    return entry


def _fill(entry: Entry, draft: rules.EntryData, section: Section) -> None:
    """Write the cleaned input into the entry's row, its students and advisers replaced."""
    entry.section_id = section.id
    entry.section = section
    entry.title = draft.title
    entry.abstract = draft.abstract
    entry.stage = draft.stage
    entry.subject = draft.subject
    entry.is_team = draft.is_team
    entry.group_name = draft.group_name if section.group_entry else None
    entry.completed_on = draft.completed_on
    entry.contact_phone = draft.contact_phone
    entry.data_confirmed = draft.data_confirmed
    own_stage = bool(section.contest.settings_view.vocational_own_stage)
    # A row keeps the photo it carried only if that photo is one of this entry's.
    photos = entry_photo_ids(entry)
    entry.students = [
        Student(
            position=i,
            name=p.name,
            gender=p.gender,
            grade=p.grade,
            school_name=p.school_name,
            stage=rules.stage_of_grade(p.grade, vocational_own_stage=own_stage),
            birth_date=p.birth_date,
            ethnicity=p.ethnicity,
            id_number=p.id_number,
            guardian_name=p.guardian_name,
            guardian_relation=p.guardian_relation,
            guardian_work=p.guardian_work,
            phone=p.phone,
            address=p.address,
            postcode=p.postcode,
            team_role=p.team_role if draft.is_team else None,
            photo_id=p.photo_id if p.photo_id in photos else None,
        )
        for i, p in enumerate(draft.students)
    ]
    entry.advisers = [
        Adviser(
            position=i,
            name=a.name,
            gender=a.gender,
            unit=a.unit,
            phone=a.phone,
            age=a.age,
            major=a.major,
            title=a.title,
        )
        for i, a in enumerate(draft.advisers)
    ]


# The 申报书 fields in the audit log: the 身份证号 as it is masked (the log is read by organizers
# and must not become a second copy of the children's numbers).
_STUDENT_AUDITED = (*application_fields.STUDENT_TEXTS, "photo_id")


def _snapshot(entry: Entry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "section_id": entry.section_id,
        "stage": entry.stage,
        "subject": entry.subject,
        "is_team": entry.is_team,
        "group_name": entry.group_name,
        "abstract": entry.abstract,
        "completed_on": entry.completed_on.isoformat() if entry.completed_on else None,
        "contact_phone": entry.contact_phone,
        "data_confirmed": entry.data_confirmed,
        "students": [
            [
                s.name,
                s.gender,
                s.grade,
                s.school_name,
                mask_id_number(s.id_number),
                *(getattr(s, f) for f in _STUDENT_AUDITED),
            ]
            for s in entry.students
        ],
        "advisers": [[a.name, a.gender, a.unit, a.phone, a.age, a.major, a.title] for a in entry.advisers],
    }
