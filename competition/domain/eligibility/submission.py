"""Whether an entry may be submitted: every reason it cannot be yet, and whether it may still change."""

from __future__ import annotations

from datetime import date, datetime

from ..states import EntryState, in_review
from ..text import N_, Message
from .data import EntryData, OtherEntry, SectionRules
from .drafts import draft_problems
from .grades import age_on, blank, work_window
from .people import adviser_problems, team_problems, uniqueness_problems


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
    problems += team_problems(entry, section)
    problems += adviser_problems(entry, section)
    problems += _dates(entry, section, contest_year, within_years, today)
    problems += _materials(entry, section)
    problems += uniqueness_problems(entry, section, others)
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


def _dates(entry: EntryData, section: SectionRules, year: int, within_years: int | None, today: date) -> list[Message]:
    out = []
    if entry.completed_on is not None:
        if entry.completed_on > today:
            out.append(Message(N_("The work completion date cannot be in the future."), field="completed_on"))
        elif within_years:
            start, end = work_window(year, within_years, today)
            if not (start <= entry.completed_on <= end):
                out.append(
                    Message(
                        N_(
                            "The work must have been completed between %(start)s and %(end)s "
                            "(within %(n)d years before 1 July %(year)d, and not after the day it is submitted)."
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
