"""Certificate verification (证书验证 and 查验证书).

* `/verify/<code>`: the page a certificate's QR code opens. Codes are 128-bit random; an unknown
  code answers 404 with a page saying the certificate could not be verified.
* `/verify`: for a paper or scanned certificate checked without its QR code (a school, an
  admissions office, the provincial round): the certificate number and the recipient's name as
  printed. A wrong number and a wrong name get the same answer, so the form never tells that a
  number exists under another name; the answer is the page of the POST itself (the name never
  goes into a URL), nothing is audited or logged.

Anyone may open both, so they show only what the certificate itself prints (contest, name,
school, project, award, date) and whether it is valid. Both are rate limited per address (the
lookup more strictly) so codes and numbers cannot be enumerated, and both share one ceiling
over all addresses (VERIFY_GLOBAL_PER_MINUTE).
"""

from __future__ import annotations

from functools import wraps

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ...extensions import global_limit, limiter
from ...services import certificates as service
from ..forms import PageForm
from .blueprint import bp

VERIFY_LIMIT = "30 per minute"
# A school or an admissions office checks a handful of papers at a time; guessing numbers and
# names needs thousands of tries. A form sent with a field left empty looks nothing up and is
# not counted.
LOOKUP_LIMIT = "10 per minute;100 per hour"


class LookupForm(PageForm):
    number = StringField(
        _l("Certificate number"),
        validators=[DataRequired(_l("Enter the certificate number printed on the certificate.")), Length(max=80)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 80},
    )
    name = StringField(
        _l("Name of the recipient"),
        validators=[DataRequired(_l("Enter the name printed on the certificate.")), Length(max=100)],
        render_kw={"autocomplete": "off", "maxlength": 100},
    )


@bp.route("/verify/<code>")
@limiter.limit(VERIFY_LIMIT)
@global_limit("VERIFY_GLOBAL_PER_MINUTE", "verify-global")
def verify(code: str):
    cert, old_revision = service.find_by_code(code)
    if cert is None:
        # Still a 404, but one that tells the person holding the paper what it means.
        return render_template("public/verify_unknown.html"), 404
    return render_template(
        "public/verify.html", v=service.public_view(cert, old_revision, service.replacement_of(cert))
    )


def _both_fields_empty_or_missing() -> bool:
    return not ((request.form.get("number") or "").strip() and (request.form.get("name") or "").strip())


def _limited_answers_on_the_form(view):
    """Over the limit, the form again with what was typed and why it was refused (a 429), not the
    bare error page."""

    @wraps(view)
    def inner(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except RateLimitExceeded:
            return render_template("public/verify_lookup.html", form=LookupForm(), found=None, limited=True), 429

    return inner


@bp.route("/verify", methods=["GET", "POST"])
@_limited_answers_on_the_form
@limiter.limit(LOOKUP_LIMIT, methods=["POST"], exempt_when=_both_fields_empty_or_missing)
@global_limit("VERIFY_GLOBAL_PER_MINUTE", "verify-global", methods=["POST"])
def verify_lookup():
    form = LookupForm()
    found = None
    if form.validate_on_submit():
        found = [
            service.public_view(f.cert, f.old_revision, f.replaced_by)
            for f in service.lookup(form.number.data, form.name.data)
        ]
    return render_template("public/verify_lookup.html", form=form, found=found)
