"""Certificates (获奖证书) for organizers: issue and update them from the results, correct a typo,
revoke, upload seals and background, preview, and print batches as background jobs.
Organizers only (checked in views.py before any view runs)."""
from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from ..forms import PageForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, or_, select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ... import jobs
from ...extensions import db
from ...models import Certificate, Contest, Job, School, Section
from ...models.certificates import CertificateAsset, CertificateRevision
from ...services import ServiceError, write_guard
from ...services import certificates as service
from ..downloads import send_download
from .blueprint import bp
from ..forms import choices, id_prefix

JOB_KIND = "certificates"
PER_PAGE = 50

KIND_LABELS = {
    # A team certificate lists every member of a team entry; a group one names a class, club or
    # school (实践活动). Both are 集体 in everyday words: the labels tell them apart.
    "student": _l("Student"), "team": _l("Team (one for all members)"),
    "group": _l("Group (class, club or school)"), "author": _l("Author"),
    "adviser": _l("Adviser"), "school": _l("Organizing school"), "district": _l("Organizing district"),
}


class BatchForm(PageForm):
    scope = SelectField(_l("What to print"), choices=choices([("all", _l("The whole contest")),
                                                              ("section", _l("One section")),
                                                              ("school", _l("One school"))]), default="all")
    section_id = SelectField(_l("Section"), coerce=int, validate_choice=False)
    school_id = SelectField(_l("School"), coerce=int, validate_choice=False)
    fmt = SelectField(_l("Format"), choices=choices([("pdf", _l("One PDF for the printer")),
                                                     ("zip", _l("A zip with one PDF per person"))]), default="pdf")


class AssetForm(PageForm):
    slot = HiddenField(validators=[DataRequired()])
    file = FileField(_l("Image"), validators=[FileRequired(_l("Choose an image file."))])


class CorrectionForm(PageForm):
    name = StringField(_l("Name as printed"), validators=[Optional(), Length(max=50)])
    school = StringField(_l("School or unit as printed"), validators=[Optional(), Length(max=120)])
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=20)])
    title = StringField(_l("Project title"), validators=[Optional(), Length(max=200)])
    reason = TextAreaField(_l("Reason for the correction"),
                           validators=[DataRequired(_l("Give the reason for the correction.")), Length(max=500)])


class RevokeForm(PageForm):
    reason = TextAreaField(_l("Reason for revoking"),
                           validators=[DataRequired(_l("Give the reason for revoking the certificate.")),
                                       Length(max=500)])


def _batch_form(contest: Contest) -> BatchForm:
    form = BatchForm()
    form.section_id.choices = choices((s.id, s.name) for s in contest.sections)
    schools = db.session.execute(
        select(School.id, School.name).join(Certificate, Certificate.school_id == School.id)
        .where(Certificate.contest_id == contest.id).group_by(School.id, School.name).order_by(School.name)
    ).all()
    form.school_id.choices = choices(schools)
    return form


@bp.route("/contests/<int:contest_id>/certificates")
def certificates(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    q = (request.args.get("q") or "").strip()
    kind = request.args.get("kind") or ""
    status = request.args.get("status") or ""
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(Certificate).where(Certificate.contest_id == contest.id)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Certificate.recipient_name.like(like), Certificate.number.like(like)))
    if kind in KIND_LABELS:
        query = query.where(Certificate.kind == kind)
    if status == "revoked":
        query = query.where(Certificate.revoked.is_(True))
    elif status == "valid":
        query = query.where(Certificate.revoked.is_(False))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Certificate.number).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    counts = dict(db.session.execute(
        select(Certificate.revoked, func.count()).where(Certificate.contest_id == contest.id)
        .group_by(Certificate.revoked)).all())
    schools = dict(db.session.execute(select(School.id, School.name).where(
        School.id.in_({c.school_id for c in rows if c.school_id}))).all())
    recent_jobs = db.session.scalars(
        select(Job).where(Job.contest_id == contest.id, Job.kind == JOB_KIND)
        .order_by(Job.created_at.desc()).limit(5)).all()
    assets = {a.slot: a for a in db.session.scalars(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest.id))}
    n_results = len(service.awarded_entries(contest))
    return render_template(
        "organizer/certificates.html", contest=contest, rows=rows, total=total, page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), q=q, kind=kind, status=status,
        valid=counts.get(False, 0), revoked=counts.get(True, 0), n_awarded=n_results,
        setting=service.settings_of(contest), page_setup=service.page_setup(service.settings_of(contest)),
        batch_form=_batch_form(contest), asset_form=AssetForm(), slots=service.asset_slots(contest),
        assets=assets, jobs=recent_jobs, schools=schools, KIND_LABELS=KIND_LABELS,
        issue_refusal=write_guard.refusal(contest, "certificate"),
        unreachable_url=service.unreachable_base_url(current_app.config.get("PUBLIC_BASE_URL")),
    )


@bp.route("/contests/<int:contest_id>/certificates/issue", methods=["POST"])
def certificates_issue(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    try:
        summary = service.issue(contest, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".certificates", contest_id=contest.id))
    db.session.commit()
    if not (summary.created or summary.revised or summary.revoked or summary.unchanged):
        flash(_("No entry has an award yet, so there are no certificates to issue."), "warning")
    else:
        flash(_("Certificates updated: %(created)d new, %(revised)d re-issued after a change, "
                "%(revoked)d revoked, %(unchanged)d unchanged.", created=summary.created,
                revised=summary.revised, revoked=summary.revoked, unchanged=summary.unchanged), "success")
    return redirect(url_for(".certificates", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/certificates/batch", methods=["POST"])
def certificates_batch(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    form = _batch_form(contest)
    if not form.validate_on_submit():
        flash(_("Choose what to print and the format."), "danger")
        return redirect(url_for(".certificates", contest_id=contest.id))
    section_id = form.section_id.data if form.scope.data == "section" else None
    school_id = form.school_id.data if form.scope.data == "school" else None
    try:
        job = service.start_batch(contest, current_user, fmt=form.fmt.data, section_id=section_id,
                                  school_id=school_id)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".certificates", contest_id=contest.id))
    db.session.commit()
    jobs.start(job)
    flash(_("The certificates are being rendered. The progress is shown below; the file appears when it is ready."),
          "info")
    return redirect(url_for(".certificates", contest_id=contest.id) + "#batch")


@bp.route("/contests/<int:contest_id>/certificates/preview.pdf")
def certificates_preview(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    return send_download(service.sample_pdf(contest), f"{contest.code}-证书样张.pdf", "application/pdf",
                         as_attachment=False)


@bp.route("/contests/<int:contest_id>/certificates/assets", methods=["POST"])
def certificates_asset_upload(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    form = AssetForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "danger")
        return redirect(url_for(".certificates", contest_id=contest.id) + "#assets")
    upload = form.file.data
    try:
        service.save_asset(contest, form.slot.data, upload.stream, upload.filename, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".certificates", contest_id=contest.id) + "#assets")
    db.session.commit()
    flash(_("The image was saved. Open the preview to see it on a certificate."), "success")
    return redirect(url_for(".certificates", contest_id=contest.id) + "#assets")


@bp.route("/contests/<int:contest_id>/certificates/assets/<slot>/delete", methods=["POST"])
def certificates_asset_delete(contest_id: int, slot: str):
    contest = db.get_or_404(Contest, contest_id)
    if not PageForm().validate_on_submit():
        abort(400)
    try:
        service.remove_asset(contest, slot, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".certificates", contest_id=contest.id) + "#assets")
    db.session.commit()
    flash(_("The image was removed."), "success")
    return redirect(url_for(".certificates", contest_id=contest.id) + "#assets")


@bp.route("/contests/<int:contest_id>/certificates/assets/<slot>.png")
def certificates_asset_image(contest_id: int, slot: str):
    asset = db.session.scalar(select(CertificateAsset).where(
        CertificateAsset.contest_id == contest_id, CertificateAsset.slot == slot))
    if asset is None:
        abort(404)
    data = service.upload_reader(asset.storage_key)
    return send_file(io.BytesIO(data), mimetype="image/png" if data[:4] == b"\x89PNG" else "image/jpeg")


def _correction_form(cert: Certificate) -> CorrectionForm:
    d = cert.data or {}
    form = CorrectionForm(data=None if request.method == "POST" else {
        "name": d.get("name"), "school": d.get("school"), "grade": d.get("grade"), "title": d.get("title")})
    return form


def _detail(cert: Certificate, correction: CorrectionForm | None = None, revoke_form: RevokeForm | None = None,
            status: int = 200):
    contest = db.session.get(Contest, cert.contest_id)
    revisions = db.session.scalars(select(CertificateRevision).where(
        CertificateRevision.certificate_id == cert.id).order_by(CertificateRevision.revision.desc())).all()
    section = db.session.get(Section, cert.section_id) if cert.section_id else None
    return render_template(
        "organizer/certificate_detail.html", cert=cert, contest=contest, revisions=revisions, section=section,
        correction=id_prefix(correction or _correction_form(cert), "correct-"),
        revoke_form=id_prefix(revoke_form or RevokeForm(), "revoke-"),
        fields=service.CORRECTABLE.get(cert.kind, ()), verify_url=service.verify_url(cert.verification_code),
        KIND_LABELS=KIND_LABELS), status


@bp.route("/certificates/<int:cert_id>")
def certificate_detail(cert_id: int):
    return _detail(db.get_or_404(Certificate, cert_id))


@bp.route("/certificates/<int:cert_id>.pdf")
def certificate_pdf(cert_id: int):
    cert = db.get_or_404(Certificate, cert_id)
    name = service.rules.file_name(cert.number, cert.recipient_name, cert.award or "")
    return send_download(service.single_pdf(cert), name, "application/pdf", as_attachment=False)


@bp.route("/certificates/<int:cert_id>/correct", methods=["POST"])
def certificate_correct(cert_id: int):
    cert = db.get_or_404(Certificate, cert_id)
    form = _correction_form(cert)
    if not form.validate_on_submit():
        return _detail(cert, correction=form, status=422)
    values = {f: getattr(form, f).data for f in service.CORRECTABLE.get(cert.kind, ())}
    try:
        summary = service.correct(cert, current_user, reason=form.reason.data, **values)
    except ServiceError as exc:
        db.session.rollback()
        cert = db.get_or_404(Certificate, cert_id)
        if exc.field and hasattr(form, exc.field):
            getattr(form, exc.field).errors = [exc.message]
        else:
            flash(exc.message, "danger")
        return _detail(cert, correction=form, status=422)
    db.session.commit()
    flash(_("Corrected. %(n)d certificate(s) re-issued under the same number with a new revision; print them again.",
            n=summary.revised), "success")
    return redirect(url_for(".certificate_detail", cert_id=cert_id))


@bp.route("/certificates/<int:cert_id>/revoke", methods=["POST"])
def certificate_revoke(cert_id: int):
    cert = db.get_or_404(Certificate, cert_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail(cert, revoke_form=form, status=422)
    try:
        service.revoke(cert, current_user, form.reason.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".certificate_detail", cert_id=cert_id))
    db.session.commit()
    flash(_("The certificate was revoked. Its verification page now says so; its number stays taken."), "warning")
    return redirect(url_for(".certificate_detail", cert_id=cert_id))
