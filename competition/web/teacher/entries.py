"""The teacher's entries: list, create and edit drafts, upload materials, submit, withdraw,
download the application form (申报书)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...adapters.storage import display_name
from ...domain.eligibility import AdviserData, EntryData, PersonData
from ...domain.states import EntryState
from ...extensions import csrf
from ...i18n.messages import translate
from ...models import Attachment, Contest, MaterialRequirement, Section, utcnow
from ...services import ServiceError, submissions
from ...services.application_form import application_form_filename, render_application_form
from .. import doorway
from ..downloads import send_download
from ..forms import error_items, field_anchor
from ..loaders import contest_or_404, part_of_or_404
from ..permissions import can_edit_entry, entry_or_403
from .blueprint import bp
from .forms import AdviserForm, EntryForm, StudentForm, choices

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
# The entry form


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
        students=tuple(
            PersonData(
                name=f.form.name.data or "",
                gender=f.form.gender.data,
                grade=f.form.grade.data,
                school_name=f.form.school_name.data,
                birth_date=f.form.birth_date.data,
            )
            for f in form.students
            if not f.form.is_blank()
        ),
        advisers=tuple(
            AdviserData(
                name=f.form.name.data or "", gender=f.form.gender.data, unit=f.form.unit.data, phone=f.form.phone.data
            )
            for f in form.advisers
            if not f.form.is_blank()
        ),
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
        "students": [
            {
                "name": s.name,
                "gender": s.gender or "",
                "grade": s.grade or "",
                "school_name": s.school_name,
                "birth_date": s.birth_date,
            }
            for s in entry.students
        ],
        "advisers": [
            {"name": a.name, "gender": a.gender or "", "unit": a.unit, "phone": a.phone} for a in entry.advisers
        ],
    }


# Where the summary links a problem of a list or of the whole entry: the part that shows it.
_BLOCK_ANCHORS = {"students": "authors", "advisers": "advisers"}
_ROW_LISTS = ("students", "advisers")


def _render_form(form, contest, section, entry=None, errors=None, status=200, expired=False):
    # Field errors from the form and from the service, all shown at the field and in one summary
    # whose items link to the field: (text, id) pairs. The rows' problems come after the entry's
    # own fields and are shown again above their part of the form.
    items = error_items(form)
    in_rows = {name: [item for item in items if item[1].startswith(f"{name}-")] for name in _ROW_LISTS}
    summary = [item for item in items if not item[1].startswith(tuple(f"{name}-" for name in _ROW_LISTS))]
    block_errors: dict[str, list[str]] = {}
    for name in _ROW_LISTS:
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


def _render_entry(entry, upload_errors=None, status=200):
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
    return _render_entry(entry_or_403(entry_id, can_edit_entry))


@bp.route("/entries/<int:entry_id>/materials/<int:requirement_id>", methods=["POST"])
def upload(entry_id: int, requirement_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    requirement = part_of_or_404(MaterialRequirement, requirement_id, section_id=entry.section_id)
    uploads = [f for f in request.files.getlist("file") if f and f.filename]
    limits = submissions.ContentLimits.from_config(current_app.config)
    # A refused file is named beside its requirement, and none of this request's files is kept.
    doorway.on_refusal(
        respond=lambda exc: _render_entry(entry, upload_errors={requirement.id: exc.message}, status=400)
    )
    if not uploads:
        raise ServiceError(_("Choose a file to upload."))
    names = []
    for upload_file in uploads:
        attachment = submissions.store_upload(
            entry, requirement, upload_file.stream, upload_file.filename, actor=current_user, limits=limits
        )
        names.append(attachment.original_name)
    flash(_("Uploaded: %(names)s", names="、".join(names)), "success")
    return redirect(url_for("teacher.entry", entry_id=entry.id, _anchor="materials"))


def _act(entry_id: int, change, done: str, category: str = "success", anchor: str | None = None):
    """Run one state-changing service call and say so; a refusal says why, on the same page."""
    page = url_for("teacher.entry", entry_id=entry_id, _anchor=anchor)

    def refused(exc: ServiceError):
        if isinstance(exc, submissions.EntryProblems):
            flash(
                _(
                    "The entry was not submitted. Still missing: %(what)s",
                    what="；".join(text for _f, text in exc.errors),
                ),
                "danger",
            )
        else:
            flash(exc.message, "danger")
        return redirect(page)

    doorway.on_refusal(respond=refused)
    change()
    flash(done, category)
    return redirect(page)


@bp.route("/entries/<int:entry_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
def delete_attachment(entry_id: int, attachment_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    attachment = part_of_or_404(Attachment, attachment_id, entry_id=entry.id)
    return _act(
        entry.id,
        lambda: submissions.delete_attachment(attachment, actor=current_user),
        _("Deleted: %(name)s", name=display_name(attachment.original_name)),
        anchor="materials",
    )


@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
def submit_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    return _act(
        entry.id,
        lambda: submissions.submit(entry, actor=current_user),
        _("The entry has been submitted. The format review will follow; you will see the result here."),
    )


@bp.route("/entries/<int:entry_id>/withdraw", methods=["POST"])
def withdraw_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    return _act(
        entry.id,
        lambda: submissions.withdraw(entry, actor=current_user),
        _("The entry is a draft again. Remember to submit it again before the deadline."),
        "warning",
    )


@bp.route("/entries/<int:entry_id>/delete", methods=["POST"])
def delete_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    title = entry.title
    doorway.on_refusal(redirect_to=url_for("teacher.entry", entry_id=entry.id))
    submissions.discard(entry, actor=current_user)
    flash(_("Deleted: %(name)s", name=title), "success")
    return redirect(url_for("teacher.index"))


@bp.route("/entries/<int:entry_id>/application-form.pdf")
def application_form(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    # While the entry can still change, a form with blanks says so on every page.
    gaps = _form_gaps(submissions.problems(entry)) if submissions.is_editable(entry) else []
    pdf = render_application_form(entry, gaps=gaps)
    return send_download(pdf, application_form_filename(entry), "application/pdf", max_age=None)
