"""Recording audit events; called by services next to the change they describe."""
from __future__ import annotations

from flask import has_request_context, request

from ..extensions import db
from ..models import AuditEvent


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
