"""The organizer's judging pages: rounds, the assignment plan (judges, conflicts, manual edits,
publishing), progress and score distributions, promotion, re-judging, reopening sheets.

Organizers only (checked by the blueprint before any view runs). Each POST calls one service and
redirects back with a message; the doorway commits it, or rolls back and flashes a refusal.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain import scoring
from ...domain.states import RoundState, SheetState
from ...models import Assignment, Conflict, Entry, RoundJudge, ScoreSheet, User, utcnow
from ...services import judging as service
from ...services import lookup
from ...services.judging import pages as judging_pages
from ...services.judging import rounds as rounds_service
from ...services.judging import sheets, stats
from .. import doorway
from ..forms import PageForm
from ..loaders import contest_or_404, part_of_or_404, row_or_404
from .blueprint import bp


class ActionForm(PageForm):
    """CSRF only: the fields of these small forms are read and checked by the services."""


PLAN_PER_PAGE = 100


def _round(contest_id: int, number: int):
    contest = contest_or_404(contest_id)
    rnd = service.get_round(contest, number)
    if rnd is None:
        abort(404)
    return contest, rnd


def _checked_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _back(rnd, endpoint: str = "organizer.judging", **kw):
    return redirect(url_for(endpoint, contest_id=rnd.contest_id, number=rnd.number, **kw))


def _done(rnd, message: str, endpoint: str = "organizer.judging", **kw):
    flash(message, "success")
    return _back(rnd, endpoint, **kw)


def _refuse_back(rnd, endpoint: str = "organizer.judging", **kw) -> None:
    """A refused action comes back to the round's page it was sent from, the reason in a flash."""
    doorway.on_refusal(redirect_to=url_for(endpoint, contest_id=rnd.contest_id, number=rnd.number, **kw))


def _plan_place() -> dict:
    """Where the organizer was on the plan (filter, search, page), from a row's form."""
    return {
        "group": request.form.get("group") or None,
        "q": request.form.get("q") or None,
        "page": _int("page") or None,
    }


def _int(name: str, default: int | None = None) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return None


def round_state_label(state: str) -> str:
    labels = {"planning": _("Planning"), "published": _("Published to judges"), "closed": _("Closed")}
    return labels.get(state, state)


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
        "organizer/judging_contest.html",
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
    doorway.on_refusal(redirect_to=url_for("organizer.judging_contest", contest_id=contest.id))
    rounds_service.set_combination(contest, request.form.get("mode", ""), weights=weights, actor=current_user)
    flash(_("How rounds combine has been saved."), "success")
    return redirect(url_for("organizer.judging_contest", contest_id=contest.id))


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
        "organizer/judging_plan.html",
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


@bp.route("/contests/<int:contest_id>/judging/<int:number>/judges", methods=["POST"])
def judging_add_judges(contest_id: int, number: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    ids = [int(v) for v in request.form.getlist("judge_ids") if v.isdecimal() and len(v) < 19]
    if not ids:
        flash(_("Choose at least one judge."), "danger")
        return _back(rnd)
    capacity = _int("capacity")
    if capacity is None and (request.form.get("capacity") or "").strip():
        flash(_("The workload limit must be a whole number."), "danger")
        return _back(rnd)
    _refuse_back(rnd)
    n = service.add_round_judges(rnd, ids, pool=request.form.get("pool"), capacity=capacity, actor=current_user)
    return _done(rnd, _("%(n)s judges added to the round.", n=n))


@bp.route("/contests/<int:contest_id>/judging/<int:number>/judges/<int:rj_id>/remove", methods=["POST"])
def judging_remove_judge(contest_id: int, number: int, rj_id: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    rj = part_of_or_404(RoundJudge, rj_id, round_id=rnd.id)
    _refuse_back(rnd)
    if request.form.get("release") == "1":  # a judge who has scored: give back what is not submitted
        name = rj.judge.name
        n = service.release_round_judge(
            rj, actor=current_user, reason=(request.form.get("reason") or "").strip()[:500] or None
        )
        flash(
            _(
                "%(n)s entries released from %(name)s. Plan again to give them other judges, then publish.",
                n=n,
                name=name,
            ),
            "warning",
        )
        return _back(rnd)
    service.remove_round_judge(rj, actor=current_user)
    return _done(rnd, _("The judge has left this round."))


@bp.route("/contests/<int:contest_id>/judging/<int:number>/assignments", methods=["POST"])
def judging_add_assignment(contest_id: int, number: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    judge = lookup.get(User, _int("judge_id") or 0)
    entry = lookup.get(Entry, _int("entry_id") or 0)
    back = _plan_place()
    if judge is None or entry is None or entry.contest_id != rnd.contest_id:
        flash(_("Choose a judge for the entry."), "danger")
        return _back(rnd, **back)
    _refuse_back(rnd, **back)
    service.add_assignment(rnd, judge, entry, actor=current_user)
    return _done(rnd, _("%(name)s added to %(entry)s.", name=judge.name, entry=entry.number or entry.title), **back)


@bp.route("/contests/<int:contest_id>/judging/<int:number>/assignments/<int:aid>/remove", methods=["POST"])
def judging_remove_assignment(contest_id: int, number: int, aid: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    a = part_of_or_404(Assignment, aid, round_id=rnd.id)
    back = _plan_place()
    name = a.judge.name
    _refuse_back(rnd, **back)
    service.remove_assignment(a, actor=current_user, reason=(request.form.get("reason") or "").strip() or None)
    return _done(rnd, _("%(name)s removed from the entry.", name=name), **back)


# --------------------------------------------------------------------------- conflicts


@bp.route("/contests/<int:contest_id>/judging/<int:number>/conflicts", methods=["GET", "POST"])
def judging_conflicts(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    if request.method == "POST":
        _checked_form()
        judge = lookup.get(User, _int("judge_id") or 0)
        entry = lookup.get(Entry, _int("entry_id") or 0)
        if judge is None or entry is None or entry.contest_id != contest.id:
            flash(_("Choose a judge and an entry."), "danger")
            return _back(rnd, "organizer.judging_conflicts")
        _refuse_back(rnd, "organizer.judging_conflicts")
        service.add_conflict(
            judge,
            entry,
            kind=request.form.get("kind") or "other",
            reason=request.form.get("reason"),
            source="organizer",
            actor=current_user,
        )
        return _done(rnd, _("Conflict recorded; the judge is kept off the entry."), "organizer.judging_conflicts")
    service.sync_conflicts(rnd)  # the GET records conflicts found since; the doorway commits them
    page = judging_pages.conflicts_page(rnd)
    return render_template(
        "organizer/judging_conflicts.html",
        contest=contest,
        rnd=rnd,
        rows=page.rows,
        users=page.users,
        entries=page.entries,
        panel=page.panel,
        form=ActionForm(),
        kind_label=service.conflict_kind_label,
        kinds=service.CONFLICT_KINDS,
        state_label=round_state_label,
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/conflicts/<int:conflict_id>/remove", methods=["POST"])
def judging_remove_conflict(contest_id: int, number: int, conflict_id: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    row = row_or_404(Conflict, conflict_id)
    _refuse_back(rnd, "organizer.judging_conflicts")
    service.remove_conflict(row, actor=current_user)
    return _done(rnd, _("Conflict removed."), "organizer.judging_conflicts")


# --------------------------------------------------------------------------- progress


@bp.route("/contests/<int:contest_id>/judging/<int:number>/progress")
def judging_progress(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    prog = stats.progress(rnd, utcnow())
    return render_template(
        "organizer/judging_progress.html",
        contest=contest,
        rnd=rnd,
        prog=prog,
        rows=stats.distributions(rnd),
        state_label=round_state_label,
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/progress.json")
def judging_progress_data(contest_id: int, number: int):
    _contest_, rnd = _round(contest_id, number)
    return jsonify(judges=stats.distributions(rnd))


@bp.route("/contests/<int:contest_id>/judging/<int:number>/entries/<int:entry_id>")
def judging_entry(contest_id: int, number: int, entry_id: int):
    contest, rnd = _round(contest_id, number)
    entry = part_of_or_404(Entry, entry_id, contest_id=contest.id)
    assignments = judging_pages.entry_assignments(rnd, entry)
    criteria = rnd.rubric_for(entry.section_id).criteria if rnd.rubric_for(entry.section_id) else []
    return render_template(
        "organizer/judging_entry.html",
        contest=contest,
        rnd=rnd,
        entry=entry,
        assignments=assignments,
        criteria=criteria,
        form=ActionForm(),
        fmt=scoring.format_score,
        state_of=sheets.sheet_state,
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/sheets/<int:sheet_id>/reopen", methods=["POST"])
def judging_reopen(contest_id: int, number: int, sheet_id: int):
    _contest_, rnd = _round(contest_id, number)
    _checked_form()
    sheet = row_or_404(ScoreSheet, sheet_id)
    if sheet.assignment.round_id != rnd.id:
        abort(404)
    entry_id = sheet.assignment.entry_id
    _refuse_back(rnd, "organizer.judging_entry", entry_id=entry_id)
    sheets.reopen(sheet, reason=request.form.get("reason") or "", actor=current_user)
    return _done(
        rnd,
        _("The score sheet is reopened; the judge can change and submit it again."),
        "organizer.judging_entry",
        entry_id=entry_id,
    )


# --------------------------------------------------------------------------- promotion, re-judging


@bp.route("/contests/<int:contest_id>/judging/<int:number>/promote", methods=["GET", "POST"])
def judging_promote(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    nxt = rounds_service.next_round(rnd)
    if request.method == "POST":
        _checked_form()
        top_n = _int("top_n")
        if top_n is None:
            flash(_("Enter how many entries per group go through (at least 1)."), "danger")
            return _back(rnd, "organizer.judging_promote")
        _refuse_back(rnd, "organizer.judging_promote", top_n=top_n)
        n = rounds_service.promote_top(rnd, top_n, actor=current_user)
        return _done(rnd, _("%(n)s entries promoted to the next round.", n=n), "organizer.judging_promote", top_n=top_n)
    top_n = request.args.get("top_n", type=int) or 0
    groups = rounds_service.promotion_candidates(rnd, top_n)
    promoted = service.round_entries(nxt) if nxt else []
    defaults = {g.key: rounds_service.default_cut(g, contest) for g, _rows in groups if g.outcome.results}
    pending = judging_pages.pending_sheets(rnd)
    return render_template(
        "organizer/judging_promote.html",
        contest=contest,
        rnd=rnd,
        nxt=nxt,
        groups=groups,
        top_n=top_n,
        promoted=promoted,
        form=ActionForm(),
        fmt=scoring.format_score,
        defaults=defaults,
        group_ids={g.key: i for i, (g, _r) in enumerate(groups)},
        pending=pending,
        state_label=round_state_label,
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/promote/manual", methods=["POST"])
def judging_promote_manual(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    _checked_form()
    entry = part_of_or_404(Entry, _int("entry_id") or 0, contest_id=contest.id)
    _refuse_back(rnd, "organizer.judging_promote")
    rounds_service.promote_manual(rnd, entry, reason=request.form.get("reason") or "", actor=current_user)
    return _done(rnd, _("%(entry)s promoted by hand.", entry=entry.number or entry.title), "organizer.judging_promote")


@bp.route("/contests/<int:contest_id>/judging/<int:number>/promote/remove", methods=["POST"])
def judging_unpromote(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    _checked_form()
    nxt = rounds_service.next_round(rnd)
    if nxt is None:
        abort(404)
    entry = part_of_or_404(Entry, _int("entry_id") or 0, contest_id=contest.id)
    _refuse_back(rnd, "organizer.judging_promote")
    rounds_service.unpromote(nxt, entry, reason=request.form.get("reason") or "", actor=current_user)
    return _done(
        rnd, _("%(entry)s taken out of the next round.", entry=entry.number or entry.title), "organizer.judging_promote"
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/rejudge", methods=["POST"])
def judging_rejudge(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    _checked_form()
    groups = rounds_service.rank_groups(rnd)
    index = _int("group")
    if index is None or not 0 <= index < len(groups):
        flash(_("Choose a ranking group."), "danger")
        return _back(rnd, "organizer.judging_promote")
    extra = _int("extra")
    if extra is None:
        flash(_("Enter how many extra scores to hand out (1 to 1000)."), "danger")
        return _back(rnd, "organizer.judging_promote")
    _refuse_back(rnd, "organizer.judging_promote")
    result = rounds_service.rejudge(rnd, groups[index].key, extra=extra, cut_position=_int("cut"), actor=current_user)
    flash(
        _(
            "%(n)s extra assignments added for the entries nearest the line. Publish them so the judges see them.",
            n=len(result.added),
        ),
        "success",
    )
    for s in result.short:
        entry = lookup.get(Entry, s.entry_id)
        flash(_("%(entry)s: %(reason)s", entry=entry.number or entry.title, reason=service.tr(s.reason)), "warning")
    return _back(rnd)
