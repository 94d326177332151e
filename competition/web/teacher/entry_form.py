"""The entry form: create a draft of an entry and edit it, its authors (students) and advisers
with it, every problem named at once; the typing survives a stale CSRF token."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.application_fields import ADVISER_FIELDS, STUDENT_FIELDS
from ...domain.eligibility import EntryData
from ...extensions import csrf
from ...i18n.messages import translate
from ...models import Contest, Section, utcnow
from ...services import ServiceError, submissions
from .. import doorway
from ..forms import error_items, field_anchor
from ..loaders import contest_or_404
from ..permissions import can_edit_entry, entry_or_403
from .blueprint import bp
from .entry_rows import ROW_LISTS, adviser_data, adviser_values, moved, person_data, student_values
from .forms import AdviserForm, EntryForm, StudentForm, choices


def _prepare(form: EntryForm, contest: Contest, section: Section) -> None:
    form.section.choices = choices((s.id, s.name) for s in contest.sections)
    form.stage.choices = choices([("", _("— choose —"))] + [(s, s) for s in section.stages or ()])
    subjects: list[str] = []
    for stage in section.stages or ():
        subjects += [s for s in section.subjects_for(stage) if s not in subjects]
    subjects += [s for s in (section.subjects or {}).get("*", []) if s not in subjects]
    form.subject.choices = choices([("", _("— choose —"))] + [(s, s) for s in subjects])


def _sections_data(contest: Contest) -> dict:
    """What teacher.js needs to adapt the form when the section or stage changes."""
    data = {}
    for s in contest.sections:
        counselor = s.kind == "counselor"
        data[str(s.id)] = {
            "stages": list(s.stages or ()),
            "subjects": {stage: s.subjects_for(stage) for stage in s.stages or ()},
            "maxStudents": 0 if counselor or s.group_entry else (s.max_team_size if s.team_allowed else 1),
            "maxAdvisers": s.max_advisers if s.advisers_allowed else 0,
            "individual": s.individual_allowed,
            "team": s.team_allowed,
            "counselor": counselor,
            "group": s.group_entry,
            "ages": s.age_min is not None or s.age_max is not None,
            "description": s.description or "",
        }
    return data


def _input(form: EntryForm) -> EntryData:
    return EntryData(
        title=form.title.data or "",
        abstract=form.abstract.data,
        stage=form.stage.data,
        subject=form.subject.data,
        is_team=form.is_team.data == "1",
        group_name=form.group_name.data,
        completed_on=form.completed_on.data,
        contact_phone=form.contact_phone.data,
        data_confirmed=bool(form.data_confirmed.data),
        students=tuple(person_data(f.form) for f in form.students if not f.form.is_blank()),
        advisers=tuple(adviser_data(f.form) for f in form.advisers if not f.form.is_blank()),
    )


def _entry_data(entry) -> dict:
    return {
        "title": entry.title,
        "section": entry.section_id,
        "abstract": entry.abstract,
        "stage": entry.stage or "",
        "subject": entry.subject or "",
        "is_team": "1" if entry.is_team else "0",
        "group_name": entry.group_name,
        "completed_on": entry.completed_on,
        "contact_phone": entry.contact_phone,
        "data_confirmed": entry.data_confirmed,
        "students": [student_values(s) for s in entry.students],
        "advisers": [adviser_values(a) for a in entry.advisers],
    }


# Where the summary links a problem of a list or of the whole entry: the part that shows it.
_BLOCK_ANCHORS = {"students": "authors", "advisers": "advisers"}


def _render_form(form, contest, section, entry=None, errors=None, status=200, expired=False, focus=None):
    # Field errors from the form and from the service, all shown at the field and in one summary
    # whose items link to the field: (text, id) pairs. The rows' problems come after the entry's
    # own fields and are shown again above their part of the form.
    items = error_items(form)
    in_rows = {name: [item for item in items if item[1].startswith(f"{name}-")] for name in ROW_LISTS}
    summary = [item for item in items if not item[1].startswith(tuple(f"{name}-" for name in ROW_LISTS))]
    block_errors: dict[str, list[str]] = {}
    for name in ROW_LISTS:
        summary += in_rows[name]
        if in_rows[name]:
            block_errors[name] = [text for text, _a in in_rows[name]]
    for name, text in errors or []:
        if text in {t for t, _a in summary}:
            continue
        if name in FORM_FIELDS:
            summary.append((text, field_anchor(form[name])))
            if text not in form[name].errors:
                form[name].errors = list(form[name].errors) + [text]
        else:
            summary.append((text, _BLOCK_ANCHORS.get(name or "", "confirm")))
            block_errors.setdefault(name or "", []).append(text)
    return render_template(
        "teacher/entry_form.html",
        form=form,
        contest=contest,
        section=section,
        entry=entry,
        summary=summary,
        block_errors=block_errors,
        sections_data=_sections_data(contest),
        expired=expired,
        focus=focus,
        required=set(section.required_fields or ()),
        student_fields={f.attribute: f for f in STUDENT_FIELDS},
        adviser_fields={f.attribute: f for f in ADVISER_FIELDS},
        student_template=StudentForm(prefix="students-__index__-"),
        adviser_template=AdviserForm(prefix="advisers-__index__-"),
        school=current_user.school,
    ), status


FORM_FIELDS = (
    "title",
    "abstract",
    "stage",
    "subject",
    "is_team",
    "group_name",
    "completed_on",
    "contact_phone",
    "data_confirmed",
    "section",
)


def _token_is_stale(form) -> bool:
    """The form's CSRF token does not match the session (the teacher logged out and in again in
    another tab, or the session was renewed). The error itself is not shown: it is in English and
    says nothing the teacher can act on."""
    if not form.meta.csrf or form.csrf_token.validate(form):
        return False
    form.csrf_token.errors = []
    return True


def _save(form, entry, contest, section):
    # These two views are exempt from the app-wide CSRF check, which answers a bare 400 page and
    # loses an hour of typing; the token is checked here first, and nothing is saved without it.
    if _token_is_stale(form):
        return _render_form(form, contest, section, entry, status=400, expired=True)
    move = moved(request.form)
    if move is not None:
        # A row moved up or down: the same form again with the rows swapped, nothing saved yet.
        formdata, focus = move
        reordered = EntryForm(formdata=formdata)
        _prepare(reordered, contest, section)
        flash(_("The order has changed. Save the draft to keep it."), "info")
        return _render_form(reordered, contest, section, entry, focus=focus)
    if not form.validate():
        # Name every problem at once: also those the rules find, not only the form's own.
        own = {str(e) for errs in form.errors.values() for e in errs if not isinstance(e, dict)}
        extra = [(p.field, translate(p)) for p in submissions.draft_problems(_input(form), section)]
        return _render_form(
            form, contest, section, entry, status=400, errors=[(f, text) for f, text in extra if text not in own]
        )
    doorway.on_refusal(
        respond=lambda exc: _render_form(form, contest, section, entry, errors=_problems_of(exc), status=400)
    )
    saved = submissions.save_draft(
        entry,
        _input(form),
        section_id=form.section.data,
        school=current_user.school,
        actor=current_user,
        contest=contest,
    )
    flash(_("The draft has been saved."), "success")
    return redirect(url_for("teacher.entry", entry_id=saved.id))


def _problems_of(exc: ServiceError) -> list[tuple[str | None, str]]:
    """A refusal as (field, text) pairs: every problem the rules found, or the one message."""
    return exc.errors if isinstance(exc, submissions.EntryProblems) else [(exc.field, exc.message)]


@bp.route("/entries/new", methods=["GET", "POST"])
@csrf.exempt  # checked in _save, which keeps the input when the token is stale
def new_entry():
    if current_user.school_id is None:
        abort(403)
    contest = contest_or_404(request.args.get("contest", type=int) or 0)
    if not contest.is_submission_open(utcnow()):
        flash(_("This contest is not taking entries now."), "warning")
        return redirect(url_for("teacher.index"))
    form = EntryForm()
    section_id = form.section.data if request.method == "POST" else request.args.get("section", type=int)
    section = next((s for s in contest.sections if s.id == section_id), None)
    if section is None:
        if request.method == "POST":
            abort(400)
        return render_template("teacher/choose_section.html", contest=contest)
    _prepare(form, contest, section)
    if request.method == "GET":
        form.section.data = section.id
        form.contact_phone.data = current_user.phone
        if section.kind != "counselor" and not section.group_entry:
            form.students.append_entry({"school_name": current_user.school.name})
        if section.advisers_allowed and section.max_advisers:
            form.advisers.append_entry(
                {
                    "name": current_user.name,
                    "gender": current_user.gender or "",
                    "unit": current_user.school.name,
                    "phone": current_user.phone,
                }
            )
        return _render_form(form, contest, section)
    return _save(form, None, contest, section)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@csrf.exempt  # checked in _save, which keeps the input when the token is stale
def edit_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    if not submissions.is_editable(entry):
        flash(_("This entry cannot be changed now."), "warning")
        return redirect(url_for("teacher.entry", entry_id=entry.id))
    form = EntryForm(data=_entry_data(entry)) if request.method == "GET" else EntryForm()
    section = entry.section
    if request.method == "POST":
        section = next((s for s in entry.contest.sections if s.id == form.section.data), entry.section)
    _prepare(form, entry.contest, section)
    if request.method == "GET":
        return _render_form(form, entry.contest, section, entry)
    return _save(form, entry, entry.contest, section)
