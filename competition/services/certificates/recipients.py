"""Who gets a certificate: the contest's results with an award, as plain domain data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain import certificates as rules
from ...extensions import db
from ...models import Contest, Entry, Result, School


def awarded_entries(contest: Contest) -> list[rules.AwardedEntry]:
    """Results with an award (after overrides and withdrawal), as plain domain data."""
    levels = contest.award_names()
    results = db.session.scalars(
        select(Result)
        .where(Result.contest_id == contest.id)
        .options(
            selectinload(Result.entry).selectinload(Entry.students),
            selectinload(Result.entry).selectinload(Entry.advisers),
            selectinload(Result.entry).selectinload(Entry.school).selectinload(School.district),
            selectinload(Result.entry).selectinload(Entry.section),
            selectinload(Result.entry).selectinload(Entry.created_by),
        )
    ).all()
    out = []
    for r in results:
        award = r.final_award
        e = r.entry
        if not award or e is None:
            continue
        out.append(
            rules.AwardedEntry(
                entry_id=e.id,
                award=award,
                title=e.title,
                section_code=e.section.code,
                section_name=e.section.name,
                section_kind=e.section.kind,
                section_order=e.section.sort_order,
                award_order=levels.index(award) if award in levels else len(levels),
                school_id=e.school_id,
                school_name=e.school.name,
                stage=e.stage,
                subject=e.subject,
                district_id=e.school.district_id,
                district_name=e.school.district.name if e.school.district else None,
                students=tuple(rules.Person(s.id, s.name, s.gender, s.grade, s.school_name) for s in e.students),
                advisers=tuple(rules.Person(a.id, a.name, a.gender, unit=a.unit) for a in e.advisers),
                group_name=e.group_name if e.section.group_entry else None,
                author_name=e.created_by.name if e.section.kind == "counselor" and e.created_by else None,
                entry_number=e.number,
            )
        )
    return out
