"""Promotion to the next round (by rank or by hand) and re-judging a tied group."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ....domain import scoring
from ....models import Entry
from ....services import judging as service
from ....services import lookup
from ....services.judging import pages as judging_pages
from ....services.judging import rounds as rounds_service
from ...loaders import part_of_or_404
from .blueprint import bp
from .common import ActionForm, _back, _checked_form, _done, _int, _refuse_back, _round, round_state_label

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
            return _back(rnd, "organizer.judging.judging_promote")
        _refuse_back(rnd, "organizer.judging.judging_promote", top_n=top_n)
        n = rounds_service.promote_top(rnd, top_n, actor=current_user)
        return _done(
            rnd, _("%(n)s entries promoted to the next round.", n=n), "organizer.judging.judging_promote", top_n=top_n
        )
    top_n = request.args.get("top_n", type=int) or 0
    groups = rounds_service.promotion_candidates(rnd, top_n)
    promoted = service.round_entries(nxt) if nxt else []
    defaults = {g.key: rounds_service.default_cut(g, contest) for g, _rows in groups if g.outcome.results}
    pending = judging_pages.pending_sheets(rnd)
    return render_template(
        "organizer/judging/promote.html",
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
    _refuse_back(rnd, "organizer.judging.judging_promote")
    rounds_service.promote_manual(rnd, entry, reason=request.form.get("reason") or "", actor=current_user)
    return _done(
        rnd, _("%(entry)s promoted by hand.", entry=entry.number or entry.title), "organizer.judging.judging_promote"
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/promote/remove", methods=["POST"])
def judging_unpromote(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    _checked_form()
    nxt = rounds_service.next_round(rnd)
    if nxt is None:
        abort(404)
    entry = part_of_or_404(Entry, _int("entry_id") or 0, contest_id=contest.id)
    _refuse_back(rnd, "organizer.judging.judging_promote")
    rounds_service.unpromote(nxt, entry, reason=request.form.get("reason") or "", actor=current_user)
    return _done(
        rnd,
        _("%(entry)s taken out of the next round.", entry=entry.number or entry.title),
        "organizer.judging.judging_promote",
    )


@bp.route("/contests/<int:contest_id>/judging/<int:number>/rejudge", methods=["POST"])
def judging_rejudge(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    _checked_form()
    groups = rounds_service.rank_groups(rnd)
    index = _int("group")
    if index is None or not 0 <= index < len(groups):
        flash(_("Choose a ranking group."), "danger")
        return _back(rnd, "organizer.judging.judging_promote")
    extra = _int("extra")
    if extra is None:
        flash(_("Enter how many extra scores to hand out (1 to 1000)."), "danger")
        return _back(rnd, "organizer.judging.judging_promote")
    _refuse_back(rnd, "organizer.judging.judging_promote")
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
