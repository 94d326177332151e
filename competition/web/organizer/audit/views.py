"""The audit log (审计日志) for organizers: read and filter only. There is deliberately no route
that changes or deletes an audit event (tests/web/test_audit_log.py checks the URL map).

Paging is by keyset on (at, id), newest first (services/audit.read_page)."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from ....i18n.labels import ACTION_LABELS
from ....models import AuditEvent, Contest
from ....services import audit, lookup
from ...forms import PageForm, choices
from ...loaders import row_or_404
from .blueprint import bp
from .labels import OBJECT_LABELS, diff_rows

PAGE_SIZE = 50


class AuditFilterForm(PageForm):
    """Read from the query string (GET): nothing is changed, so no CSRF token is involved."""

    class Meta:
        csrf = False

    contest = SelectField(_l("Contest"), coerce=int, default=0, validate_choice=False)
    actor = StringField(_l("Who (username or name)"), filters=[lambda v: (v or "").strip()])
    action = SelectField(_l("Action"), default="", validate_choice=False)
    object_type = SelectField(_l("Object type"), default="", validate_choice=False)
    object_id = IntegerField(_l("Object number"), validators=[Optional(), NumberRange(min=1)])
    date_from = DateField(_l("From (date)"), validators=[Optional()])
    date_to = DateField(_l("To (date)"), validators=[Optional()])


def _parse_cursor(value: str | None):
    if not value:
        return None
    stamp, _sep, ident = value.rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None


def _cursor(event: AuditEvent) -> str:
    return f"{event.at.isoformat()}_{event.id}"


def _filters(form: AuditFilterForm) -> audit.Filters:
    return audit.Filters(
        contest_id=form.contest.data or None,
        actor=form.actor.data or "",
        action=form.action.data or "",
        object_type=form.object_type.data or "",
        object_id=form.object_id.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _choices(form: AuditFilterForm) -> None:
    found = audit.filter_choices()
    form.contest.choices = choices(
        [(0, _("All contests"))] + [(cid, f"{year} {name}") for cid, name, year in found.contests]
    )
    form.action.choices = choices(
        [("", _("All actions"))]
        + [(a, f"{ACTION_LABELS[a]} ({a})" if a in ACTION_LABELS else a) for a in found.actions]
    )
    form.object_type.choices = choices(
        [("", _("All types"))]
        + [(t, f"{OBJECT_LABELS[t]} ({t})" if t in OBJECT_LABELS else t) for t in found.object_types]
    )


def _page_url(**cursor) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("before", "after") and v}
    return url_for("organizer.audit.audit_log", **args, **cursor)


@bp.get("/audit")
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    _choices(form)
    valid = form.validate()
    events, newer_url, older_url = [], None, None
    if valid:
        found = audit.read_page(
            _filters(form),
            before=_parse_cursor(request.args.get("before")),
            after=_parse_cursor(request.args.get("after")),
            size=PAGE_SIZE,
        )
        events = found.events
        if events and found.has_newer:
            newer_url = _page_url(after=_cursor(events[0]))
        if events and found.has_older:
            older_url = _page_url(before=_cursor(events[-1]))
    contest_names = audit.contest_names()
    filtered = any(v for k, v in request.args.items() if k not in ("before", "after"))
    return render_template(
        "organizer/audit/log.html",
        form=form,
        events=events,
        diff_rows=diff_rows,
        contest_names=contest_names,
        action_labels=ACTION_LABELS,
        object_labels=OBJECT_LABELS,
        newer_url=newer_url,
        older_url=older_url,
        first_url=_page_url() if (newer_url or request.args.get("before")) else None,
        filtered=filtered,
        page_size=PAGE_SIZE,
    )


@bp.get("/audit/<int:event_id>")
def audit_event(event_id: int):
    event = row_or_404(AuditEvent, event_id)
    contest = lookup.get(Contest, event.contest_id) if event.contest_id else None
    return render_template(
        "organizer/audit/event.html",
        event=event,
        contest=contest,
        rows=diff_rows(event.before, event.after, event.object_type),
        action_labels=ACTION_LABELS,
        object_labels=OBJECT_LABELS,
    )
