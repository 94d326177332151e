"""Recording audit events, called by services next to the change they describe; and reading
them for the organizer's audit log (newest first, paged by keyset on (at, id), so a page costs
the same at any depth and uses the index on `at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import has_request_context, request
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..i18n.timeutil import local_to_utc
from ..models import AuditEvent, Contest, User


def who(actor) -> str:
    """The actor for a log line: 'username (#id)', or 'system' as the audit log says when no
    account acts (command line, background job)."""
    if getattr(actor, "id", None) is None:
        return "system"
    return f"{actor.username} (#{actor.id})"


def record(
    actor,
    action: str,
    obj,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
    contest_id: int | None = None,
) -> AuditEvent:
    if hasattr(obj, "_get_current_object"):  # current_user: record the user, not werkzeug's proxy
        obj = obj._get_current_object()
    if contest_id is None:
        contest_id = getattr(obj, "contest_id", None)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        contest_id=contest_id,
        before=before,
        after=after,
        reason=reason,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


# ------------------------------------------------------------------ reading


@dataclass
class Filters:
    """What the audit log page filters by; empty values filter nothing. Dates are local days."""

    contest_id: int | None = None
    actor: str = ""  # a username, or part of a name
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Page:
    events: list[AuditEvent]  # newest first
    has_newer: bool
    has_older: bool


@dataclass
class Choices:
    contests: list[tuple[int, str, int]]  # (id, name, year), the newest first
    actions: list[str]  # every action recorded so far
    object_types: list[str]


def _filtered(filters: Filters):
    query = select(AuditEvent)
    if filters.contest_id:
        query = query.where(AuditEvent.contest_id == filters.contest_id)
    if filters.actor:
        who = filters.actor
        people = select(User.id).where(or_(User.username == who, User.name.contains(who, autoescape=True)))
        query = query.where(AuditEvent.actor_id.in_(people))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= local_to_utc(datetime.combine(filters.date_from, time.min)))
    if filters.date_to:
        end = local_to_utc(datetime.combine(filters.date_to + timedelta(days=1), time.min))
        query = query.where(AuditEvent.at < end)
    return query


def read_page(
    filters: Filters,
    *,
    before: tuple[datetime, int] | None = None,
    after: tuple[datetime, int] | None = None,
    size: int = 50,
) -> Page:
    """The `size` events the filters find just older than the (at, id) `before`, or just newer
    than `after`, or else the newest ones."""
    query = _filtered(filters)
    if after:
        at, ident = after
        query = query.where(or_(AuditEvent.at > at, and_(AuditEvent.at == at, AuditEvent.id > ident)))
        rows = list(db.session.scalars(query.order_by(AuditEvent.at, AuditEvent.id).limit(size + 1)))
        return Page(events=list(reversed(rows[:size])), has_newer=len(rows) > size, has_older=True)
    if before:
        at, ident = before
        query = query.where(or_(AuditEvent.at < at, and_(AuditEvent.at == at, AuditEvent.id < ident)))
    rows = list(db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(size + 1)))
    return Page(events=rows[:size], has_newer=before is not None, has_older=len(rows) > size)


def filter_choices() -> Choices:
    contests = db.session.execute(
        select(Contest.id, Contest.name, Contest.year).order_by(Contest.year.desc(), Contest.id.desc())
    ).all()
    return Choices(
        contests=[(c.id, c.name, c.year) for c in contests],
        actions=list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))),
        object_types=list(
            db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
        ),
    )


def contest_names() -> dict[int, str]:
    """id -> short name of every contest, for the events that name one."""
    return dict(db.session.execute(select(Contest.id, Contest.name)).all())
