"""The organizer's objections desk (公示期异议), on the results child blueprint: every objection,
online or recorded from paper, with who filed it, the entry, its files (downloaded through
files.objection_file) and its state, filtered by state; recording a paper objection; settling
one (founded or not, with the reasoning; a founded one may withdraw the award and nomination in
the same step); and correcting a settled finding with its reason. Organizers only (views.py)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, RadioField, TextAreaField

from ...domain.objections import MAX_CORRECTION_REASON, MAX_REASONING, Finding
from ...domain.states import results_public
from ...models import Contest, Objection
from ...services import ServiceError
from ...services import objections as service
from ...services import results as results_service
from .. import doorway
from ..forms import PageForm, choices, id_prefix
from ..loaders import contest_or_404, part_of_or_404
from .results import bp


class SettleForm(PageForm):
    finding = RadioField(
        _l("Finding"),
        choices=choices([("upheld", _l("Founded")), ("dismissed", _l("Not founded"))]),
        validate_choice=False,  # the service names a missing choice beside the field
    )
    reasoning = TextAreaField(
        _l("Reasoning (what was checked and what it showed)"), render_kw={"rows": 3, "maxlength": MAX_REASONING}
    )
    withdraw = BooleanField(_l("Withdraw this entry’s award and its nomination"))


class CorrectForm(SettleForm):
    reinstate = BooleanField(_l("Give back the award and nomination this objection withdrew"))
    reason = TextAreaField(
        _l("Why the finding is corrected"), render_kw={"rows": 2, "maxlength": MAX_CORRECTION_REASON}
    )


def _finding(form: SettleForm) -> Finding:
    reinstate = bool(form.reinstate.data) if isinstance(form, CorrectForm) else False
    return Finding(form.finding.data or "", (form.reasoning.data or "").strip(), bool(form.withdraw.data), reinstate)


def _desk_url(contest: Contest, objection_id: int | None = None, state: str | None = None) -> str:
    url = url_for("organizer.results.results_objections", contest_id=contest.id, state=state)
    return url + (f"#objection-{objection_id}" if objection_id else "")


@bp.route("/contests/<int:contest_id>/objections", methods=["GET", "POST"])
def results_objections(contest_id: int):
    contest = contest_or_404(contest_id)
    error = None
    if request.method == "POST":  # an objection received on paper
        form = request.form
        try:
            received = date.fromisoformat(form.get("received_on", ""))
        except ValueError:
            error = ServiceError(_("Enter the date the objection was received."), "received_on")
        entry_id = form.get("entry_id") or None
        if error is None and entry_id is not None and not (entry_id.isdecimal() and len(entry_id) < 19):
            error = ServiceError(_("That entry is not in this contest."), "entry_id")
        if error is None:
            doorway.on_refusal(respond=lambda exc: _page(contest, record_error=exc))
            results_service.record_objection(
                contest,
                actor=current_user,
                entry_id=int(entry_id) if entry_id else None,
                submitter_name=form.get("submitter_name", ""),
                submitter_contact=form.get("submitter_contact", ""),
                content=form.get("content", ""),
                evidence=form.get("evidence"),
                received_on=received,
            )
            flash(_("The objection is recorded."), "success")
            return redirect(_desk_url(contest))
        return _page(contest, record_error=error)
    return _page(contest, state=request.args.get("state"))


def _page(
    contest: Contest,
    *,
    state: str | None = None,
    record_error: ServiceError | None = None,
    failed: tuple[int, SettleForm] | None = None,
):
    """The desk; ``failed``: the objection whose settle or correct form came back refused, with
    that form as sent (every other form starts empty)."""
    desk = service.desk(contest, state)
    forms: dict[int, SettleForm] = {}
    for o in desk.objections:
        kind = CorrectForm if o.outcome else SettleForm
        if failed is not None and failed[0] == o.id and type(failed[1]) is kind:
            forms[o.id] = failed[1]
            continue
        data = {"finding": o.outcome, "reasoning": o.resolution} if o.outcome else None
        forms[o.id] = id_prefix(kind(formdata=None, data=data), f"c{o.id}-" if o.outcome else f"o{o.id}-")
        if failed is not None and failed[0] == o.id:  # settled meanwhile: its errors on the form it has now
            for name in ("finding", "reasoning", "withdraw", "reinstate"):
                if name in failed[1] and name in forms[o.id]:
                    forms[o.id][name].errors = list(failed[1][name].errors)
            failed = (o.id, forms[o.id])
    rows = results_service.results_of(contest) if results_public(contest.state) else []
    return render_template(
        "organizer/results/objections.html",
        contest=contest,
        run=results_service.get_run(contest),
        desk=desk,
        forms=forms,
        failed=failed[1] if failed else None,
        error=record_error,
        form=request.form if record_error else {},
        entries=sorted((r.entry for r in rows), key=lambda e: e.number or e.title),
        today=results_service.local_today().isoformat(),
    ), (400 if record_error or failed else 200)


def _objection(contest: Contest, objection_id: int) -> Objection:
    return part_of_or_404(Objection, objection_id, contest_id=contest.id)


@bp.route("/contests/<int:contest_id>/objections/<int:objection_id>/settle", methods=["POST"])
def results_objection_settle(contest_id: int, objection_id: int):
    contest = contest_or_404(contest_id)
    objection = _objection(contest, objection_id)
    form = id_prefix(SettleForm(), f"o{objection.id}-")
    if not form.validate_on_submit():
        return _page(contest, failed=(objection.id, form))
    doorway.on_refusal(form=form, render=lambda: _page(contest, failed=(objection.id, form)))
    finding = _finding(form)
    service.settle(objection, finding, actor=current_user)
    flash(
        _("The objection is settled and the entry’s award and nomination are withdrawn.")
        if finding.withdraw
        else _("The objection is settled."),
        "success",
    )
    return redirect(_desk_url(contest, objection.id))


@bp.route("/contests/<int:contest_id>/objections/<int:objection_id>/correct", methods=["POST"])
def results_objection_correct(contest_id: int, objection_id: int):
    contest = contest_or_404(contest_id)
    objection = _objection(contest, objection_id)
    form = id_prefix(CorrectForm(), f"c{objection.id}-")
    if not form.validate_on_submit():
        return _page(contest, failed=(objection.id, form))
    doorway.on_refusal(form=form, render=lambda: _page(contest, failed=(objection.id, form)))
    finding = _finding(form)
    service.correct(objection, finding, actor=current_user, reason=form.reason.data or "")
    flash(
        _("The finding is corrected and the entry’s award and nomination are given back; both are recorded.")
        if finding.reinstate
        else _("The finding is corrected; the correction and its reason are recorded."),
        "success",
    )
    return redirect(_desk_url(contest, objection.id))
