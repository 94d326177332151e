"""The teacher's certificates: their school's certificates, downloadable once results are final."""
from __future__ import annotations

import io

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from ...domain.states import is_final
from ...extensions import db
from ...models import Certificate, Contest
from ..permissions import can_download_certificate
from ...services import certificates as service
from ..downloads import send_download
from .blueprint import bp


def _school_id() -> int:
    if current_user.school_id is None:
        abort(403)
    return current_user.school_id


def entry_certificates(entry) -> list[Certificate]:
    """The valid certificates of one of the school's entries (its students', its advisers'), in
    number order: what the entry's page offers once the results are final."""
    return db.session.scalars(
        select(Certificate).where(Certificate.entry_id == entry.id, Certificate.school_id == entry.school_id,
                                  Certificate.revoked.is_(False))
        .order_by(Certificate.number)).all()


@bp.route("/certificates")
def certificates():
    school_id = _school_id()
    rows = db.session.scalars(
        select(Certificate).where(Certificate.school_id == school_id, Certificate.revoked.is_(False))
        .order_by(Certificate.contest_id.desc(), Certificate.number)).all()
    contest_ids = sorted({c.contest_id for c in rows}, reverse=True)
    contests = {c.id: c for c in db.session.scalars(select(Contest).where(Contest.id.in_(contest_ids)))}
    groups = [(contests[cid], [c for c in rows if c.contest_id == cid]) for cid in contest_ids]
    return render_template("teacher/certificates.html", groups=groups)


@bp.route("/certificates/contest/<int:contest_id>.pdf")
def certificates_school_pdf(contest_id: int):
    school_id = _school_id()
    contest = db.get_or_404(Contest, contest_id)
    if not is_final(contest.state):
        abort(403)
    ids = service.select_ids(contest.id, school_id=school_id)
    if not ids:
        abort(404)
    out = io.BytesIO()
    service.write_pdf(contest, ids, out)
    out.seek(0)
    name = service.download_name(contest, "pdf", school_id=school_id)
    return send_download(out, name, "application/pdf")


@bp.route("/certificates/<int:cert_id>.pdf")
def certificate_pdf(cert_id: int):
    cert = db.get_or_404(Certificate, cert_id)
    contest = db.session.get(Contest, cert.contest_id)
    if not can_download_certificate(current_user, cert, contest):
        abort(403)
    name = service.rules.file_name(cert.number, cert.recipient_name, cert.award or "")
    return send_download(service.single_pdf(cert), name, "application/pdf")
