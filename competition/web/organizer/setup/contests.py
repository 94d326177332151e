"""Contests: the list, a new contest (from a form or a definition file), checking a definition,
a contest's page and its state (organizers only; the organizer blueprint checks the role)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ....domain.ranking import METHOD_LABELS
from ....domain.states import CONTEST_ORDER, results_public
from ....i18n.labels import CONTEST_KIND_LABELS, CONTEST_STATE_LABELS
from ....i18n.timeutil import utc_to_local
from ....models import utcnow
from ....services import ServiceError
from ....services import contests as service
from ... import doorway
from ...forms import choices
from ...loaders import contest_or_404
from ..home import contest_links
from .blueprint import bp
from .contest_forms import (
    _FIELD_OF_SETTING,
    STATE_HELP,
    TEMPLATE_LABELS,
    WINDOWS,
    DefinitionForm,
    NewContestForm,
    StateForm,
    _apply_service_error,
    _basics,
    _refuse_as_problems,
)


@bp.route("/contests")
def contests():
    rows = service.newest_first()
    return render_template(
        "organizer/setup/contest_list.html", contests=rows, counts=service.entry_counts([c.id for c in rows])
    )


@bp.route("/contests/new", methods=["GET", "POST"])
def contest_new():
    form = NewContestForm()
    shipped = service.shipped_definitions()
    ordered = [k for k in TEMPLATE_LABELS if k in shipped] + [k for k in shipped if k not in TEMPLATE_LABELS]
    form.template.choices = choices((k, TEMPLATE_LABELS.get(k, k)) for k in ordered)
    if request.method == "GET":
        form.template.data = ordered[0] if ordered else None
        form.kind.data = form.template.data if form.template.data in CONTEST_KIND_LABELS else "other"
        form.blind_judging.data = True
        form.judges_per_entry.data = 5
        form.ranking_method.data = "calibrated"
        form.year.data = utc_to_local(utcnow()).year
    if form.validate_on_submit():
        basics = _basics(form)
        basics["code"] = form.code.data.strip()
        windows = {key: getattr(form, key).data for key in WINDOWS}
        for key, value in windows.items():
            basics[key.removesuffix("_at")] = value.strftime("%Y-%m-%d %H:%M") if value else None
        problems = service.window_problems(windows)
        if service.get_by_code(basics["code"]) is not None:
            problems.append(("code", _("A contest with the code %(code)s already exists.", code=basics["code"])))
        if problems:
            error = ServiceError(problems[0][1], problems[0][0])
            error.problems = problems
            _apply_service_error(form, error)
            return _new_page(form)
        doorway.on_refusal(form=form, render=lambda: _new_page(form), status=None, aliases=_FIELD_OF_SETTING)
        contest = service.create_from_template(form.template.data, basics, actor=current_user)
        flash(
            _("Contest %(code)s created. Check the sections, materials and rubric, then open it.", code=contest.code),
            "success",
        )
        return redirect(url_for("organizer.setup.contest", contest_id=contest.id))
    return _new_page(form)


def _new_page(form: NewContestForm):
    return render_template("organizer/setup/contest_new.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/contests/import", methods=["GET", "POST"])
def contest_import():
    form = DefinitionForm()
    problems: list[str] = []
    if form.validate_on_submit():
        text = form.text.data or ""
        upload = request.files.get("file")
        if upload and upload.filename:
            raw = upload.read(2 * 1024 * 1024 + 1)
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                problems = [_("The file is not UTF-8 text. Save it as UTF-8 and try again.")]
            if len(raw) > 2 * 1024 * 1024:
                problems = [_("The file is larger than 2 MB; a contest definition is much smaller.")]
            form.text.data = text
        if not problems and not text.strip():
            problems = [_("Paste a definition or choose a file.")]
        if not problems:
            _refuse_as_problems(lambda found: _import_page(form, found))
            contest = service.save_definition(
                service.load_definition_text(text), actor=current_user, update=form.update.data
            )
            flash(_("Contest %(code)s saved from the definition.", code=contest.code), "success")
            return redirect(url_for("organizer.setup.contest", contest_id=contest.id))
    return _import_page(form, problems)


def _import_page(form: DefinitionForm, problems: list[str]):
    return render_template(
        "organizer/setup/contest_import.html", form=form, problems=problems, examples=service.shipped_definitions()
    ), 400 if problems else 200


@bp.route("/contests/definition/check", methods=["POST"])
def contest_definition_check():
    """Live check of a YAML definition while it is typed: JSON list of problems."""
    text = request.form.get("text", "")
    return jsonify(ok=True, problems=service.definition_problems(text) if text.strip() else [])


@bp.route("/contests/<int:contest_id>")
def contest(contest_id: int):
    contest = contest_or_404(contest_id)
    index = CONTEST_ORDER.index(contest.state)
    forward = CONTEST_ORDER[index + 1] if index + 1 < len(CONTEST_ORDER) else None
    # publishing and finalizing check ties, notice, objections
    results_step = forward is not None and results_public(forward)
    if results_step:
        forward = None
    back = CONTEST_ORDER[index - 1] if index > 0 and not results_public(contest.state) else None
    return render_template(
        "organizer/setup/contest_show.html",
        contest=contest,
        order=CONTEST_ORDER,
        state_help=STATE_HELP,
        forward=forward,
        back=back,
        state_form=StateForm(),
        results_step=results_step,
        area_links=contest_links(contest),
        counts=service.entry_counts([contest.id])[contest.id],
        judges=service.judge_counts([contest.id]).get(contest.id, 0),
        scored_rounds={r.id for r in contest.rounds if service.round_has_scores(r)},
        method_labels=METHOD_LABELS,
    )


@bp.route("/contests/<int:contest_id>/state", methods=["POST"])
def contest_state(contest_id: int):
    contest = contest_or_404(contest_id)
    form = StateForm()
    if form.validate_on_submit() and results_public(form.target.data):
        flash(
            _(
                "Publish and finalize results on the results page, where ties, the notice period and "
                "objections are checked."
            ),
            "warning",
        )
    elif form.validate_on_submit():
        doorway.on_refusal(redirect_to=url_for("organizer.setup.contest", contest_id=contest_id))
        service.change_state(contest, form.target.data, actor=current_user, reason=form.reason.data or None)
        flash(_("The contest is now: %(state)s.", state=CONTEST_STATE_LABELS[contest.state]), "success")
    return redirect(url_for("organizer.setup.contest", contest_id=contest_id))
