"""The submission rules about the people of an entry: the team, its students, its advisers, and a
student's (or a counselor's) one entry per contest."""

from __future__ import annotations

from collections.abc import Iterable

from ..text import N_, Message
from .data import NON_DRAFT, EntryData, OtherEntry, SectionRules
from .grades import blank, stage_of_grade, student_identity


def team_problems(entry: EntryData, section: SectionRules) -> list[Message]:
    """Individual or team as the section allows, and each student's gender, grade, school and stage."""
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
        stage = stage_of_grade(person.grade, vocational_own_stage=section.vocational_own_stage)
        if stage and entry.stage and stage != entry.stage:
            out.append(
                Message(
                    N_("Student %(n)d (%(name)s) is in %(grade)s, not in the stage %(stage)s of the entry."),
                    {"n": i, "name": person.name, "grade": person.grade, "stage": entry.stage},
                    field="students",
                )
            )
    own = section.vocational_own_stage
    stages = [s for p in entry.students if (s := stage_of_grade(p.grade, vocational_own_stage=own))]
    if len(set(stages)) > 1:
        out.append(
            Message(
                N_("All team members must be in the same stage (学段); this team has %(stages)s."),
                {"stages": "、".join(dict.fromkeys(stages))},
                field="students",
            )
        )
    identities = [student_identity(p) for p in entry.students if not blank(p.name)]
    if len(identities) != len(set(identities)):
        out.append(Message(N_("The same student is listed twice."), field="students"))
    return out


def adviser_problems(entry: EntryData, section: SectionRules) -> list[Message]:
    """Each adviser's gender, work unit and phone."""
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


def uniqueness_problems(entry: EntryData, section: SectionRules, others: Iterable[OtherEntry]) -> list[Message]:
    """One counselor project per teacher and one entry per student in a contest (drafts hold no place)."""
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
