"""Accounts: the list of users, a new account, editing one, deactivating it and reset links
(organizers only; the organizer blueprint's before_request checks the role before any view runs)."""

from __future__ import annotations

import math

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ....i18n.labels import ROLE_LABELS
from ....models import ROLES, User
from ....services import users
from ... import doorway
from ...forms import PageForm, choices
from ...loaders import row_or_404
from .blueprint import bp
from .common import _district_choices, _int_arg, _school_choices

PER_PAGE = 50


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(PageForm):
    username = StringField(_l("Username"), validators=[Optional(), Length(max=80)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    roles = MultiCheckboxField(_l("Roles"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))
    gender = SelectField(_l("Gender"), choices=choices([("", "—"), ("男", "男"), ("女", "女")]), validate_choice=False)
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=120)])
    school_id = SelectField(_l("School (teachers)"), coerce=int, validate_choice=False)
    district_id = SelectField(_l("District (reviewers: the district they review)"), coerce=int, validate_choice=False)
    affiliation = StringField(_l("Work unit (judges)"), validators=[Optional(), Length(max=120)])
    title = StringField(_l("Professional title (judges)"), validators=[Optional(), Length(max=50)])
    subjects = StringField(_l("Subjects (judges), separated by 、"), validators=[Optional(), Length(max=500)])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=200)])
    must_change = BooleanField(_l("Must change the password at the first login"), default=True)

    def fill_choices(self) -> None:
        self.school_id.choices = choices(_school_choices(_("— no school —")))
        self.district_id.choices = choices(_district_choices(_("— no district —")))

    def data_object(self) -> users.AccountData:
        return users.AccountData(
            name=self.name.data or "",
            roles=self.roles.data or [],
            username=self.username.data,
            gender=self.gender.data or None,
            phone=self.phone.data,
            email=self.email.data,
            school_id=self.school_id.data or None,
            district_id=self.district_id.data or None,
            affiliation=self.affiliation.data,
            title=self.title.data,
            subjects=self.subjects.data,
        )


def _refuse_to_account(user: User) -> None:
    doorway.on_refusal(redirect_to=url_for("organizer.accounts.account", user_id=user.id))


@bp.route("/accounts")
def accounts():
    filters = users.UserFilters(
        role=request.args.get("role") or None,
        district_id=_int_arg("district"),
        school_id=_int_arg("school"),
        q=(request.args.get("q") or "").strip()[:50] or None,
        active=request.args.get("active", "yes"),
    )
    total = users.count_users(filters)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(_int_arg("page") or 1, 1), pages)
    rows = users.users_page(filters, page, PER_PAGE)
    return render_template(
        "organizer/accounts/users.html",
        rows=rows,
        filters=filters,
        total=total,
        page=page,
        pages=pages,
        districts=_district_choices(_("All districts"))[1:],
        schools=_school_choices(_("All schools"))[1:],
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    form = UserForm()
    form.fill_choices()
    if request.method == "GET":
        wanted = request.args.get("role")
        form.roles.data = [wanted] if wanted in ROLES else ["teacher"]
    if form.validate_on_submit():
        doorway.on_refusal(form=form, render=lambda: _user_page(form, None), status=None)
        user, generated = users.create_account(
            form.data_object(),
            actor=current_user,
            password=form.password.data or None,
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
            must_change_password=form.must_change.data,
        )
        if generated:  # shown once, on this response only
            return render_template("organizer/accounts/secret.html", user=user, password=generated)
        flash(_("The account %(u)s was created.", u=user.username), "success")
        return redirect(url_for("organizer.accounts.account", user_id=user.id))
    return _user_page(form, None)


def _user_page(form: UserForm, user: User | None):
    return render_template("organizer/accounts/user_form.html", form=form, user=user)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int):
    user = row_or_404(User, user_id)
    form = UserForm(obj=user)
    form.fill_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.school_id.data = user.school_id or 0
        form.district_id.data = user.district_id or 0
        form.gender.data = user.gender or ""
    if form.validate_on_submit():
        doorway.on_refusal(form=form, render=lambda: _user_page(form, user), status=None)
        users.update_account(user, form.data_object(), actor=current_user)
        flash(_("Saved."), "success")
        return redirect(url_for("organizer.accounts.account", user_id=user.id))
    return _user_page(form, user)


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
def account_active(user_id: int):
    user = row_or_404(User, user_id)
    active = request.form.get("active") == "1"
    _refuse_to_account(user)
    users.set_active(user, active, actor=current_user)
    flash(
        _("The account was reactivated.")
        if active
        else _("The account was deactivated; it can no longer log in. Its history is kept."),
        "success",
    )
    return redirect(url_for("organizer.accounts.account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/reset-link", methods=["POST"])
def account_reset_link(user_id: int):
    user = row_or_404(User, user_id)
    _refuse_to_account(user)
    token = users.create_reset_link(user, actor=current_user)
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("organizer/accounts/secret.html", user=user, link=link, hours=users.RESET_HOURS)
