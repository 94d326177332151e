"""Objections to the public notice, filed online by anyone (公示期异议), and their status.

* `/notice/<code>/objection`: the form, while the notice runs: as a person or as a unit, the
  entry's number, the facts and the files the rules require (domain/objections.py). A refused
  form comes back with every problem beside its field and what was typed.
* `/objections/<receipt>`: the status behind a receipt (no name, no phone, no facts); the
  receipt is the only key, 40 bits of randomness after the contest code.
* `/objections`: a box to type a receipt into.

Filing is limited per address, so the form cannot be used to flood the organizer's desk.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length

from ...adapters.storage import get_storage
from ...domain.objections import LIMITS, MIN_FACTS, ObjectionFiling
from ...extensions import limiter
from ...services import objections as service
from ...services.contests import get_by_code
from .. import doorway
from ..forms import PageForm, choices
from .blueprint import bp

FILE_LIMIT = "5 per hour;20 per day"


class ObjectionForm(PageForm):
    kind = RadioField(
        _l("I object"),
        choices=choices([("person", _l("as a person")), ("unit", _l("on behalf of a unit"))]),
        default="person",
    )
    name = StringField(
        _l("Name (for a unit: its contact person)"),
        validators=[Length(max=LIMITS["name"])],
        render_kw={"autocomplete": "name", "maxlength": LIMITS["name"]},
    )
    unit = StringField(
        _l("Where you work or study (for a unit: its full name)"),
        validators=[Length(max=LIMITS["unit"])],
        render_kw={"autocomplete": "organization", "maxlength": LIMITS["unit"]},
    )
    phone = StringField(
        _l("Phone"),
        validators=[Length(max=LIMITS["phone"])],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": LIMITS["phone"]},
    )
    entry_number = StringField(
        _l("Number of the entry on the notice"),
        validators=[Length(max=LIMITS["entry_number"])],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": LIMITS["entry_number"]},
    )
    facts = TextAreaField(
        _l("Facts"),
        validators=[Length(max=LIMITS["facts"])],
        render_kw={"rows": 8, "maxlength": LIMITS["facts"], "minlength": MIN_FACTS},
    )
    identity_document = FileField(_l("Identity document (scan or photo; for a person)"))
    sealed_letter = FileField(_l("Letter of objection bearing the unit's seal (scan; for a unit)"))
    evidence = MultipleFileField(_l("Evidence (optional)"))


def _uploads(form: ObjectionForm) -> list[service.Upload]:
    chosen = [("identity_document", form.identity_document.data), ("sealed_letter", form.sealed_letter.data)]
    chosen += [("evidence", f) for f in form.evidence.data or []]
    # A person's form may carry a seal letter chosen before switching kinds: only what the kind needs is kept.
    unwanted = "sealed_letter" if form.kind.data == "person" else "identity_document"
    return [
        service.Upload(role, f.filename or "", f.stream)
        for role, f in chosen
        if isinstance(f, FileStorage) and f.filename and role != unwanted
    ]


def _contest_or_404(code: str):
    contest = get_by_code(code)
    if contest is None:
        abort(404)
    return contest


@bp.route("/notice/<code>/objection", methods=["GET", "POST"])
@limiter.limit(FILE_LIMIT, methods=["POST"])
def objection_new(code: str):
    contest = _contest_or_404(code)
    form = ObjectionForm()

    def page():
        return render_template(
            "public/objection_form.html",
            contest=contest,
            form=form,
            closed=service.filing_closed(contest),
            end=service.filing_window(contest)[1],
            min_facts=MIN_FACTS,
            max_file_mb=service.MAX_FILE_MB,
            max_evidence=service.MAX_EVIDENCE_FILES,
        )

    if form.validate_on_submit():
        doorway.on_refusal(form=form, render=page)
        filing = ObjectionFiling(
            kind=form.kind.data or "",
            name=" ".join((form.name.data or "").split()),
            unit=" ".join((form.unit.data or "").split()),
            phone=(form.phone.data or "").strip(),
            entry_number=form.entry_number.data or "",
            facts=(form.facts.data or "").strip(),
        )
        objection = service.file_online(contest, filing, _uploads(form), storage=get_storage())
        return redirect(url_for("public.objection_status", receipt=objection.receipt, filed=1))
    return page()


@bp.route("/objections/<receipt>")
@limiter.limit("30 per minute")
def objection_status(receipt: str):
    status = service.status_of(receipt)
    if status is None:
        return render_template("public/objection_status.html", status=None, receipt=receipt[:60]), 404
    return render_template("public/objection_status.html", status=status, filed=bool(request.args.get("filed")))


@bp.route("/objections")
def objection_lookup():
    receipt = "".join((request.args.get("receipt") or "").split())[:60]
    if receipt:
        return redirect(url_for("public.objection_status", receipt=receipt))
    return render_template("public/objection_lookup.html")
