"""Certificate verification (证书验证): the page a certificate's QR code opens.

Anyone may open it, so it shows only what the certificate itself prints (contest, name,
school, award) and whether it is valid. Codes are 128-bit random; an unknown code answers 404
with a page saying the certificate could not be verified, and the route is rate limited per
address so codes cannot be enumerated.
"""
from __future__ import annotations

from flask import render_template

from ...extensions import db, limiter
from ...models import Contest
from ...services import certificates as service
from .views import bp

VERIFY_LIMIT = "30 per minute"


@bp.route("/verify/<code>")
@limiter.limit(VERIFY_LIMIT)
def verify(code: str):
    cert, old_revision = service.find_by_code(code)
    if cert is None:
        # Still a 404, but one that tells the person holding the paper what it means.
        return render_template("public/verify_unknown.html"), 404
    contest = db.session.get(Contest, cert.contest_id)
    shown = old_revision.data if old_revision is not None else cert.data
    return render_template(
        "public/verify.html", cert=cert, contest=contest, data=shown or {}, old_revision=old_revision,
        heading=service.rules.contest_heading(contest.full_name, contest.edition),
        issuers=service.settings_of(contest).get("issuers") or [],
    )
