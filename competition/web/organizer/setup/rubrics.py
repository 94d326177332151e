"""The rubric editor (评分标准): every round x section rubric of a contest, edited row by row.

What may change once judges have scored is decided in services/rubrics.py (its docstring says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from ....domain.scoring import format_score
from ....models import Contest, Round, Rubric, Section
from ....services import ServiceError
from ....services import rubrics as service
from ....services import tie_break as tie_break_service
from ... import doorway
from ...forms import PageForm, error_items
from ...loaders import contest_or_404, row_or_404
from .blueprint import bp

MAX_ROWS = service.MAX_CRITERIA + 10  # rows read from one form; more is not a rubric


class RubricForm(PageForm):
    name = StringField(_l("Rubric name"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note for the audit log (optional)"), validators=[Optional(), Length(max=500)])
    version = HiddenField()


class DeleteForm(PageForm):
    note = StringField(_l("Note for the audit log (optional)"), validators=[Optional(), Length(max=500)])


def _round_and_section(contest: Contest, number: int):
    rnd = next((r for r in contest.rounds if r.number == number), None)
    if rnd is None:
        abort(404)
    code = (request.args.get("section") or "").strip()
    if not code or code == "*":
        return rnd, None
    section = next((s for s in contest.sections if s.code == code), None)
    if section is None:
        abort(404)
    return rnd, section


def _rows_from_form() -> list[service.EditorRow]:
    """The criterion rows as posted: c-<i>-<field>, in the order of the page."""
    indexes = sorted(
        {
            int(k.split("-")[1])
            for k in request.form
            if k.startswith("c-") and k.count("-") >= 2 and k.split("-")[1].isdigit()
        }
    )[:MAX_ROWS]
    rows = []
    for i in indexes:
        get = lambda name, i=i: request.form.get(f"c-{i}-{name}") or ""  # noqa: E731
        raw_id = get("id").strip()
        rows.append(
            service.EditorRow(
                id=int(raw_id) if raw_id.isdigit() else None,
                code=get("code").strip(),
                name=get("name"),
                max_score=get("max"),
                weight=get("weight"),
                descriptors=get("descriptors"),
                order=get("order"),
                remove=bool(get("remove")),
                new=not raw_id.isdigit(),
            )
        )
    return rows


# A criterion field the service names: its label and the id suffix of its input (c-<i>-<suffix>).
_ROW_FIELDS = {
    "order": (_l("Position"), "order"),
    "code": (_l("Code"), "code"),
    "name": (_l("Criterion name"), "name"),
    "max_score": (_l("Maximum score"), "max"),
    "weight": (_l("Weight"), "weight"),
    "remove": (_l("Remove"), "remove"),
    "descriptors": (_l("Descriptors"), "descriptors"),
}


def _summary(
    form, problems: dict, general: list[str], rows: list[service.EditorRow], locked: bool
) -> list[tuple[str, str]]:
    """The error summary's (text, id) pairs: the form's fields, each criterion field by row number,
    and problems of the whole rubric linked to the list of criteria."""
    items = error_items(form)
    for (key, name), message in problems.items():
        if key == "rubric":
            items.append((f"{form.name.label.text}：{message}", form.name.id))
            continue
        i = int(key)
        label, suffix = _ROW_FIELDS.get(name, (name, "name"))
        if suffix == "remove" and locked and not (i < len(rows) and rows[i].new):
            suffix = "name"  # a scored criterion shows no Remove box
        row = _("Criterion %(n)d", n=i + 1)
        items.append((f"{row} {label}：{message}", f"c-{i}-{suffix}"))
    return items + [(g, "criteria") for g in general]


@bp.route("/contests/<int:contest_id>/rubrics")
def rubrics(contest_id: int):
    contest = contest_or_404(contest_id)
    return render_template(
        "organizer/setup/rubrics.html",
        contest=contest,
        rounds=service.overview(contest),
        sources=service.copy_sources(contest),
        scale=service.full_scale,
        fmt=format_score,
        tie_labels=tie_break_service.labels(contest),
        tie_lost=any(name is None for _ref, name in service.tie_break_criteria(contest)),
    )


@dataclass
class _Editor:
    """One rubric's editor page: the rubric (None before its first save) and the rows shown."""

    contest: Contest
    rnd: Round
    section: Section | None
    rubric: Rubric | None
    shared: Rubric | None  # the round's rubric for every section, when this is one section's
    form: RubricForm
    rows: list[service.EditorRow] = field(default_factory=list)


@dataclass
class _Outcome:
    """What the page says about the last thing sent: problems by field, of the whole rubric, a
    rubric changed meanwhile, criteria whose removal needs confirming."""

    problems: dict = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    stale: Rubric | None = None
    confirm: list[str] = field(default_factory=list)
    copied_from: Rubric | None = None
    status: int = 200


def _start_rows(editor: _Editor) -> Rubric | None:
    """The rows of a first GET (see service.editor_start); returns the rubric copied from: the one
    asked for (?copy=<id>, 0 to start empty), else the round's shared one."""
    source = None
    copy_id = request.args.get("copy", type=int)
    if editor.rubric is not None:
        pass
    elif copy_id:
        source = row_or_404(Rubric, copy_id)
        if source.round.contest_id != editor.contest.id:
            abort(404)
    elif copy_id is None:
        source = editor.shared
    editor.rows, editor.form.name.data = service.editor_start(editor.rnd, editor.section, editor.rubric, source)
    return source


def _refused(editor: _Editor, exc: ServiceError) -> _Outcome:
    """A save the service refused, spread over the page the way each kind of refusal reads."""
    if isinstance(exc, service.StaleRubric):
        editor.form.version.data = service.fingerprint(exc.rubric)
        return _Outcome(stale=exc.rubric, general=[exc.message], status=409)
    if isinstance(exc, service.NeedsConfirmation):
        return _Outcome(confirm=[c.name for c in exc.removed])
    if isinstance(exc, service.RubricInvalid):
        problems = {(str(k[0]) if k[0] is not None else "rubric", k[1]): v for k, v in exc.fields.items()}
        return _Outcome(problems=problems, general=exc.general, status=400)
    return _Outcome(general=[exc.message], status=400)


def _editor_page(editor: _Editor, outcome: _Outcome):
    rnd, section, rubric, rows = editor.rnd, editor.section, editor.rubric, editor.rows
    sheets = (
        service.rubric_sheet_count(rnd, section.id if section else None)
        if rubric is not None
        else (service.sheet_count(rnd, [section.id]) if section else 0)
    )
    return render_template(
        "organizer/setup/rubric_edit.html",
        contest=editor.contest,
        rnd=rnd,
        section=section,
        rubric=rubric,
        shared=editor.shared,
        form=editor.form,
        rows=rows,
        problems=outcome.problems,
        stale=outcome.stale,
        confirm=outcome.confirm,
        summary=_summary(editor.form, outcome.problems, outcome.general, rows, sheets > 0),
        copied_from=outcome.copied_from,
        sheets=sheets,
        locked=sheets > 0,
        sources=service.copy_sources(editor.contest),
        refs=set(service.tie_break_refs(editor.contest)),
        preview=service.preview_scale(rows),
        fmt=format_score,
        delete_form=DeleteForm(),
    ), outcome.status


@bp.route("/contests/<int:contest_id>/rounds/<int:number>/rubric", methods=["GET", "POST"])
def rubric_edit(contest_id: int, number: int):
    contest = contest_or_404(contest_id)
    rnd, section = _round_and_section(contest, number)
    editor = _Editor(
        contest,
        rnd,
        section,
        rubric=service.find_rubric(rnd, section.id if section else None),
        shared=service.find_rubric(rnd, None) if section else None,
        form=RubricForm(),
    )
    form = editor.form
    if request.method == "GET":
        copied_from = _start_rows(editor)
        form.version.data = service.fingerprint(editor.rubric)
        return _editor_page(editor, _Outcome(copied_from=copied_from))
    editor.rows = _rows_from_form()
    action = request.form.get("action", "save")
    if not form.validate_on_submit():
        # Field errors are listed by the summary; else it was the CSRF token.
        general = (
            []
            if error_items(form)
            else [_("The form expired (or came from another page). Your input is kept; save again.")]
        )
        form.version.data = form.version.data or service.fingerprint(editor.rubric)
        return _editor_page(editor, _Outcome(general=general, status=400))
    if action == "add" or action.startswith(("up-", "down-")):
        service.move_rows(editor.rows, action)
        return _editor_page(editor, _Outcome())
    doorway.on_refusal(respond=lambda exc: _editor_page(editor, _refused(editor, exc)))
    rows = [row.as_input() for row in editor.rows]
    rubric = service.save(
        contest,
        rnd,
        section,
        form.name.data or "",
        rows,
        actor=current_user,
        expected=form.version.data or "",
        note=form.note.data,
        confirm_remove=action == "confirm",
    )
    flash(
        _("The rubric %(name)s was saved. Judges see it the next time they open an entry.", name=rubric.name), "success"
    )
    return redirect(
        url_for(
            "organizer.setup.rubric_edit",
            contest_id=contest.id,
            number=rnd.number,
            section=section.code if section else None,
        )
    )


@bp.route("/contests/<int:contest_id>/rounds/<int:number>/rubric/delete", methods=["POST"])
def rubric_delete(contest_id: int, number: int):
    contest = contest_or_404(contest_id)
    rnd, section = _round_and_section(contest, number)
    form = DeleteForm()
    if not form.validate_on_submit():
        flash(_("The form expired (or came from another page). Nothing was removed."), "danger")
    else:
        doorway.on_refusal(
            redirect_to=url_for(
                "organizer.setup.rubric_edit",
                contest_id=contest.id,
                number=rnd.number,
                section=section.code if section else None,
            )
        )
        service.delete(contest, rnd, section, actor=current_user, note=form.note.data)
        flash(_("The rubric was removed."), "success")
    return redirect(url_for("organizer.setup.rubrics", contest_id=contest.id))
