"""What the teacher's pages read: the contests open for entries, the school's entries, their
published awards, and the entry page's read model (the view adds the links and the words)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...domain.states import EDITABLE_ENTRY_STATES, ContestState, EntryState, is_final, results_public
from ...domain.text import Message
from ...extensions import db
from ...models import Attachment, AuditEvent, Contest, Entry, Result, utcnow
from ..certificates import entry_certificates
from .checks import problems
from .windows import can_discard, can_withdraw, is_editable, submit_deadline


def open_contests(now: datetime | None = None) -> list[Contest]:
    now = now or utcnow()
    contests = db.session.scalars(
        select(Contest).where(Contest.state == ContestState.OPEN).order_by(Contest.year.desc(), Contest.id)
    )
    return [c for c in contests if c.is_submission_open(now)]


def school_entries(school_id: int) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.school_id == school_id, Entry.state != EntryState.WITHDRAWN)
            .options(selectinload(Entry.students), selectinload(Entry.attachments), selectinload(Entry.section))
            .order_by(Entry.contest_id.desc(), Entry.created_at.desc(), Entry.id.desc())
        )
    )


def published_awards(entries: list[Entry]) -> dict[int, str]:
    """The award of each entry whose contest's results are public (公示 or final)."""
    ids = [e.id for e in entries if results_public(e.contest.state)]
    if not ids:
        return {}
    rows = db.session.scalars(select(Result).where(Result.entry_id.in_(ids)))
    return {r.entry_id: r.final_award for r in rows if r.final_award}


def changed_since_review(entry: Entry) -> bool:
    """Whether the school changed the entry's data or materials after the reviewer's decision."""
    if entry.reviewed_at is None:
        return True
    changes = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.object_type == "entry",
            AuditEvent.object_id == entry.id,
            AuditEvent.action.in_(("entry.update", "attachment.upload", "attachment.delete")),
            AuditEvent.at > entry.reviewed_at,
        )
    )
    return (changes or 0) > 0


@dataclass(frozen=True)
class EntryPage:
    entry: Entry
    editable: bool  # the school can still change it now
    problems: list[Message]  # what still blocks submission, while the entry's state allows changes
    by_requirement: dict[int | None, list[Attachment]]  # None: files whose requirement was removed
    deadline: datetime | None
    award: str | None  # once the results are public (公示 or final)
    certificates: list  # once the results are final
    can_withdraw: bool
    can_discard: bool
    unchanged_since_return: bool  # returned for correction, and nothing changed since


def entry_page(entry: Entry) -> EntryPage:
    found = problems(entry) if entry.state in EDITABLE_ENTRY_STATES else []
    by_requirement: dict[int | None, list[Attachment]] = {}
    for a in entry.attachments:
        by_requirement.setdefault(a.requirement_id, []).append(a)
    award = published_awards([entry]).get(entry.id)
    return EntryPage(
        entry=entry,
        editable=is_editable(entry),
        problems=found,
        by_requirement=by_requirement,
        deadline=submit_deadline(entry),
        award=award,
        certificates=entry_certificates(entry) if award and is_final(entry.contest.state) else [],
        can_withdraw=can_withdraw(entry),
        can_discard=can_discard(entry),
        unchanged_since_return=entry.state == EntryState.RETURNED and not changed_since_review(entry),
    )
