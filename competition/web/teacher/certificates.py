"""The teacher's certificates: their school's certificates, downloadable once results are final."""

from __future__ import annotations

import io

from flask import abort, current_app, render_template
from flask_login import current_user

from ...domain.states import is_final
from ...models import Certificate, Contest
from ...services import certificates as service
from ...services import lookup
from ..downloads import send_download
from ..loaders import contest_or_404, row_or_404
from ..permissions import can_download_certificate
from .blueprint import bp


def _school_id() -> int:
    if current_user.school_id is None:
        abort(403)
    return current_user.school_id


@bp.route("/certificates")
def certificates():
    return render_template("teacher/certificates.html", groups=service.school_certificates(_school_id()))


@bp.route("/certificates/contest/<int:contest_id>.pdf")
def certificates_school_pdf(contest_id: int):
    school_id = _school_id()
    contest = contest_or_404(contest_id)
    if not is_final(contest.state):
        abort(403)
    ids = service.select_ids(contest.id, school_id=school_id)
    if not ids:
        abort(404)
    out = io.BytesIO()
    service.write_pdf(contest, ids, out, base_url=current_app.config["PUBLIC_BASE_URL"])
    out.seek(0)
    name = service.download_name(contest, "pdf", school_id=school_id)
    return send_download(out, name, "application/pdf")


@bp.route("/certificates/<int:cert_id>.pdf")
def certificate_pdf(cert_id: int):
    cert = row_or_404(Certificate, cert_id)
    contest = lookup.get(Contest, cert.contest_id)
    if not can_download_certificate(current_user, cert, contest):
        abort(403)
    name = service.rules.file_name(cert.number, cert.recipient_name, cert.award or "")
    return send_download(
        service.single_pdf(cert, base_url=current_app.config["PUBLIC_BASE_URL"]), name, "application/pdf"
    )
