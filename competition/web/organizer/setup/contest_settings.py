"""A contest's settings: editing them, the tie-break order, and its definition (edited or
downloaded as YAML) (organizers only)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ....domain import file_names
from ....domain import tie_break as tie_break_rules
from ....domain.contest_definition import STAGES
from ....domain.eligibility.grades import work_window
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
    ELIGIBILITY_FIELDS,
    RULE_FIELDS,
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
    for name in ELIGIBILITY_FIELDS:
        getattr(form, name).data = getattr(settings, name)
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
    for name in ELIGIBILITY_FIELDS:
        values[name] = getattr(form, name).data
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
    locks = service.settings_locks(contest)
    locked = _locked_fields(locks)
    if request.method == "POST":
        doorway.on_refusal(redirect_to=url_for("organizer.setup.contest_edit", contest_id=contest.id))
        write_guard.check(contest, "contest_settings")  # a final contest's settings stay as they are
        # the read-only fields are not posted (disabled): they keep their stored values
        form = SettingsForm(formdata=_with_stored(contest, locked)) if locked else SettingsForm()
    else:
        form = SettingsForm(formdata=None)
        _fill_settings_form(form, contest)
    if request.method == "POST" and form.validate_on_submit():
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


def _locked_fields(locks: service.SettingsLocks) -> list[str]:
    """The names of the form's fields that are read-only now."""
    if locks.page:
        return list(SettingsForm(formdata=None)._fields)
    return [*(RULE_FIELDS if locks.rules else ()), *(ELIGIBILITY_FIELDS if locks.eligibility else ())]


def _leaves(field):
    """A field, or the fields inside a list of rows."""
    if hasattr(field, "entries"):
        for row in field.entries:
            yield from _leaves(row)
    elif hasattr(field, "form") and hasattr(field.form, "_fields"):
        for sub in field.form:
            yield from _leaves(sub)
    else:
        yield field


def _with_stored(contest: Contest, names: list[str]) -> MultiDict:
    """The posted form with the fields `names` as they are stored (what the disabled inputs show)."""
    stored = SettingsForm(formdata=None)
    _fill_settings_form(stored, contest)
    data = MultiDict(request.form)
    for name in names:
        if name == "csrf_token":
            continue
        for leaf in _leaves(stored[name]):
            if leaf.type == "BooleanField":
                data.setlist(leaf.name, ["y"] if leaf.data else [])
            elif hasattr(leaf, "_value"):
                data.setlist(leaf.name, [leaf._value()])
            else:  # a select
                data.setlist(leaf.name, ["" if leaf.data is None else str(leaf.data)])
    return data


def _settings_page(contest: Contest, form: SettingsForm, tie_break: dict | None = None, status: int | None = None):
    locks = service.settings_locks(contest)
    for name in _locked_fields(locks):
        if name != "csrf_token":
            for leaf in _leaves(form[name]):
                leaf.render_kw = {**(leaf.render_kw or {}), "disabled": True}
    return render_template(
        "organizer/setup/contest_edit.html",
        contest=contest,
        form=form,
        locks=locks,
        subject_lists=_subject_lists(contest),
        work_window=_work_window(contest),
        material_example=_material_example(contest, form.material_file_pattern.data or ""),
        **(tie_break or _tie_break_page(contest)),
    ), status or (400 if form.errors or (request.method == "POST" and form.levels.errors) else 200)


def _subject_lists(contest: Contest) -> list[tuple[str, int | None, list[tuple[str, list[str]]]]]:
    """Each section's subject lists: (section, the year its edition's list took effect or None, [(stage, subjects)])."""
    editions = contest.settings_view.subject_editions
    return [
        (s.name, editions.get(s.code), [(stage, list(names)) for stage, names in (s.subjects or {}).items()])
        for s in contest.sections
    ]


def _work_window(contest: Contest) -> tuple[date, date] | None:
    """The first and last day of completion this contest accepts (the last: at the latest)."""
    years = contest.settings_view.work_completed_within_years
    return work_window(contest.year, years, date(contest.year, 6, 30)) if years else None


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
    return _settings_page(contest, settings, _tie_break_page(contest, steps, problems), 400 if problems else 200)


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
