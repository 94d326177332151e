"""Format review (形式审查): the reviewer's queue, and accepting, returning or rejecting entries.

Every action locks the entry row (SELECT ... FOR UPDATE on PostgreSQL) and bumps its version
with a conditional UPDATE, so when two reviewers act on the same entry at once the second one
gets a clear message and nothing is done twice. Numbers come from the contest's
`entry_number_pattern` and a per-section counter that only grows (numbers are never reused).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..domain import states
from ..domain.numbering import format_number, next_seq
from ..domain.states import EntryState, entry_transition_error
from ..extensions import db
from ..i18n.labels import ENTRY_STATE_LABELS
from ..i18n.messages import translate
from ..i18n.timeutil import local_to_utc, utc_to_local
from ..models import AuditEvent, Contest, District, Entry, School, Section, Student, User, utcnow
from ..models.review import EntryNumberCounter
from . import ServiceError, audit, write_guard
from .notifications import compose as tell
from .permissions import can_review_entry, is_organizer
from .submissions.checks import place_clashes

# Format review happens while a contest takes entries and after it closes, before judging.
REVIEW_CONTEST_STATES = states.REVIEW_CONTEST_STATES
# What a reviewer sees: drafts stay the school's private work.
QUEUE_STATES = (EntryState.SUBMITTED, EntryState.RETURNED, EntryState.ACCEPTED, EntryState.REJECTED)
MAX_REASON = 2000


@dataclass
class QueueFilters:
    contest_id: int | None = None
    section_id: int | None = None
    stage: str | None = None
    district_id: int | None = None
    school_id: int | None = None
    state: str | None = EntryState.SUBMITTED  # None or "" means every reviewable state
    q: str | None = None  # words found in the title, number, school, students or group name


def scoped_district(user: User) -> int | None:
    """The district a reviewer is limited to; None for organizers and unscoped reviewers."""
    if is_organizer(user):
        return None
    return user.district_id


def _base_query(user: User, filters: QueueFilters, *, with_state: bool = True):
    q = (
        select(Entry)
        .join(Contest, Entry.contest_id == Contest.id)
        .join(School, Entry.school_id == School.id)
        .where(Contest.state.in_(REVIEW_CONTEST_STATES), Entry.state.in_(QUEUE_STATES))
    )
    district = scoped_district(user)
    if district is not None:
        q = q.where(School.district_id == district)
    if filters.contest_id:
        q = q.where(Entry.contest_id == filters.contest_id)
    if filters.section_id:
        q = q.where(Entry.section_id == filters.section_id)
    if filters.stage:
        q = q.where(Entry.stage == filters.stage)
    if filters.district_id:
        q = q.where(School.district_id == filters.district_id)
    if filters.school_id:
        q = q.where(Entry.school_id == filters.school_id)
    if with_state and filters.state:
        q = q.where(Entry.state == filters.state)
    for word in (filters.q or "").split()[:5]:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(
            or_(
                Entry.title.ilike(like, escape="\\"),
                Entry.number.ilike(like, escape="\\"),
                Entry.group_name.ilike(like, escape="\\"),
                School.name.ilike(like, escape="\\"),
                Entry.students.any(Student.name.ilike(like, escape="\\")),
            )
        )
    return q


def queue(user: User, filters: QueueFilters, *, page: int = 1, per_page: int = 50):
    """Entries to review, oldest submission first; returns (entries, total, counts by state)."""
    q = _base_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(q.subquery()))
    rows = (
        db.session.scalars(
            q.options(
                joinedload(Entry.school),
                joinedload(Entry.section),
                joinedload(Entry.contest),
                selectinload(Entry.students),
            )
            .order_by(Entry.submitted_at.asc().nulls_last(), Entry.id)
            .limit(per_page)
            .offset(max(page - 1, 0) * per_page)
        )
        .unique()
        .all()
    )
    counted = _base_query(user, filters, with_state=False).subquery()
    counts: dict[str, int] = dict(
        db.session.execute(select(counted.c.state, func.count()).group_by(counted.c.state)).all()
    )
    return rows, total, {state: counts.get(state, 0) for state in QUEUE_STATES}


def next_to_review(user: User, *, after: Entry) -> Entry | None:
    """The oldest submitted entry still waiting in the user's queue, other than `after`."""
    q = _base_query(user, QueueFilters(state=EntryState.SUBMITTED)).where(Entry.id != after.id)
    return db.session.scalars(q.order_by(Entry.submitted_at.asc().nulls_last(), Entry.id).limit(1)).first()


def filter_choices(user: User, filters: QueueFilters) -> dict:
    """Options for the queue's filter bar, limited to what the user may see."""
    contests = db.session.scalars(
        select(Contest).where(Contest.state.in_(REVIEW_CONTEST_STATES)).order_by(Contest.year.desc(), Contest.code)
    ).all()
    sections: Sequence[Section] = []
    if filters.contest_id:
        sections = db.session.scalars(
            select(Section).where(Section.contest_id == filters.contest_id).order_by(Section.sort_order)
        ).all()
    district = scoped_district(user)
    districts_q = select(District).order_by(District.id)
    schools_q = select(School).order_by(School.name)
    if district is not None:
        districts_q = districts_q.where(District.id == district)
        schools_q = schools_q.where(School.district_id == district)
    elif filters.district_id:
        schools_q = schools_q.where(School.district_id == filters.district_id)
    return {
        "contests": contests,
        "sections": sections,
        "districts": db.session.scalars(districts_q).all(),
        "schools": db.session.scalars(schools_q).all(),
    }


def history(entry: Entry) -> Sequence[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.object_type == "entry", AuditEvent.object_id == entry.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()


# ---------------------------------------------------------------------------------------------
# Actions


def accept(entry_id: int, *, actor: User, expected_version: int | None = None) -> Entry:
    entry = _lock_for_action(entry_id, EntryState.ACCEPTED, actor, expected_version)
    clashes = place_clashes(entry)
    if clashes:
        raise ServiceError(translate(clashes[0]))
    before = _snapshot(entry)
    seq, number = _draw_number(entry)
    entry.state = EntryState.ACCEPTED
    entry.number = number
    entry.number_seq = seq
    entry.review_reason = None
    entry.resubmit_by = None
    _finish(entry, actor, "entry.accept", before, None)
    tell.entry_accepted(entry)
    return entry


def return_entry(
    entry_id: int,
    *,
    actor: User,
    reason: str,
    resubmit_by_local: datetime | None,
    expected_version: int | None = None,
    allow_team_change: bool = False,
) -> Entry:
    """退回修改: the reason is shown to the teacher; resubmit_by is Beijing time, in the future.
    ``allow_team_change``: the reviewer lets the school change the team's members this once (the
    team is otherwise fixed once submitted); kept in the return's audit record."""
    reason = _clean_reason(reason)
    if resubmit_by_local is None:
        raise ServiceError(_("Give the date by which the school must resubmit."), "resubmit_by")
    resubmit_by = local_to_utc(resubmit_by_local)
    assert resubmit_by is not None  # local_to_utc gives None only for None
    if resubmit_by <= utcnow():
        raise ServiceError(_("The resubmission date must be in the future."), "resubmit_by")
    entry = _lock_for_action(entry_id, EntryState.RETURNED, actor, expected_version)
    before = _snapshot(entry)
    entry.state = EntryState.RETURNED
    entry.number = None  # the number stays retired: the counter never goes back
    entry.review_reason = reason
    entry.resubmit_by = resubmit_by
    _finish(entry, actor, "entry.return", before, reason, allow_team_change=bool(allow_team_change))
    tell.entry_returned(entry)
    return entry


def team_change_allowed(entry: Entry) -> bool:
    """Whether the reviewer who last returned the entry let the school change its team."""
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "entry", AuditEvent.object_id == entry.id, AuditEvent.action == "entry.return")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    return bool(event is not None and (event.after or {}).get("allow_team_change"))


def reject(entry_id: int, *, actor: User, reason: str, expected_version: int | None = None) -> Entry:
    reason = _clean_reason(reason)
    entry = _lock_for_action(entry_id, EntryState.REJECTED, actor, expected_version)
    before = _snapshot(entry)
    entry.state = EntryState.REJECTED
    entry.review_reason = reason
    entry.resubmit_by = None
    _finish(entry, actor, "entry.reject", before, reason)
    tell.entry_rejected(entry)
    return entry


def bulk_accept(entry_ids, *, actor: User) -> tuple[list[Entry], list[str]]:
    """Accept each selected entry; returns (accepted, problems). One entry's problem skips only it."""
    accepted: list[Entry] = []
    problems: list[str] = []
    for entry_id in sorted({int(i) for i in entry_ids}):
        entry = db.session.get(Entry, entry_id)
        if entry is None or not can_review_entry(actor, entry):
            problems.append(_("Entry %(id)s: you may not review it.", id=entry_id))
            continue
        try:
            with db.session.begin_nested():
                accepted.append(accept(entry_id, actor=actor))
        except ServiceError as exc:
            problems.append(_("%(title)s: %(problem)s", title=entry.title, problem=exc.message))
    return accepted, problems


# ---------------------------------------------------------------------------------------------
# Helpers


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Write the reason; the teacher will see it."), "reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(_("The reason may have at most %(n)d characters.", n=MAX_REASON), "reason")
    return reason


def _conflict(entry: Entry) -> ServiceError:
    reviewed = entry.state in states.REVIEWED_ENTRY_STATES
    who = reviewed and entry.reviewed_by_id and db.session.get(User, entry.reviewed_by_id)
    when = utc_to_local(entry.reviewed_at)
    if who and when:
        return ServiceError(
            _(
                "This entry is already “%(state)s” (by %(name)s at %(time)s). Nothing was changed.",
                state=ENTRY_STATE_LABELS.get(entry.state, entry.state),
                name=who.name,
                time=when.strftime("%Y-%m-%d %H:%M"),
            )
        )
    return ServiceError(
        _(
            "This entry is now “%(state)s”; it was changed in the meantime. Nothing was changed.",
            state=ENTRY_STATE_LABELS.get(entry.state, entry.state),
        )
    )


def _lock_for_action(entry_id: int, target: str, actor: User, expected_version: int | None) -> Entry:
    """Load the entry under a row lock, check it may move to `target`, and claim its version."""
    entry = db.session.execute(
        select(Entry).where(Entry.id == entry_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if entry is None:
        raise ServiceError(_("The entry no longer exists."))
    if not can_review_entry(actor, entry):
        raise ServiceError(_("You may not review entries of this school."))
    if entry.contest.state not in REVIEW_CONTEST_STATES:
        raise ServiceError(_("Format review of this contest is over; entries can no longer change."))
    write_guard.check(entry.contest, "review")
    if entry.state == target or entry_transition_error(entry.state, target) is not None:
        raise _conflict(entry)
    if entry.state == EntryState.ACCEPTED and not is_organizer(actor):
        raise ServiceError(_("Only an organizer can take back an accepted entry."))
    if expected_version is not None and entry.version != expected_version:
        raise ServiceError(
            _("Someone else changed this entry while you were looking at it. Reload the page to see its current state.")
        )
    # An UPDATE answers a CursorResult (it has the rowcount); Session.execute is typed as any Result.
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Entry)
            .where(Entry.id == entry.id, Entry.version == entry.version)
            .values(version=entry.version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        raise ServiceError(
            _("Someone else changed this entry while you were looking at it. Reload the page to see its current state.")
        )
    entry.version = entry.version + 1
    return entry


def _snapshot(entry: Entry) -> dict:
    return {"state": entry.state, "number": entry.number}


def _finish(entry: Entry, actor: User, action: str, before: dict, reason: str | None, **extra: object) -> None:
    entry.reviewed_by_id = actor.id
    entry.reviewed_at = utcnow()
    db.session.flush()
    after = _snapshot(entry)
    if entry.resubmit_by:
        after["resubmit_by"] = entry.resubmit_by.isoformat()
    after.update(extra)
    audit.record(actor, action, entry, before=before, after=after, reason=reason)


def _counter(contest_id: int, section_id: int) -> EntryNumberCounter:
    stmt = (
        select(EntryNumberCounter)
        .where(EntryNumberCounter.contest_id == contest_id, EntryNumberCounter.section_id == section_id)
        .with_for_update()
    )
    counter = db.session.scalar(stmt)
    if counter is not None:
        return counter
    # Start past every number already given (data entered before the counter existed).
    used = [
        seq
        for seq in db.session.scalars(
            select(Entry.number_seq).where(
                Entry.contest_id == contest_id, Entry.section_id == section_id, Entry.number_seq.is_not(None)
            )
        )
        if seq is not None
    ]
    try:
        with db.session.begin_nested():
            counter = EntryNumberCounter(contest_id=contest_id, section_id=section_id, last_seq=max(used, default=0))
            db.session.add(counter)
    except IntegrityError:  # another reviewer created it at the same moment
        counter = db.session.scalars(stmt).one()
    return counter


def _draw_number(entry: Entry) -> tuple[int, str]:
    contest, section = entry.contest, entry.section
    counter = _counter(contest.id, section.id)
    pattern = str(contest.settings_view.entry_number_pattern)
    seq = counter.last_seq
    while True:
        seq = next_seq({seq})
        number = format_number(
            pattern,
            seq=seq,
            year=contest.year,
            contest=contest.code,
            section=section.code,
            stage=entry.stage,
            kind=section.kind,
        )
        taken = db.session.scalar(
            select(func.count()).select_from(Entry).where(Entry.contest_id == contest.id, Entry.number == number)
        )
        if not taken:  # a pattern without {section} may clash with another section's numbers
            break
    counter.last_seq = seq
    return seq, number
