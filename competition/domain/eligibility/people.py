"""The submission rules about the people of an entry: the team (one 学段, one 区县, fixed once
submitted), its students, its advisers, and a student's (or a counselor's) one entry per contest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..states import EntryState
from ..text import N_, Message
from .data import NON_DRAFT, EntryData, OtherEntry, PersonData, SectionRules
from .grades import blank, normalise, same_student, stage_of_grade


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
    named = [p for p in entry.students if not blank(p.name)]
    if any(same_student(a, b) for i, a in enumerate(named) for b in named[i + 1 :]):
        out.append(Message(N_("The same student is listed twice."), field="students"))
    if entry.is_team and section.team_same_district:
        out += district_problems(entry)
    return out


def district_problems(entry: EntryData) -> list[Message]:
    """A team's members come from one city or county (同一市/区县): their schools' 区县 agree.
    A member whose school is not in the city's list has no known 区县 and is not compared."""
    districts: dict[str, list[str]] = {}
    for person in entry.students:
        if person.district:
            districts.setdefault(person.district, []).append(person.name)
    if len(districts) < 2:
        return []
    return [
        Message(
            N_("A team's members must all be from the same city or county (区县); this team mixes %(districts)s."),
            {"districts": "；".join(f"{d}（{'、'.join(names)}）" for d, names in districts.items())},
            field="students",
        )
    ]


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
    """One counselor project per teacher and one entry per student in an edition (one contest, all
    its sections), as a team member or alone; drafts hold no place. Who is the same student:
    `same_student` (身份证号 when both have one, else name + school + grade)."""
    out: list[Message] = []
    live = [o for o in others if o.id != entry.id and o.state in NON_DRAFT]
    if section.kind == "counselor" and entry.author_id is not None and section.one_counselor_entry_per_teacher:
        for other in live:
            if other.section_kind == "counselor" and other.author_id == entry.author_id:
                template = (
                    N_(
                        "A teacher may enter only one counselor project per contest; "
                        "you already entered %(number)s %(title)s."
                    )
                    if other.number
                    else N_(
                        "A teacher may enter only one counselor project per contest; you already entered %(title)s."
                    )
                )
                out.append(Message(template, {"number": other.number or "", "title": other.title}, field="section"))
                break
    if not section.one_entry_per_student:
        return out
    for person in entry.students:
        if blank(person.name):
            continue
        holder = next((o for o in live for p in o.students if same_student(person, p)), None)
        if holder is None:
            continue
        template = (
            N_(
                "%(name)s (%(school)s, %(grade)s) is already an author of %(number)s %(title)s; "
                "a student may be in only one entry per contest."
            )
            if holder.number
            else N_(
                "%(name)s (%(school)s, %(grade)s) is already an author of %(title)s; "
                "a student may be in only one entry per contest."
            )
        )
        params = {
            "name": person.name,
            "school": person.school_name or "",
            "grade": person.grade or "",
            "number": holder.number or "",
            "title": holder.title,
        }
        out.append(Message(template, params, field="students"))
    return out


def same_member(a: PersonData, b: PersonData) -> bool:
    """One team member in two versions of an entry: the same 身份证号 when both have one, else the
    same name (normalised); a corrected grade, school or gender is the same member, a new name is not."""
    id_a, id_b = normalise(a.id_number), normalise(b.id_number)
    if id_a and id_b:
        return id_a == id_b
    return normalise(a.name) == normalise(b.name)


def team_change_problems(
    before: Sequence[PersonData],
    after: Sequence[PersonData],
    *,
    state: str,
    allowed: bool = False,
    fixed: bool = True,
) -> list[Message]:
    """No member added after the research started: once submitted, an entry's team (who its
    members are, not their order or details) stays; a returned entry may change it only when the
    reviewer allowed it on returning it. A draft (also one withdrawn before review) is free."""
    if not fixed or state == EntryState.DRAFT or (state == EntryState.RETURNED and allowed):
        return []
    added = [p.name for p in after if not any(same_member(p, q) for q in before)]
    removed = [p.name for p in before if not any(same_member(p, q) for q in after)]
    if not added and not removed:
        return []
    params = {"added": "、".join(added) or "—", "removed": "、".join(removed) or "—"}
    if state == EntryState.RETURNED:
        template = N_(
            "The team of a submitted entry is fixed (added: %(added)s; removed: %(removed)s); "
            "the reviewer did not allow a change of members when returning it."
        )
    else:
        template = N_(
            "The team of a submitted entry is fixed (added: %(added)s; removed: %(removed)s); "
            "no member may be added or removed."
        )
    return [Message(template, params, field="students")]
