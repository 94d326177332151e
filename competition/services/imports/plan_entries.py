"""Planning the entries import of a contest: each row checked against the contest's sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters.spreadsheets import Table, match_key
from ...domain.imports import entry_problems, first_seen, title_problems
from ...domain.states import EntryState
from ...domain.text import phone_valid
from ...extensions import db
from ...i18n.messages import translate
from ...models import Contest, Entry, School, Section, Student, User, UserRole
from .plan import PlanRow, StoredSchools, finish, school_of, stored_schools

_TEAM_WORDS = {"集体": True, "团体": True, "团队": True, "小组": True, "个人": False}


def _stage_of(text: str | None, stages: list[str]) -> str | None:
    if not text:
        return None
    key = match_key(text).removesuffix("组")
    for stage in stages:
        if match_key(stage) == key:
            return stage
    return None


@dataclass
class _Contest:
    """What every row of an entries import is checked against: the contest's sections, entries,
    authors and the teachers who may be advisers."""

    contest: Contest
    schools: StoredSchools
    sections: dict[str, Section]
    existing: dict[tuple, Entry]  # (title key, school id) -> the entry already in the contest
    taken_people: dict[tuple, str]  # (author key, school key) -> the title of their entry
    teachers: dict[tuple, list[User]]
    seen_title: dict = field(default_factory=dict)
    seen_author: dict = field(default_factory=dict)


def _contest_of_entries(contest: Contest) -> _Contest:
    schools = stored_schools()
    sections = {}
    for s in contest.sections:
        sections[match_key(s.name)] = s
        sections.setdefault(match_key(s.code), s)
    existing = {}
    for e in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id)):
        existing[(match_key(e.title), e.school_id)] = e
    taken_people: dict[tuple, str] = {}
    for st, title in db.session.execute(
        select(Student, Entry.title)
        .join(Entry)
        .where(
            Entry.contest_id == contest.id,
            Entry.state.in_((EntryState.SUBMITTED, EntryState.RETURNED, EntryState.ACCEPTED)),
        )
    ):
        taken_people[(match_key(st.name), match_key(st.school_name))] = title
    teachers: dict[tuple, list[User]] = {}
    for u in db.session.scalars(select(User).join(UserRole).where(UserRole.role == "teacher")):
        teachers.setdefault((match_key(u.name), u.school_id), []).append(u)
    return _Contest(contest, schools, sections, existing, taken_people, teachers)


def plan_entries(kind: str, table: Table, contest: Contest) -> list[PlanRow]:
    known = _contest_of_entries(contest)
    rows = []
    for r in table.rows:
        v = r.values
        row = PlanRow(r.line, "create", dict(v))
        title = v.get("title")
        row.problems += [translate(m) for m in title_problems(title)]
        section = _section_of(row, v.get("section"), known)
        school_name = v.get("school")
        school = school_of(row, school_name, known.schools)
        authors = [a for i in range(1, 6) if (a := v.get(f"author{i}"))]
        advisers = [a for i in range(1, 3) if (a := v.get(f"adviser{i}"))]
        team_word = v.get("team")
        is_team = _TEAM_WORDS.get(match_key(team_word)) if team_word else len(authors) > 1
        if team_word and is_team is None:
            row.problems.append(_("个人/集体 must be 个人 or 集体, not “%(value)s”.", value=team_word))
        stage = subject = None
        if section is not None:
            stage = _stage_of(v.get("stage"), list(section.stages or []))
            subject = v.get("subject")
            row.problems += [
                translate(m)
                for m in entry_problems(
                    section,
                    stage_text=v.get("stage"),
                    stage=stage,
                    subject=subject,
                    is_team=is_team,
                    authors=authors,
                    advisers=advisers,
                )
            ]
        dup = first_seen(known.seen_title, (match_key(title), match_key(school_name)), r.line)
        if dup:
            row.problems.append(_("The same title and school as row %(line)d.", line=dup))
        old = known.existing.get((match_key(title), school.id)) if title and school else None
        _check_authors(row, r.line, authors, school.name if school else school_name, old is not None, known)
        linked = _linked_advisers(row, advisers, school, known)
        if old is not None and not row.problems:
            row.action = "same"
            row.notes.append(_("Already in this contest; left unchanged."))
        row.payload = {
            "section_id": section.id if section else None,
            "school_id": school.id if school else None,
            "stage": stage,
            "subject": subject or None,
            "is_team": bool(is_team),
            "title": title,
            "authors": authors,
            "advisers": list(zip(advisers, linked, strict=True)),
            "phone": v.get("phone"),
            "abstract": v.get("abstract"),
            "school_name": school.name if school else school_name,
        }
        if not phone_valid(v.get("phone")):
            row.problems.append(_("“%(phone)s” is not a valid mobile or landline number.", phone=v["phone"]))
        rows.append(finish(row))
    return rows


def _section_of(row: PlanRow, name: str | None, known: _Contest) -> Section | None:
    section = known.sections.get(match_key(name)) if name else None
    if not name:
        row.problems.append(_("The section (类别) is missing."))
    elif section is None:
        row.problems.append(
            _(
                "Unknown section “%(name)s” (this contest has: %(names)s).",
                name=name,
                names="、".join(s.name for s in known.contest.sections),
            )
        )
    return section


def _check_authors(
    row: PlanRow, line: int, authors: list[str], school_name: str | None, stored: bool, known: _Contest
) -> None:
    """One entry per person and contest: in the file, and (for a new entry) in the contest."""
    for author in authors:
        key = (match_key(author), match_key(school_name))
        dup = first_seen(known.seen_author, key, line)
        if dup:
            row.problems.append(
                _("%(name)s already appears in row %(line)d (one entry per person and contest).", name=author, line=dup)
            )
        elif key in known.taken_people and not stored:
            row.problems.append(
                _(
                    "%(name)s already has the entry “%(title)s” in this contest.",
                    name=author,
                    title=known.taken_people[key],
                )
            )


def _linked_advisers(row: PlanRow, advisers: list[str], school: School | None, known: _Contest) -> list[int | None]:
    """The teacher account of each adviser (one of that name at the school), else None."""
    linked = []
    for name in advisers:
        found = known.teachers.get((match_key(name), school.id if school else None), [])
        linked.append(found[0].id if len(found) == 1 else None)
    if advisers and school is not None:
        unknown = [n for n, uid in zip(advisers, linked, strict=True) if uid is None]
        if unknown:
            row.notes.append(
                _("No teacher account for %(names)s at this school; stored by name only.", names="、".join(unknown))
            )
    return linked
