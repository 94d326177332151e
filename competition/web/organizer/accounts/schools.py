"""Schools and districts: the lists and their forms (organizers only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ....models import District, School
from ....services import users
from ... import doorway
from ...forms import PageForm, choices
from ...loaders import row_or_404
from .blueprint import bp
from .common import _district_choices, _int_arg

STAGE_KINDS = ("小学", "初中", "高中", "九年一贯制", "完全中学", "十二年一贯制", "中职", "其他")


class SchoolForm(PageForm):
    name = StringField(_l("Full name of the school"), validators=[DataRequired(), Length(max=120)])
    district_id = SelectField(_l("District"), coerce=int, validate_choice=False)
    stage_kind = SelectField(
        _l("Stage"), choices=choices([("", "—")] + [(s, s) for s in STAGE_KINDS]), validate_choice=False
    )
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])


class DistrictForm(PageForm):
    name = StringField(_l("Name of the district"), validators=[DataRequired(), Length(max=50)])
    code = StringField(_l("Code (optional)"), validators=[Optional(), Length(max=20)])


@bp.route("/accounts/schools")
def schools():
    district_id = _int_arg("district")
    return render_template(
        "organizer/accounts/schools.html",
        rows=users.schools(district_id),
        district_id=district_id,
        districts=_district_choices("")[1:],
    )


@bp.route("/accounts/schools/new", methods=["GET", "POST"], defaults={"school_id": None})
@bp.route("/accounts/schools/<int:school_id>", methods=["GET", "POST"])
def school_edit(school_id: int | None):
    school = row_or_404(School, school_id) if school_id is not None else None
    form = SchoolForm(obj=school)
    form.district_id.choices = choices(_district_choices(_("— choose —")))

    def page():
        return render_template("organizer/accounts/school_form.html", form=form, school=school)

    if form.validate_on_submit():
        doorway.on_refusal(form=form, render=page, status=None)
        saved = users.save_school(
            school,
            name=form.name.data,
            district_id=form.district_id.data,
            stage_kind=form.stage_kind.data,
            contact_name=form.contact_name.data,
            contact_phone=form.contact_phone.data,
            actor=current_user,
        )
        flash(_("The school %(name)s was saved.", name=saved.name), "success")
        return redirect(url_for("organizer.accounts.schools"))
    return page()


@bp.route("/accounts/districts", methods=["GET", "POST"], defaults={"district_id": None})
@bp.route("/accounts/districts/<int:district_id>", methods=["GET", "POST"])
def districts(district_id: int | None):
    """The list of districts beside a form that adds one or, with an id, edits it."""
    district = row_or_404(District, district_id) if district_id is not None else None
    form = DistrictForm(obj=district)

    def page():
        return render_template("organizer/accounts/districts.html", rows=users.districts(), form=form, editing=district)

    if form.validate_on_submit():
        doorway.on_refusal(form=form, render=page, status=None)
        users.save_district(district, name=form.name.data, code=form.code.data, actor=current_user)
        flash(_("Saved."), "success")
        return redirect(url_for("organizer.accounts.districts"))
    return page()
