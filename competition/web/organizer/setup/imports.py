"""Imports from spreadsheets: upload a sheet, preview it, confirm or cancel, and download the
passwords of the accounts it created (organizers only)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField

from ....models import Contest
from ....services import contests, imports, lookup
from ....services.imports import pages as imports_pages
from ... import doorway
from ...downloads import send_download
from ...forms import PageForm, choices, show_service_error
from .blueprint import bp


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
        return render_template("organizer/setup/import_upload.html", form=form, columns=imports.COLUMNS)

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
            return redirect(url_for("organizer.setup.import_preview", token=token, looks_like=likely))
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
        listing = url_for("organizer.setup.contest", contest_id=contest.id)
    elif meta["kind"] == "schools":
        listing = url_for("organizer.accounts.schools")
    elif meta["kind"] in imports.ROLE_OF:
        listing = url_for("organizer.accounts.accounts", role=imports.ROLE_OF[meta["kind"]])
    else:
        listing = url_for("organizer.index")
    return render_template(
        "organizer/setup/import_done.html",
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
        # done=1: the redirect right after confirming; a resubmitted form (POST) is told it was done before.
        return _finished_page(token, finished, just_now=request.method == "GET" and request.args.get("done") == "1")
    meta, data = _stashed(token)
    contest = _contest_of(meta)
    form = ConfirmImportForm()
    choices = _near_school_choices() if request.method == "POST" else None
    doorway.on_refusal(respond=lambda exc: _unreadable_stash(token, exc))
    plan = imports.preview(meta["kind"], data, meta["filename"], contest=contest, school_choices=choices)

    def page():
        looks_like = request.args.get("looks_like")
        return render_template(
            "organizer/setup/import_preview.html",
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
        # The upload is dropped only once the rows are committed: a failed commit leaves it to confirm again.
        doorway.after_commit(lambda: imports.finish_stash(_folder(), token, summary, credentials=workbook))
        return redirect(url_for("organizer.setup.import_preview", token=token, done=1))
    return page()


def _unreadable_stash(token: str, exc):
    """A kept upload that no longer reads (the contest changed, the file is damaged) is dropped."""
    imports.drop_stash(_folder(), token)
    flash(exc.message, "danger")
    return redirect(url_for("organizer.setup.imports_upload"))


def _flashed(exc, page):
    flash(exc.message, "danger")
    return page()


@bp.route("/imports/<token>/cancel", methods=["POST"])
def import_cancel(token: str):
    if imports.finished_import(_folder(), token, user_id=current_user.id) is not None:
        return redirect(url_for("organizer.setup.import_preview", token=token))  # says confirmed or cancelled
    _stashed(token)
    imports.finish_stash(_folder(), token, {"state": "cancelled"})
    flash(_("The import was cancelled; nothing was written."), "info")
    return redirect(url_for("organizer.setup.imports_upload"))


@bp.route("/imports/<token>/passwords.xlsx")
def import_credentials(token: str):
    data = imports.take_credentials(_folder(), token, user_id=current_user.id)
    if data is None:
        flash(
            _("The password sheet was already downloaded or has expired. Create reset links for the accounts instead."),
            "warning",
        )
        return redirect(url_for("organizer.accounts.accounts"))
    response = send_download(data, "初始密码.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Cache-Control"] = "no-store"
    return response
