"""The organizer's judging pages for a contest and its rounds: the overview, the combination of
the rounds' scores, the assignment plan, running and publishing it, and the round's state.

Organizers only (checked by the organizer blueprint before any view runs). Each POST calls one service and
redirects back with a message; the doorway commits it, or rolls back and flashes a refusal.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ....domain import scoring
from ....domain.states import RoundState, SheetState
from ....services import judging as service
from ....services.judging import pages as judging_pages
from ....services.judging import rounds as rounds_service
from ... import doorway
from ...loaders import contest_or_404
from .blueprint import bp
from .common import ActionForm, _back, _checked_form, _done, _int, _refuse_back, _round, round_state_label

PLAN_PER_PAGE = 100


# --------------------------------------------------------------------------- overview


@bp.route("/contests/<int:contest_id>/judging")
def judging_contest(contest_id: int):
    contest = contest_or_404(contest_id)
    summary = []
    for rnd in contest.rounds:
        n_entries = len(service.round_entries(rnd))
        assignments = service.round_assignments(rnd)
        final = sum(1 for a in assignments if a.sheet is not None and a.sheet.state == SheetState.FINAL)
        summary.append(
            {
                "round": rnd,
                "entries": n_entries,
                "judges": len(service.round_judges(rnd)),
                "assignments": len(assignments),
                "final": final,
                "unpublished": sum(1 for a in assignments if not a.published),
                "k": service.round_k(rnd),
            }
        )
    mode = scoring.combination_mode(contest.settings_view.round_combination)
    return render_template(
        "organizer/judging/contest.html",
        contest=contest,
        summary=summary,
        mode=mode,
        form=ActionForm(),
        state_label=round_state_label,
    )


@bp.route("/contests/<int:contest_id>/judging/combination", methods=["POST"])
def judging_combination(contest_id: int):
    contest = contest_or_404(contest_id)
    _checked_form()
    weights = {}
    for rnd in contest.rounds:
        raw = (request.form.get(f"weight_{rnd.number}") or "").strip()
        if raw:
            try:
                weights[rnd.number] = float(raw)
            except ValueError:
                weights[rnd.number] = None
    doorway.on_refusal(redirect_to=url_for("organizer.judging.judging_contest", contest_id=contest.id))
    rounds_service.set_combination(contest, request.form.get("mode", ""), weights=weights, actor=current_user)
    flash(_("How rounds combine has been saved."), "success")
    return redirect(url_for("organizer.judging.judging_contest", contest_id=contest.id))


# --------------------------------------------------------------------------- the plan


@bp.route("/contests/<int:contest_id>/judging/<int:number>")
def judging(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    page = judging_pages.plan_page(
        rnd,
        group_filter=request.args.get("group") or "",
        query=request.args.get("q") or "",
        page=request.args.get("page", 1, type=int) or 1,
        per_page=PLAN_PER_PAGE,
    )
    return render_template(
        "organizer/judging/plan.html",
        contest=contest,
        rnd=rnd,
        **vars(page),
        query=request.args.get("q") or "",
        form=ActionForm(),
        state_label=round_state_label,
        tr=service.tr,
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/plan", methods=["POST"])
def judging_run(contest_id: int, number: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    seed = _int("seed", 1)
    if seed is None or seed < 0:
        flash(_("The seed must be a whole number of 0 or more."), "danger")
        return _back(rnd)
    _refuse_back(rnd)
    plan = service.run_plan(rnd, seed=seed, actor=current_user)
    if plan.infeasible:
        flash(
            _(
                "Plan made, but %(n)s entries could not get enough judges; see the shortfalls below.",
                n=len(plan.infeasible),
            ),
            "warning",
        )
        return _back(rnd)
    return _done(
        rnd, _("Plan made: %(n)s assignments. Check it, then publish it to the judges.", n=len(plan.assignments))
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/publish", methods=["POST"])
def judging_publish(contest_id: int, number: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    _refuse_back(rnd)
    n = service.publish(rnd, actor=current_user)
    return _done(rnd, _("%(n)s assignments published; the judges see them now.", n=n))


@bp.route("/contests/<int:contest_id>/judging/<int:number>/state", methods=["POST"])
def judging_round_state(contest_id: int, number: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    target = request.form.get("state")
    if target not in (RoundState.PUBLISHED, RoundState.CLOSED):
        abort(400)
    service.set_round_state(rnd, target, actor=current_user)
    return _done(
        rnd,
        _("Judging in this round is closed.")
        if target == RoundState.CLOSED
        else _("Judging in this round is open again."),
    )
