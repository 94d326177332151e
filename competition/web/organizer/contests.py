"""The organizer's contest setup: list, create (from a shipped definition or a YAML file),
common settings, the full definition as YAML, and moving a contest through its states."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ...domain import tie_break as tie_break_rules
from ...domain.contest_definition import METHODS, STAGES
from ...domain.ranking import METHOD_LABELS
from ...domain.states import CONTEST_ORDER, results_public
from ...i18n.labels import CONTEST_KIND_LABELS, CONTEST_STATE_LABELS
from ...i18n.timeutil import utc_to_local
from ...models import Contest, utcnow
from ...models.contests import EXCELLENCE_AWARD
from ...services import ServiceError, write_guard
from ...services import contests as service
from ...services import tie_break as tie_break_service
from .. import doorway
from ..downloads import send_download
from ..forms import PageForm, RowForm, choices, show_service_error
from ..loaders import contest_or_404
from .blueprint import bp
from .home import contest_links

WINDOWS = ("submission_opens_at", "submission_closes_at", "judging_opens_at", "judging_closes_at")
TEMPLATE_LABELS = {
    "innovation": _l("Youth science and technology innovation contest (student projects, counselor projects)"),
    "invention": _l("Invention contest (invention, creative design)"),
    "film": _l("Science film festival (documentary, micro film, animation)"),
}
# What each state means for the people using the system.
STATE_HELP = {
    "draft": _l("Only organizers see the contest. Set up sections, materials, rubric and windows."),
    "open": _l(
        "Teachers create, edit and submit entries until the submission deadline. "
        "Reviewers can already check submitted entries."
    ),
    "closed": _l("No new submissions. Reviewers finish the format review: accept (number), return or reject."),
    "judging": _l("Judges see the entries assigned to them and score them. Entries can no longer change."),
    "results": _l(
        "Judging is over. Organizers rank the entries and settle awards and nominations; nothing is public yet."
    ),
    "published": _l("Results are on public notice (公示); objections are recorded and settled."),
    "final": _l("Results are final: certificates and the provincial nomination list. Nothing can move back."),
}


def _dt(label):
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[Optional()])


class BasicsForm(PageForm):
    name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=120)])
    full_name = StringField(_l("Full name (printed on certificates)"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    edition = IntegerField(_l("Edition (第N届)"), validators=[Optional(), NumberRange(1, 1000)])
    kind = SelectField(_l("Kind"), choices=choices(CONTEST_KIND_LABELS.items()))
    submission_opens_at = _dt(_l("Submissions open"))
    submission_closes_at = _dt(_l("Submissions close"))
    judging_opens_at = _dt(_l("Judging opens"))
    judging_closes_at = _dt(_l("Judging closes"))
    blind_judging = BooleanField(_l("Blind judging: judges do not see names of students, teachers and schools"))
    judges_per_entry = IntegerField(_l("Judges per entry"), validators=[InputRequired(), NumberRange(1, 30)])
    ranking_method = SelectField(_l("Ranking method"), choices=choices((m, _l(METHOD_LABELS[m])) for m in METHODS))


class NewContestForm(BasicsForm):
    code = StringField(
        _l("Short code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use only letters, digits, - and _.")),
        ],
    )
    template = SelectField(_l("Start from"), choices=[], render_kw={"data-kind-follows": "kind"})


class LevelForm(RowForm):
    name = StringField(_l("Award level"), validators=[Optional(), Length(max=20)])
    percent = DecimalField(_l("Share in percent"), places=1, validators=[Optional(), NumberRange(0, 100)])
    min_score = DecimalField(_l("Minimum score"), places=1, validators=[Optional(), NumberRange(0, 100)])


class SettingsForm(BasicsForm):
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    levels = FieldList(FormField(LevelForm), label=_l("Award levels"), min_entries=4, max_entries=6)
    excellence_award = BooleanField(_l("Also award 优秀奖 (honourable mention)"))
    excellence_min = DecimalField(
        _l("Minimum score for 优秀奖"), places=1, validators=[Optional(), NumberRange(0, 100)]
    )
    nomination_quota = IntegerField(
        _l("Nomination quota (projects recommended to the next round)"), validators=[Optional(), NumberRange(0, 10000)]
    )
    nomination_levels = StringField(_l("Levels that may be nominated"), validators=[Optional(), Length(max=100)])
    share_primary = DecimalField(_l("小学 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    share_junior = DecimalField(_l("初中 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    share_senior = DecimalField(_l("高中 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    nomination_school_cap = IntegerField(_l("At most per school"), validators=[Optional(), NumberRange(1, 1000)])
    nomination_district_cap = IntegerField(_l("At most per district"), validators=[Optional(), NumberRange(1, 1000)])
    entry_number_pattern = StringField(_l("Entry number pattern"), validators=[DataRequired(), Length(max=80)])
    number_pattern = StringField(_l("Certificate number pattern"), validators=[DataRequired(), Length(max=80)])
    notice_days = IntegerField(_l("Days of public notice (公示)"), validators=[InputRequired(), NumberRange(1, 60)])
    notice_contact = StringField(
        _l("Where objections are received (unit and contact)"), validators=[Optional(), Length(max=200)]
    )
    notice_show_names = BooleanField(_l("Show students' names on the public notice"))


class DefinitionForm(PageForm):
    text = TextAreaField(
        _l("Definition (YAML)"), validators=[Optional()], render_kw={"rows": 16, "spellcheck": "false"}
    )
    file = FileField(_l("…or upload a YAML file"))
    update = BooleanField(_l("If a contest with this code exists, update it"))


class StateForm(PageForm):
    target = StringField(validators=[DataRequired()])
    reason = StringField(_l("Note for the audit log (optional)"), validators=[Optional(), Length(max=500)])


def _basics(form: BasicsForm) -> dict:
    values = {
        name: getattr(form, name).data
        for name in (
            "name",
            "full_name",
            "year",
            "edition",
            "kind",
            "blind_judging",
            "judges_per_entry",
            "ranking_method",
        )
    }
    values["name"] = values["name"].strip()
    values["full_name"] = values["full_name"].strip()
    return values


# Settings the service names by key, shown beside the form field that sets them.
_FIELD_OF_SETTING = {"award_levels": "levels", "nomination_stage_shares": "share_primary"}


def _apply_service_error(form, exc: ServiceError) -> None:
    show_service_error(form, exc, _FIELD_OF_SETTING)


def _refuse_as_problems(page) -> None:
    """A refused definition shows the page again with the problems it lists, one a line."""
    doorway.on_refusal(respond=lambda exc: page(exc.message.split("\n")))


@bp.route("/contests")
def contests():
    rows = service.newest_first()
    return render_template(
        "organizer/contest_list.html", contests=rows, counts=service.entry_counts([c.id for c in rows])
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
        return redirect(url_for("organizer.contest", contest_id=contest.id))
    return _new_page(form)


def _new_page(form: NewContestForm):
    return render_template("organizer/contest_new.html", form=form), 400 if request.method == "POST" else 200


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
            return redirect(url_for("organizer.contest", contest_id=contest.id))
    return _import_page(form, problems)


def _import_page(form: DefinitionForm, problems: list[str]):
    return render_template(
        "organizer/contest_import.html", form=form, problems=problems, examples=service.shipped_definitions()
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
        "organizer/contest_show.html",
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
        doorway.on_refusal(redirect_to=url_for("organizer.contest", contest_id=contest_id))
        service.change_state(contest, form.target.data, actor=current_user, reason=form.reason.data or None)
        flash(_("The contest is now: %(state)s.", state=CONTEST_STATE_LABELS[contest.state]), "success")
    return redirect(url_for("organizer.contest", contest_id=contest_id))


def _fill_settings_form(form: SettingsForm, contest: Contest) -> None:
    for name in (
        "name",
        "full_name",
        "year",
        "edition",
        "kind",
        "description",
        "blind_judging",
        "judges_per_entry",
        "ranking_method",
    ):
        getattr(form, name).data = getattr(contest, name)
    for key in WINDOWS:
        local = utc_to_local(getattr(contest, key))
        getattr(form, key).data = local.replace(tzinfo=None) if local else None
    settings = contest.settings_view
    levels = settings.award_levels
    minimums = settings.award_min_scores
    for i, sub in enumerate(form.levels):
        if i < len(levels):
            sub.form.name.data = levels[i][0]
            sub.form.percent.data = round(float(levels[i][1]) * 100, 1)
            sub.form.min_score.data = minimums.get(levels[i][0])
    form.excellence_award.data = bool(settings.excellence_award)
    form.excellence_min.data = minimums.get(EXCELLENCE_AWARD)
    form.nomination_quota.data = settings.nomination_quota
    form.nomination_levels.data = "、".join(settings.nomination_levels)
    shares = settings.nomination_stage_shares
    for stage, field in zip(STAGES, (form.share_primary, form.share_junior, form.share_senior), strict=True):
        field.data = round(float(shares[stage]) * 100) if stage in shares else None
    form.nomination_school_cap.data = settings.nomination_school_cap
    form.nomination_district_cap.data = settings.nomination_district_cap
    form.entry_number_pattern.data = settings.entry_number_pattern
    form.number_pattern.data = settings.number_pattern
    form.notice_days.data = settings.notice_days
    form.notice_contact.data = settings.notice_contact
    form.notice_show_names.data = bool(settings.notice_show_names)


def _settings_values(form: SettingsForm) -> dict:
    values = _basics(form)
    values["description"] = (form.description.data or "").strip() or None
    for key in WINDOWS:
        values[key] = getattr(form, key).data
    values["award_levels"] = [
        [sub.form.name.data.strip(), round(float(sub.form.percent.data) / 100, 4)]
        for sub in form.levels
        if (sub.form.name.data or "").strip() and sub.form.percent.data is not None
    ]
    values["excellence_award"] = form.excellence_award.data
    minimums = {
        sub.form.name.data.strip(): float(sub.form.min_score.data)
        for sub in form.levels
        if (sub.form.name.data or "").strip() and sub.form.min_score.data is not None
    }
    if form.excellence_min.data is not None:
        minimums[EXCELLENCE_AWARD] = float(form.excellence_min.data)
    values["award_min_scores"] = minimums
    values["nomination_quota"] = form.nomination_quota.data
    levels = [x.strip() for x in (form.nomination_levels.data or "").replace(",", "、").replace("，", "、").split("、")]
    values["nomination_levels"] = [x for x in levels if x] or None
    values["nomination_stage_shares"] = {
        stage: round(float(field.data) / 100, 4)
        for stage, field in zip(STAGES, (form.share_primary, form.share_junior, form.share_senior), strict=True)
        if field.data is not None
    }
    values["nomination_school_cap"] = form.nomination_school_cap.data
    values["nomination_district_cap"] = form.nomination_district_cap.data
    values["entry_number_pattern"] = form.entry_number_pattern.data.strip()
    values["number_pattern"] = form.number_pattern.data.strip()
    values["notice_days"] = form.notice_days.data
    values["notice_contact"] = (form.notice_contact.data or "").strip()
    values["notice_show_names"] = form.notice_show_names.data
    return values


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
def contest_edit(contest_id: int):
    contest = contest_or_404(contest_id)
    form = SettingsForm()
    if request.method == "GET":
        _fill_settings_form(form, contest)
    elif form.validate_on_submit():
        values = _settings_values(form)
        if not values["award_levels"]:
            form.levels.errors.append(_("Give at least one award level with its share."))
        else:
            doorway.on_refusal(
                form=form, render=lambda: _settings_page(contest, form), status=None, aliases=_FIELD_OF_SETTING
            )
            service.update_settings(contest, values, actor=current_user)
            flash(_("Settings saved."), "success")
            return redirect(url_for("organizer.contest", contest_id=contest.id))
    return _settings_page(contest, form)


def _settings_page(contest: Contest, form: SettingsForm):
    return render_template(
        "organizer/contest_edit.html", contest=contest, form=form, **_tie_break_page(contest)
    ), 400 if form.errors or (request.method == "POST" and form.levels.errors) else 200


def _tie_break_page(contest: Contest, steps: list[str] | None = None, problems: list[str] | None = None) -> dict:
    """What the 决胜规则 section of the settings page shows: the rows, the choices, why read-only."""
    return {
        "tie_steps": tie_break_service.current(contest) if steps is None else steps,
        "tie_options": tie_break_service.options(contest),
        "tie_problems": problems or [],
        "tie_closed": write_guard.refusal(contest, "tie_break"),
    }


@bp.route("/contests/<int:contest_id>/tie-break", methods=["POST"])
def contest_tie_break(contest_id: int):
    contest = contest_or_404(contest_id)
    form = PageForm()
    steps = tie_break_rules.posted_steps(request.form)
    if not form.validate_on_submit():
        problems = [_("The form expired. Nothing was saved; please try again.")]
    elif request.form.get("action", "save") != "save":
        problems = []  # a row moved: shown again, saved with the save button
    else:
        _refuse_as_problems(lambda found: _tie_break_answer(contest, steps, found))
        tie_break_service.save(contest, steps, actor=current_user)
        flash(_("The tie-break rule was saved."), "success")
        return redirect(url_for("organizer.contest_edit", contest_id=contest.id, _anchor="tie-break"))
    return _tie_break_answer(contest, steps, problems)


def _tie_break_answer(contest: Contest, steps: list[str], problems: list[str]):
    """The settings page with the tie-break rows as posted, and why they were not saved."""
    settings = SettingsForm(formdata=None)
    _fill_settings_form(settings, contest)
    return render_template(
        "organizer/contest_edit.html", contest=contest, form=settings, **_tie_break_page(contest, steps, problems)
    ), 400 if problems else 200


@bp.route("/contests/<int:contest_id>/definition", methods=["GET", "POST"])
def contest_definition(contest_id: int):
    contest = contest_or_404(contest_id)
    form = DefinitionForm()
    if request.method == "GET":
        form.text.data = service.definition_yaml(contest)
    elif form.validate_on_submit():
        _refuse_as_problems(lambda found: _definition_page(contest, form, found))
        service.update_from_definition(contest, service.load_definition_text(form.text.data or ""), actor=current_user)
        flash(_("The definition was saved."), "success")
        return redirect(url_for("organizer.contest", contest_id=contest.id))
    return _definition_page(contest, form, [])


def _definition_page(contest: Contest, form: DefinitionForm, problems: list[str]):
    return render_template(
        "organizer/contest_definition.html", contest=contest, form=form, problems=problems
    ), 400 if problems else 200


@bp.route("/contests/<int:contest_id>/definition.yaml")
def contest_definition_download(contest_id: int):
    contest = contest_or_404(contest_id)
    return send_download(service.definition_yaml(contest).encode(), f"{contest.code}.yaml", "text/yaml; charset=utf-8")
