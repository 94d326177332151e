"""The teacher's entries: the school's list and the entry page, with the application form
(申报书) to download. The form to create and edit an entry is in `entry_form`, materials in
`entry_files`, submitting, withdrawing and deleting in `entry_actions`."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...domain.states import EntryState
from ...i18n.messages import translate
from ...models import utcnow
from ...services import submissions
from ...services.application_form import application_form_filename, render_application_form
from ..downloads import send_download
from ..permissions import can_edit_entry, can_read_id_number, entry_or_403
from .blueprint import bp
from .entry_form import FORM_FIELDS

PART_LABELS = {
    "basic": _l("Basic information"),
    "authors": _l("Authors"),
    "advisers": _l("Advisers"),
    "materials": _l("Materials"),
    "confirm": _l("Certificate data confirmed"),
}


def countdown(deadline: datetime | None, now: datetime | None = None) -> str | None:
    """'3 days 5 hours left' until a stored (UTC) deadline; None without one."""
    if deadline is None:
        return None
    seconds = int((deadline - (now or utcnow())).total_seconds())
    if seconds <= 0:
        return _("Deadline passed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(d)d days %(h)d hours left", d=days, h=hours)
    if hours:
        return _("%(h)d hours %(m)d minutes left", h=hours, m=rest // 60)
    return _("%(m)d minutes left", m=max(1, rest // 60))


@bp.route("/")
def index():
    school = current_user.school
    entries = submissions.school_entries(current_user.school_id) if school else []
    missing = {eid: [translate(p) for p in found] for eid, found in submissions.problems_by_entry(entries).items()}
    groups: dict[int, dict] = {}
    for entry in entries:
        group = groups.setdefault(entry.contest_id, {"contest": entry.contest, "entries": []})
        group["entries"].append(entry)
    open_contests = submissions.open_contests()
    for contest in open_contests:
        groups.setdefault(contest.id, {"contest": contest, "entries": []})
    deadlines = {e.id: submissions.submit_deadline(e) for e in entries}
    # Where the teacher can still act comes first: open contests, then entries returned for
    # correction; the newest contests before older ones.
    open_ids = {c.id for c in open_contests}
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            g["contest"].id not in open_ids,
            not any(e.state == EntryState.RETURNED for e in g["entries"]),
            -g["contest"].year,
            g["contest"].id,
        ),
    )
    return render_template(
        "teacher/index.html",
        school=school,
        groups=ordered,
        missing=missing,
        open_ids=open_ids,
        deadlines=deadlines,
        countdown=countdown,
        editable={e.id for e in entries if submissions.is_editable(e)},
        awards=submissions.published_awards(entries),
    )


# ---------------------------------------------------------------------------------------------
# The entry page

# Where the teacher fixes a problem: a field of the form, a part of the form, or the materials.
_PART_ANCHORS = {"students": "authors", "advisers": "advisers", "data_confirmed": "confirm"}


def _fix_link(entry, field: str | None) -> str | None:
    if field == "materials":
        return "#materials"
    if field in _PART_ANCHORS:
        return url_for("teacher.edit_entry", entry_id=entry.id, _anchor=_PART_ANCHORS[field])
    if field in FORM_FIELDS:
        return url_for("teacher.edit_entry", entry_id=entry.id, _anchor=field)
    return None


def _form_gaps(found) -> list[str]:
    """What the application form would print blank or unconfirmed (materials are not on it)."""
    return [translate(p) for p in found if p.field != "materials"]


def render_entry(entry, upload_errors=None, status=200):
    page = submissions.entry_page(entry)
    found = page.problems
    return render_template(
        "teacher/entry.html",
        entry=entry,
        contest=entry.contest,
        section=entry.section,
        award=page.award,
        certificates=page.certificates,
        problems=[(translate(p), _fix_link(entry, p.field) if page.editable else None) for p in found],
        checklist=submissions.checklist(found),
        form_gaps=_form_gaps(found),
        part_labels=PART_LABELS,
        by_requirement=page.by_requirement,
        upload_errors=upload_errors or {},
        editable=page.editable,
        can_withdraw=page.can_withdraw,
        can_discard=page.can_discard,
        unchanged_since_return=page.unchanged_since_return,
        deadline=page.deadline,
        countdown=countdown(page.deadline),
        kinds_label=submissions.kinds_label,
        orphans=page.by_requirement.get(None, []),
    ), status


@bp.route("/entries/<int:entry_id>")
def entry(entry_id: int):
    return render_entry(entry_or_403(entry_id, can_edit_entry))


@bp.route("/entries/<int:entry_id>/application-form.pdf")
def application_form(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    # While the entry can still change, a form with blanks says so on every page.
    gaps = _form_gaps(submissions.problems(entry)) if submissions.is_editable(entry) else []
    pdf = render_application_form(entry, gaps=gaps, whole_id_numbers=can_read_id_number(current_user, entry))
    return send_download(pdf, application_form_filename(entry), "application/pdf", max_age=None)
