"""Accounts, schools, districts, reset links and imports from spreadsheets (organizers only;
the blueprint's before_request checks the role before any of these views runs)."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...i18n.labels import ROLE_LABELS
from ...models import ROLES, Contest, District, School, User
from ...services import contests, imports, lookup, users
from ...services.imports import pages as imports_pages
from .. import doorway
from ..downloads import send_download
from ..forms import PageForm, choices, show_service_error
from ..loaders import row_or_404
from .blueprint import bp

PER_PAGE = 50
STAGE_KINDS = ("小学", "初中", "高中", "九年一贯制", "完全中学", "十二年一贯制", "中职", "其他")


def _district_choices(blank: str) -> list[tuple[int, str]]:
    return [(0, blank)] + [(d.id, d.name) for d in users.districts()]


def _school_choices(blank: str) -> list[tuple[int, str]]:
    return [(0, blank)] + users.school_labels()


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


class ImportForm(PageForm):
    kind = RadioField(
        _l("What the sheet contains"),
        choices=choices((k, imports.KIND_LABELS[k]) for k in imports.KINDS),
        default="teachers",
    )
    contest_id = SelectField(_l("Contest (for entries only)"), coerce=int, validate_choice=False)
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"))


class ConfirmImportForm(PageForm):
    entry_state = SelectField(
        _l("State of the imported entries"),
        choices=choices(
            [
                ("submitted", _l("Submitted, awaiting format review")),
                ("accepted", _l("Accepted (numbers are given now)")),
            ]
        ),
        default="submitted",
    )


def _refuse_to_account(user: User) -> None:
    doorway.on_refusal(redirect_to=url_for("organizer.account", user_id=user.id))


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 19 else None


# ------------------------------------------------------------------ accounts


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
        "organizer/accounts_users.html",
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
            return render_template("organizer/accounts_secret.html", user=user, password=generated)
        flash(_("The account %(u)s was created.", u=user.username), "success")
        return redirect(url_for("organizer.account", user_id=user.id))
    return _user_page(form, None)


def _user_page(form: UserForm, user: User | None):
    return render_template("organizer/accounts_user_form.html", form=form, user=user)


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
        return redirect(url_for("organizer.account", user_id=user.id))
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
    return redirect(url_for("organizer.account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/reset-link", methods=["POST"])
def account_reset_link(user_id: int):
    user = row_or_404(User, user_id)
    _refuse_to_account(user)
    token = users.create_reset_link(user, actor=current_user)
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("organizer/accounts_secret.html", user=user, link=link, hours=users.RESET_HOURS)


# ------------------------------------------------------------------ schools and districts


@bp.route("/accounts/schools")
def schools():
    district_id = _int_arg("district")
    return render_template(
        "organizer/accounts_schools.html",
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
        return render_template("organizer/accounts_school_form.html", form=form, school=school)

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
        return redirect(url_for("organizer.schools"))
    return page()


@bp.route("/accounts/districts", methods=["GET", "POST"], defaults={"district_id": None})
@bp.route("/accounts/districts/<int:district_id>", methods=["GET", "POST"])
def districts(district_id: int | None):
    """The list of districts beside a form that adds one or, with an id, edits it."""
    district = row_or_404(District, district_id) if district_id is not None else None
    form = DistrictForm(obj=district)

    def page():
        return render_template("organizer/accounts_districts.html", rows=users.districts(), form=form, editing=district)

    if form.validate_on_submit():
        doorway.on_refusal(form=form, render=page, status=None)
        users.save_district(district, name=form.name.data, code=form.code.data, actor=current_user)
        flash(_("Saved."), "success")
        return redirect(url_for("organizer.districts"))
    return page()


# ------------------------------------------------------------------ imports


def _folder() -> str:
    return current_app.config["EXPORT_FOLDER"]


def _stashed(token: str) -> tuple[dict, bytes]:
    found = imports.load_stash(_folder(), token, user_id=current_user.id)
    if found is None:
        abort(404)
    return found


def _contest_of(meta: dict) -> Contest | None:
    return lookup.get(Contest, meta["contest_id"]) if meta.get("contest_id") else None


def _kind_hint(kind: str) -> str:
    return _(
        "This sheet looks like a list of “%(kind)s”: choose “%(kind)s” above and upload it again.",
        kind=imports.KIND_LABELS[kind],
    )


@bp.route("/imports", methods=["GET", "POST"])
def imports_upload():
    form = ImportForm()
    form.contest_id.choices = choices(
        [(0, _("— choose —"))] + [(c.id, f"{c.year} {c.name}（{c.code}）") for c in contests.newest_first()]
    )
    if request.method == "GET" and request.args.get("kind") in imports.KINDS:
        form.kind.data = request.args["kind"]

    def page():
        return render_template("organizer/import_upload.html", form=form, columns=imports.COLUMNS)

    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(imports.MAX_UPLOAD + 1) if upload else b""
        filename = (upload.filename or "") if upload else ""
        contest = lookup.get(Contest, form.contest_id.data) if form.contest_id.data else None
        if not data:
            form.file.errors.append(_("Choose the file to import."))
        elif len(data) > imports.MAX_UPLOAD:
            form.file.errors.append(_("The file is larger than %(mb)d MB.", mb=imports.MAX_UPLOAD // 2**20))
        elif form.kind.data == "entries" and contest is None:
            form.contest_id.errors.append(_("Choose the contest the entries belong to."))
        else:
            _refuse_unreadable(form, data, filename, page)
            imports.preview(form.kind.data, data, filename, contest=contest)  # refuse unreadable files now
            token = imports.stash_upload(
                _folder(),
                user_id=current_user.id,
                kind=form.kind.data,
                filename=filename,
                data=data,
                contest_id=contest.id if contest else None,
            )
            likely = imports.likely_kind(data, filename, form.kind.data)
            return redirect(url_for("organizer.import_preview", token=token, looks_like=likely))
    return page()


def _refuse_unreadable(form: ImportForm, data: bytes, filename: str, page) -> None:
    """A sheet the preview cannot read shows the upload form again with the problem, and a hint
    when the sheet looks like another kind than the one chosen."""

    def respond(exc):
        show_service_error(form, exc)
        if exc.field == "file":
            likely = imports.likely_kind(data, filename, form.kind.data)
            if likely:
                form.file.errors.append(_kind_hint(likely))
        return page()

    doorway.on_refusal(respond=respond)


def _finished_page(token: str, meta: dict, *, just_now: bool = False):
    """The page of a confirmed or cancelled import: right after confirming, and whenever the
    preview's URL is asked for again (the browser's Back button, a resubmitted form)."""
    finished = meta["finished"]
    at = datetime.fromtimestamp(finished["at"], UTC).replace(tzinfo=None)
    contest = _contest_of(meta)
    if meta["kind"] == "entries" and contest is not None:
        listing = url_for("organizer.contest", contest_id=contest.id)
    elif meta["kind"] == "schools":
        listing = url_for("organizer.schools")
    elif meta["kind"] in imports.ROLE_OF:
        listing = url_for("organizer.accounts", role=imports.ROLE_OF[meta["kind"]])
    else:
        listing = url_for("organizer.index")
    return render_template(
        "organizer/import_done.html",
        meta=meta,
        finished=finished,
        at=at,
        token=token,
        contest=contest,
        just_now=just_now,
        listing=listing,
        credentials_ready=imports.has_credentials(_folder(), token, user_id=current_user.id),
        KIND_LABELS=imports.KIND_LABELS,
    )


def _near_school_choices() -> dict[int, int | None]:
    """The confirm form's choices for schools near existing ones: school-<line> = an id or "new"."""
    found: dict[int, int | None] = {}
    for key, value in request.form.items():
        line = key.removeprefix("school-")
        if key.startswith("school-") and line.isdecimal() and len(line) < 8:
            if value == "new":
                found[int(line)] = None
            elif value.isdecimal() and len(value) < 19:
                found[int(line)] = int(value)
    return found


@bp.route("/imports/<token>", methods=["GET", "POST"])
def import_preview(token: str):
    finished = imports.finished_import(_folder(), token, user_id=current_user.id)
    if finished is not None:
        return _finished_page(token, finished)
    meta, data = _stashed(token)
    contest = _contest_of(meta)
    form = ConfirmImportForm()
    choices = _near_school_choices() if request.method == "POST" else None
    doorway.on_refusal(respond=lambda exc: _unreadable_stash(token, exc))
    plan = imports.preview(meta["kind"], data, meta["filename"], contest=contest, school_choices=choices)

    def page():
        looks_like = request.args.get("looks_like")
        return render_template(
            "organizer/import_preview.html",
            plan=plan,
            meta=meta,
            token=token,
            form=form,
            contest=contest,
            KIND_LABELS=imports.KIND_LABELS,
            kind_hint=_kind_hint(looks_like) if looks_like in imports.KINDS and looks_like != meta["kind"] else None,
        )

    if request.method == "POST" and form.validate_on_submit():
        doorway.on_refusal(respond=lambda exc: _flashed(exc, page))  # nothing was written: the preview again
        outcome = imports_pages.apply_confirmed(
            meta["kind"],
            data,
            meta["filename"],
            actor=current_user,
            contest=contest,
            entry_state=form.entry_state.data,
            school_choices=choices,
        )
        workbook = None
        if outcome.credentials:
            title = _("Initial passwords") + f" · {meta['filename']}"
            workbook = imports.credentials_workbook(outcome.credentials, title=title)
        summary = imports.outcome_summary(outcome)
        finished = imports.finish_stash(_folder(), token, summary, credentials=workbook)
        return _finished_page(token, finished or {**meta, "finished": {**summary, "at": time.time()}}, just_now=True)
    return page()


def _unreadable_stash(token: str, exc):
    """A kept upload that no longer reads (the contest changed, the file is damaged) is dropped."""
    imports.drop_stash(_folder(), token)
    flash(exc.message, "danger")
    return redirect(url_for("organizer.imports_upload"))


def _flashed(exc, page):
    flash(exc.message, "danger")
    return page()


@bp.route("/imports/<token>/cancel", methods=["POST"])
def import_cancel(token: str):
    if imports.finished_import(_folder(), token, user_id=current_user.id) is not None:
        return redirect(url_for("organizer.import_preview", token=token))  # says confirmed or cancelled
    _stashed(token)
    imports.finish_stash(_folder(), token, {"state": "cancelled"})
    flash(_("The import was cancelled; nothing was written."), "info")
    return redirect(url_for("organizer.imports_upload"))


@bp.route("/imports/<token>/passwords.xlsx")
def import_credentials(token: str):
    data = imports.take_credentials(_folder(), token, user_id=current_user.id)
    if data is None:
        flash(
            _("The password sheet was already downloaded or has expired. Create reset links for the accounts instead."),
            "warning",
        )
        return redirect(url_for("organizer.accounts"))
    response = send_download(data, "初始密码.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Cache-Control"] = "no-store"
    return response
