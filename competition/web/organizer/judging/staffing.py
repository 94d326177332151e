"""A round's judges, its manual assignments and its recorded conflicts of interest."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ....models import Assignment, Conflict, Entry, RoundJudge, User
from ....services import judging as service
from ....services import lookup
from ....services.judging import pages as judging_pages
from ...loaders import part_of_or_404, row_or_404
from .blueprint import bp
from .common import ActionForm, _back, _checked_form, _done, _int, _plan_place, _refuse_back, _round, round_state_label


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
            return _back(rnd, "organizer.judging.judging_conflicts")
        _refuse_back(rnd, "organizer.judging.judging_conflicts")
        service.add_conflict(
            judge,
            entry,
            kind=request.form.get("kind") or "other",
            reason=request.form.get("reason"),
            source="organizer",
            actor=current_user,
        )
        return _done(
            rnd, _("Conflict recorded; the judge is kept off the entry."), "organizer.judging.judging_conflicts"
        )
    service.sync_conflicts(rnd)  # the GET records conflicts found since; the doorway commits them
    page = judging_pages.conflicts_page(rnd)
    return render_template(
        "organizer/judging/conflicts.html",
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
    _refuse_back(rnd, "organizer.judging.judging_conflicts")
    service.remove_conflict(row, actor=current_user)
    return _done(rnd, _("Conflict removed."), "organizer.judging.judging_conflicts")
