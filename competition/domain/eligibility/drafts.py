"""The few rules a draft must meet to be saved at all: a title, the section's bounds, each person's own fields."""

from __future__ import annotations

from ..text import N_, Message, excerpt, phone_valid
from .data import EntryData, SectionRules
from .grades import GENDERS, GRADES, blank


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
