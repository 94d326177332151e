"""Format review (形式审查): the queue, one entry's review page, and the review actions."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...domain.contest_definition import STAGES
from ...domain.states import EntryState
from ...i18n.labels import ACTION_LABELS
from ...i18n.timeutil import utc_to_local
from ...models import utcnow
from ...services import review
from .. import doorway
from ..doorway import AreaBlueprint
from ..forms import id_prefix, local_path, show_service_error
from ..permissions import can_review_entry, entry_or_403, is_organizer, role_required
from .forms import AcceptForm, BulkAcceptForm, RejectForm, ReturnForm, version_of

bp = AreaBlueprint("review", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
@role_required("reviewer", "organizer")
def _reviewers_only():
    return None


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args.get(name) or 0) or None
    except ValueError:
        return None


def _filters() -> review.QueueFilters:
    q = (request.args.get("q") or "").strip()[:100] or None
    # A new search (the search box sends no tab) looks in every tab; the tabs then narrow it.
    state = request.args.get("state", "" if q else EntryState.SUBMITTED)
    return review.QueueFilters(
        contest_id=_int_arg("contest"),
        section_id=_int_arg("section"),
        stage=request.args.get("stage") if request.args.get("stage") in STAGES else None,
        district_id=_int_arg("district"),
        school_id=_int_arg("school"),
        state=state if state in review.QUEUE_STATES else None,
        q=q,
    )


@bp.route("/")
def queue():
    filters = _filters()
    page = max(_int_arg("page") or 1, 1)
    entries, total, counts = review.queue(current_user, filters, page=page, per_page=PER_PAGE)
    return render_template(
        "review/queue.html",
        entries=entries,
        total=total,
        counts=counts,
        filters=filters,
        page=page,
        per_page=PER_PAGE,
        choices=review.filter_choices(current_user, filters),
        stages=STAGES,
        scoped=review.scoped_district(current_user),
        bulk_form=BulkAcceptForm(),
    )


def _back() -> str:
    """The queue page (with its filters) the reviewer came from; only a path of this site."""
    return local_path(request.values.get("back")) or url_for("review.queue")


def _default_resubmit_by():
    """A week from now at 17:00 Beijing time, as the form's suggestion."""
    local = utc_to_local(utcnow() + timedelta(days=7))
    return local.replace(hour=17, minute=0, second=0, microsecond=0, tzinfo=None)


def _render_entry(entry, *, accept_form=None, return_form=None, reject_form=None, status=200):
    version = str(entry.version)
    accept_form = accept_form or AcceptForm(version=version)
    return_form = return_form or ReturnForm(version=version, resubmit_by=_default_resubmit_by())
    reject_form = reject_form or RejectForm(version=version)
    for form, prefix in ((accept_form, "accept-"), (return_form, "return-"), (reject_form, "reject-")):
        id_prefix(form, prefix)
    back = _back()
    # Once this entry is decided, the reviewer goes on with the oldest one still waiting.
    next_entry = review.next_to_review(current_user, after=entry) if entry.state != EntryState.SUBMITTED else None
    return render_template(
        "review/entry.html",
        entry=entry,
        history=review.history(entry),
        action_labels=ACTION_LABELS,
        next_entry=next_entry,
        accept_form=accept_form,
        return_form=return_form,
        reject_form=reject_form,
        can_act=entry.contest.state in review.REVIEW_CONTEST_STATES,
        can_take_back=entry.state == EntryState.ACCEPTED and is_organizer(current_user),
        back=back,
    ), status


@bp.route("/entries/<int:entry_id>")
def entry(entry_id: int):
    entry = entry_or_403(entry_id, can_review_entry)
    return _render_entry(entry)


def _done(entry, message: str):
    flash(message, "success")
    return redirect(url_for("review.entry", entry_id=entry.id, back=_back()))


def _refuse_to_entry_page(entry_id: int) -> None:
    """A refused action comes back to the entry's page with the reason in a flash."""
    doorway.on_refusal(redirect_to=url_for("review.entry", entry_id=entry_id, back=_back()))


def _refuse_on_form(entry_id: int, form, form_name: str, fields: tuple[str, ...]) -> None:
    """An error about one of the form's own fields shows the page again with it on the field;
    any other refusal (the entry changed meanwhile, the contest closed) goes back to the page."""
    page = url_for("review.entry", entry_id=entry_id, back=_back())

    def respond(exc):
        if exc.field not in fields:
            flash(exc.message, "danger")
            return redirect(page)
        show_service_error(form, exc)
        entry = entry_or_403(entry_id, can_review_entry)
        return _render_entry(entry, **{form_name: form}, status=400)

    doorway.on_refusal(respond=respond)


@bp.route("/entries/<int:entry_id>/accept", methods=["POST"])
def accept(entry_id: int):
    entry_or_403(entry_id, can_review_entry)
    form = AcceptForm()
    if not form.validate_on_submit():
        return redirect(url_for("review.entry", entry_id=entry_id))
    _refuse_to_entry_page(entry_id)
    entry = review.accept(entry_id, actor=current_user, expected_version=version_of(form))
    return _done(entry, _("Accepted. The entry's number is %(number)s.", number=entry.number))


@bp.route("/entries/<int:entry_id>/return", methods=["POST"])
def return_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_review_entry)
    form = ReturnForm()
    if form.validate_on_submit():
        _refuse_on_form(entry_id, form, "return_form", ("reason", "resubmit_by"))
        entry = review.return_entry(
            entry_id,
            actor=current_user,
            reason=form.reason.data,
            resubmit_by_local=form.resubmit_by.data,
            expected_version=version_of(form),
            allow_team_change=bool(form.allow_team_change.data),
        )
        return _done(entry, _("Returned to the school for correction."))
    raw = (form.resubmit_by.raw_data or [""])[0].strip()
    if raw and form.resubmit_by.data is None:
        form.resubmit_by.errors = [_("Enter a date and time like 2026-04-20 17:00.")]
    entry = entry_or_403(entry_id, can_review_entry)
    return _render_entry(entry, return_form=form, status=400)


@bp.route("/entries/<int:entry_id>/reject", methods=["POST"])
def reject(entry_id: int):
    entry_or_403(entry_id, can_review_entry)
    form = RejectForm()
    if form.validate_on_submit():
        _refuse_on_form(entry_id, form, "reject_form", ("reason",))
        entry = review.reject(entry_id, actor=current_user, reason=form.reason.data, expected_version=version_of(form))
        return _done(entry, _("The entry was rejected; the school sees the reason."))
    entry = entry_or_403(entry_id, can_review_entry)
    return _render_entry(entry, reject_form=form, status=400)


@bp.route("/bulk-accept", methods=["POST"])
def bulk_accept():
    form = BulkAcceptForm()
    back = _back()
    ids = [i for i in request.form.getlist("entry_ids") if i.isdecimal() and len(i) < 19]
    if not form.validate_on_submit() or not ids:
        flash(_("Select the entries to accept first."), "warning")
        return redirect(back)
    accepted, problems = review.bulk_accept(ids, actor=current_user)
    if accepted:
        flash(_("%(n)d entries accepted and numbered.", n=len(accepted)), "success")
    for problem in problems:
        flash(problem, "warning")
    return redirect(back)
