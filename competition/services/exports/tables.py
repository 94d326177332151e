"""The rows every export starts from: the contest's results in table order, the nominated
entries, their authors and contact, and the nomination table (one row per nominated entry)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain.contest_definition import STAGE_ORDER
from ...extensions import db
from ...models import Contest, Entry, Result


def _sort_key(entry: Entry, result: Result | None):
    return (
        entry.section.sort_order,
        entry.section.code,
        STAGE_ORDER.get(entry.stage or "", 9),
        result.rank if result and result.rank is not None else 10**9,
        -(result.score or 0) if result else 0,
        entry.number or "",
        entry.id,
    )


def _results(contest: Contest) -> list[Result]:
    rows = db.session.scalars(
        select(Result)
        .where(Result.contest_id == contest.id)
        .options(
            selectinload(Result.entry).selectinload(Entry.students),
            selectinload(Result.entry).selectinload(Entry.advisers),
            selectinload(Result.entry).selectinload(Entry.school),
            selectinload(Result.entry).selectinload(Entry.section),
            selectinload(Result.entry).selectinload(Entry.created_by),
        )
    ).all()
    return sorted(rows, key=lambda r: _sort_key(r.entry, r))


def nominated_results(contest: Contest) -> list[Result]:
    """The entries recommended to the province, in table order (类别, 学段, rank)."""
    return [r for r in _results(contest) if r.final_nominated]


def authors(entry: Entry) -> list[tuple[str, str, str]]:
    """(姓名, 性别, 年级) of each author. Counselor projects: the teacher who entered it;
    practice activities: the group's name."""
    if entry.students:
        return [(s.name, s.gender or "", s.grade or "") for s in entry.students]
    if entry.group_name:
        return [(entry.group_name, "", "")]
    if entry.created_by is not None:
        return [(entry.created_by.name, entry.created_by.gender or "", "")]
    return []


def contact_phone(entry: Entry) -> str:
    if entry.contact_phone:
        return entry.contact_phone
    for adviser in entry.advisers:
        if adviser.phone:
            return adviser.phone
    return (entry.created_by.phone or "") if entry.created_by else ""


def _score(value: float | None):
    return round(value, 2) if value is not None else None


def nomination_title(contest: Contest) -> str:
    name = contest.name if contest.name.startswith(str(contest.year)) else f"{contest.year}年{contest.name}"
    return f"{name}推荐项目汇总表"


def _team_label(entry: Entry) -> str:
    return "集体" if entry.is_team else "个人"


def nomination_table(contest: Contest, results: list[Result] | None = None) -> list[list]:
    """One row per nominated entry, authors one per line in the three author columns."""
    results = nominated_results(contest) if results is None else results
    rows = []
    for i, result in enumerate(results, start=1):
        e = result.entry
        people = authors(e)
        rows.append(
            [
                i,
                e.section.name,
                e.stage or "",
                e.subject or "",
                _team_label(e),
                e.title,
                "\n".join(p[0] for p in people),
                "\n".join(p[1] for p in people),
                "\n".join(p[2] for p in people),
                e.school.name,
                "\n".join(a.name for a in e.advisers),
                result.final_award or "",
                _score(result.score),
                result.rank,
                contact_phone(e),
                f"市赛编号 {e.number}" if e.number else "",
            ]
        )
    return rows
