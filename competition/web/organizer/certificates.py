"""Certificates (获奖证书) for organizers: issue and update them from the results, correct a typo,
revoke, upload seals and background, preview, and print batches as background jobs.
Organizers only (checked in views.py before any view runs)."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ... import jobs
from ...models import Certificate, Contest, Section
from ...services import certificates as service
from ...services import lookup, write_guard
from .. import doorway
from ..doorway import AreaBlueprint
from ..downloads import send_download
from ..forms import PageForm, choices, id_prefix
from ..loaders import contest_or_404, row_or_404

bp = AreaBlueprint("certificates", __name__)

JOB_KIND = "certificates"
PER_PAGE = 50

KIND_LABELS = {
    # A team certificate lists every member of a team entry; a group one names a class, club or
    # school (实践活动). Both are 集体 in everyday words: the labels tell them apart.
    "student": _l("Student"),
    "team": _l("Team (one for all members)"),
    "group": _l("Group (class, club or school)"),
    "author": _l("Author"),
    "adviser": _l("Adviser"),
    "school": _l("Organizing school"),
    "district": _l("Organizing district"),
}


class BatchForm(PageForm):
    scope = SelectField(
        _l("What to print"),
        choices=choices(
            [("all", _l("The whole contest")), ("section", _l("One section")), ("school", _l("One school"))]
        ),
        default="all",
    )
    section_id = SelectField(_l("Section"), coerce=int, validate_choice=False)
    school_id = SelectField(_l("School"), coerce=int, validate_choice=False)
    fmt = SelectField(
        _l("Format"),
        choices=choices([("pdf", _l("One PDF for the printer")), ("zip", _l("A zip with one PDF per person"))]),
        default="pdf",
    )


class AssetForm(PageForm):
    slot = HiddenField(validators=[DataRequired()])
    file = FileField(_l("Image"), validators=[FileRequired(_l("Choose an image file."))])


class CorrectionForm(PageForm):
    name = StringField(_l("Name as printed"), validators=[Optional(), Length(max=50)])
    school = StringField(_l("School or unit as printed"), validators=[Optional(), Length(max=120)])
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=20)])
    title = StringField(_l("Project title"), validators=[Optional(), Length(max=200)])
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(_l("Give the reason for the correction.")), Length(max=500)],
    )


class RevokeForm(PageForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(_l("Give the reason for revoking the certificate.")), Length(max=500)],
    )


def _batch_form(contest: Contest) -> BatchForm:
    form = BatchForm()
    form.section_id.choices = choices((s.id, s.name) for s in contest.sections)
    form.school_id.choices = choices(service.schools_with_certificates(contest))
    return form


def _refuse_to_list(contest: Contest, anchor: str = "") -> None:
    """A refused action comes back to the contest's certificates with the reason in a flash."""
    doorway.on_refusal(redirect_to=url_for("organizer.certificates.certificates", contest_id=contest.id) + anchor)


@bp.route("/contests/<int:contest_id>/certificates")
def certificates(contest_id: int):
    contest = contest_or_404(contest_id)
    q = (request.args.get("q") or "").strip()
    kind = request.args.get("kind") or ""
    status = request.args.get("status") or ""
    page = max(request.args.get("page", 1, type=int), 1)
    found = service.listing(
        contest,
        q=q,
        kind=kind if kind in KIND_LABELS else None,
        status=status,
        page=page,
        per_page=PER_PAGE,
        job_kind=JOB_KIND,
    )
    n_results = len(service.awarded_entries(contest))
    return render_template(
        "organizer/certificates/index.html",
        contest=contest,
        rows=found.rows,
        total=found.total,
        page=page,
        pages=max((found.total + PER_PAGE - 1) // PER_PAGE, 1),
        q=q,
        kind=kind,
        status=status,
        valid=found.valid,
        revoked=found.revoked,
        n_awarded=n_results,
        setting=service.settings_of(contest),
        page_setup=service.page_setup(service.settings_of(contest)),
        batch_form=_batch_form(contest),
        asset_form=AssetForm(),
        slots=service.asset_slots(contest),
        assets=found.assets,
        jobs=found.jobs,
        schools=found.schools,
        KIND_LABELS=KIND_LABELS,
        issue_refusal=write_guard.refusal(contest, "certificate"),
        unreachable_url=service.unreachable_base_url(current_app.config.get("PUBLIC_BASE_URL")),
    )


@bp.route("/contests/<int:contest_id>/certificates/issue", methods=["POST"])
def certificates_issue(contest_id: int):
    contest = contest_or_404(contest_id)
    _refuse_to_list(contest)
    summary = service.issue(contest, current_user, base_url=current_app.config["PUBLIC_BASE_URL"])
    if not (summary.created or summary.revised or summary.revoked or summary.unchanged):
        flash(_("No entry has an award yet, so there are no certificates to issue."), "warning")
    else:
        flash(
            _(
                "Certificates updated: %(created)d new, %(revised)d re-issued after a change, "
                "%(revoked)d revoked, %(unchanged)d unchanged.",
                created=summary.created,
                revised=summary.revised,
                revoked=summary.revoked,
                unchanged=summary.unchanged,
            ),
            "success",
        )
    return redirect(url_for("organizer.certificates.certificates", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/certificates/batch", methods=["POST"])
def certificates_batch(contest_id: int):
    contest = contest_or_404(contest_id)
    form = _batch_form(contest)
    if not form.validate_on_submit():
        flash(_("Choose what to print and the format."), "danger")
        return redirect(url_for("organizer.certificates.certificates", contest_id=contest.id))
    section_id = form.section_id.data if form.scope.data == "section" else None
    school_id = form.school_id.data if form.scope.data == "school" else None
    _refuse_to_list(contest)
    job = service.start_batch(contest, current_user, fmt=form.fmt.data, section_id=section_id, school_id=school_id)
    doorway.after_commit(lambda: jobs.start(job))  # the worker must find the job's row
    flash(
        _("The certificates are being rendered. The progress is shown below; the file appears when it is ready."),
        "info",
    )
    return redirect(url_for("organizer.certificates.certificates", contest_id=contest.id) + "#batch")


@bp.route("/contests/<int:contest_id>/certificates/preview.pdf")
def certificates_preview(contest_id: int):
    contest = contest_or_404(contest_id)
    return send_download(
        service.sample_pdf(contest, base_url=current_app.config["PUBLIC_BASE_URL"]),
        f"{contest.code}-证书样张.pdf",
        "application/pdf",
        as_attachment=False,
    )


@bp.route("/contests/<int:contest_id>/certificates/assets", methods=["POST"])
def certificates_asset_upload(contest_id: int):
    contest = contest_or_404(contest_id)
    form = AssetForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "danger")
        return redirect(url_for("organizer.certificates.certificates", contest_id=contest.id) + "#assets")
    upload = form.file.data
    _refuse_to_list(contest, "#assets")
    service.save_asset(contest, form.slot.data, upload.stream, upload.filename, current_user)
    flash(_("The image was saved. Open the preview to see it on a certificate."), "success")
    return redirect(url_for("organizer.certificates.certificates", contest_id=contest.id) + "#assets")


@bp.route("/contests/<int:contest_id>/certificates/assets/<slot>/delete", methods=["POST"])
def certificates_asset_delete(contest_id: int, slot: str):
    contest = contest_or_404(contest_id)
    if not PageForm().validate_on_submit():
        abort(400)
    _refuse_to_list(contest, "#assets")
    service.remove_asset(contest, slot, current_user)
    flash(_("The image was removed."), "success")
    return redirect(url_for("organizer.certificates.certificates", contest_id=contest.id) + "#assets")


@bp.route("/contests/<int:contest_id>/certificates/assets/<slot>.png")
def certificates_asset_image(contest_id: int, slot: str):
    asset = service.asset_of(contest_id, slot)
    if asset is None:
        abort(404)
    data = service.upload_reader(asset.storage_key)
    return send_file(io.BytesIO(data), mimetype="image/png" if data[:4] == b"\x89PNG" else "image/jpeg")


def _correction_form(cert: Certificate) -> CorrectionForm:
    d = cert.data or {}
    form = CorrectionForm(
        data=None
        if request.method == "POST"
        else {"name": d.get("name"), "school": d.get("school"), "grade": d.get("grade"), "title": d.get("title")}
    )
    return form


def _detail(
    cert: Certificate,
    correction: CorrectionForm | None = None,
    revoke_form: RevokeForm | None = None,
    status: int = 200,
):
    contest = lookup.get(Contest, cert.contest_id)
    revisions = service.revisions_of(cert)
    section = lookup.get(Section, cert.section_id) if cert.section_id else None
    return render_template(
        "organizer/certificates/detail.html",
        cert=cert,
        contest=contest,
        revisions=revisions,
        section=section,
        correction=id_prefix(correction or _correction_form(cert), "correct-"),
        revoke_form=id_prefix(revoke_form or RevokeForm(), "revoke-"),
        fields=service.CORRECTABLE.get(cert.kind, ()),
        verify_url=service.verify_url(cert.verification_code, current_app.config["PUBLIC_BASE_URL"]),
        KIND_LABELS=KIND_LABELS,
    ), status


@bp.route("/certificates/<int:cert_id>")
def certificate_detail(cert_id: int):
    return _detail(row_or_404(Certificate, cert_id))


@bp.route("/certificates/<int:cert_id>.pdf")
def certificate_pdf(cert_id: int):
    cert = row_or_404(Certificate, cert_id)
    name = service.rules.file_name(cert.number, cert.recipient_name, cert.award or "")
    pdf = service.single_pdf(cert, base_url=current_app.config["PUBLIC_BASE_URL"])
    return send_download(pdf, name, "application/pdf", as_attachment=False)


@bp.route("/certificates/<int:cert_id>/correct", methods=["POST"])
def certificate_correct(cert_id: int):
    cert = row_or_404(Certificate, cert_id)
    form = _correction_form(cert)
    if not form.validate_on_submit():
        return _detail(cert, correction=form, status=422)
    values = {f: getattr(form, f).data for f in service.CORRECTABLE.get(cert.kind, ())}
    # the message on the field it names, else in a flash; the page read again after the rollback
    doorway.on_refusal(
        form=form, render=lambda: _detail(row_or_404(Certificate, cert_id), correction=form, status=422), status=422
    )
    summary = service.correct(
        cert, current_user, reason=form.reason.data, base_url=current_app.config["PUBLIC_BASE_URL"], **values
    )
    flash(
        _(
            "Corrected. %(n)d certificate(s) re-issued under the same number with a new revision; print them again.",
            n=summary.revised,
        ),
        "success",
    )
    return redirect(url_for("organizer.certificates.certificate_detail", cert_id=cert_id))


@bp.route("/certificates/<int:cert_id>/revoke", methods=["POST"])
def certificate_revoke(cert_id: int):
    cert = row_or_404(Certificate, cert_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail(cert, revoke_form=form, status=422)
    doorway.on_refusal(redirect_to=url_for("organizer.certificates.certificate_detail", cert_id=cert_id))
    service.revoke(cert, current_user, form.reason.data)
    flash(_("The certificate was revoked. Its verification page now says so; its number stays taken."), "warning")
    return redirect(url_for("organizer.certificates.certificate_detail", cert_id=cert_id))
