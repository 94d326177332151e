"""A contest's settings: editing them, the tie-break order, and its definition (edited or
downloaded as YAML) (organizers only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ....domain import file_names
from ....domain import tie_break as tie_break_rules
from ....domain.contest_definition import STAGES
from ....i18n.timeutil import utc_to_local
from ....models import Contest
from ....models.contests import EXCELLENCE_AWARD
from ....services import contests as service
from ....services import tie_break as tie_break_service
from ....services import write_guard
from ... import doorway
from ...downloads import send_download
from ...forms import PageForm
from ...loaders import contest_or_404
from .blueprint import bp
from .contest_forms import (
    _FIELD_OF_SETTING,
    WINDOWS,
    DefinitionForm,
    SettingsForm,
    _basics,
    _refuse_as_problems,
)


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
    form.award_max_share.data = (
        round(float(settings.award_max_share) * 100) if settings.award_max_share is not None else 100
    )
    form.award_min_group_size.data = settings.award_min_group_size
    form.vocational_own_stage.data = bool(settings.vocational_own_stage)
    form.nomination_share_rounding.data = settings.nomination_share_rounding
    form.nomination_min_score.data = settings.nomination_min_score or 0
    form.excellence_min.data = minimums.get(EXCELLENCE_AWARD)
    form.nomination_quota.data = settings.nomination_quota
    form.nomination_levels.data = "、".join(settings.nomination_levels)
    shares = settings.nomination_stage_shares
    for stage, field in zip(
        STAGES, (form.share_primary, form.share_junior, form.share_senior, form.share_vocational), strict=True
    ):
        field.data = round(float(shares[stage]) * 100) if stage in shares else None
    form.nomination_school_cap.data = settings.nomination_school_cap
    form.nomination_district_cap.data = settings.nomination_district_cap
    form.entry_number_pattern.data = settings.entry_number_pattern
    form.material_file_pattern.data = settings.material_file_pattern
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
    values["award_max_share"] = round(float(form.award_max_share.data) / 100, 4)
    values["award_min_group_size"] = form.award_min_group_size.data
    values["vocational_own_stage"] = form.vocational_own_stage.data
    values["nomination_share_rounding"] = form.nomination_share_rounding.data
    values["nomination_min_score"] = float(form.nomination_min_score.data)
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
        for stage, field in zip(
            STAGES, (form.share_primary, form.share_junior, form.share_senior, form.share_vocational), strict=True
        )
        if field.data is not None
    }
    values["nomination_school_cap"] = form.nomination_school_cap.data
    values["nomination_district_cap"] = form.nomination_district_cap.data
    values["entry_number_pattern"] = form.entry_number_pattern.data.strip()
    values["material_file_pattern"] = form.material_file_pattern.data.strip()
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
            return redirect(url_for("organizer.setup.contest", contest_id=contest.id))
    return _settings_page(contest, form)


def _settings_page(contest: Contest, form: SettingsForm):
    return render_template(
        "organizer/setup/contest_edit.html",
        contest=contest,
        form=form,
        material_example=_material_example(contest, form.material_file_pattern.data or ""),
        **_tie_break_page(contest),
    ), 400 if form.errors or (request.method == "POST" and form.levels.errors) else 200


def _material_example(contest: Contest, pattern: str) -> str:
    """A research report's file name under `pattern` (the default while it is not valid)."""
    section = contest.sections[0].name if contest.sections else _("Section")
    return file_names.material_file_name(
        pattern,
        section=section,
        school=_("Example school"),
        title=_("Example title"),
        authors=[_("Zhang San"), _("Li Si")],
        number=f"{contest.code}-001",
        stage="高中",
        material=_("Research report"),
        extension="pdf",
    )


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
        return redirect(url_for("organizer.setup.contest_edit", contest_id=contest.id, _anchor="tie-break"))
    return _tie_break_answer(contest, steps, problems)


def _tie_break_answer(contest: Contest, steps: list[str], problems: list[str]):
    """The settings page with the tie-break rows as posted, and why they were not saved."""
    settings = SettingsForm(formdata=None)
    _fill_settings_form(settings, contest)
    return render_template(
        "organizer/setup/contest_edit.html", contest=contest, form=settings, **_tie_break_page(contest, steps, problems)
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
        return redirect(url_for("organizer.setup.contest", contest_id=contest.id))
    return _definition_page(contest, form, [])


def _definition_page(contest: Contest, form: DefinitionForm, problems: list[str]):
    return render_template(
        "organizer/setup/contest_definition.html", contest=contest, form=form, problems=problems
    ), 400 if problems else 200


@bp.route("/contests/<int:contest_id>/definition.yaml")
def contest_definition_download(contest_id: int):
    contest = contest_or_404(contest_id)
    return send_download(service.definition_yaml(contest).encode(), f"{contest.code}.yaml", "text/yaml; charset=utf-8")
