"""The organizer's results pages: run the ranking, read it (scores side by side, judges' severity,
split judge graphs, ties), decide ties, change results with a reason, lock, publish the public
notice, withdraw awards, finalize; the objections desk is objections.py, on this blueprint.
Organizers only (views.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...domain.ranking import METHOD_LABELS, METHODS
from ...domain.states import can_rank, is_on_notice
from ...i18n.timeutil import utc_to_local
from ...models import Contest, Result
from ...services import ServiceError
from ...services import results as service
from .. import doorway
from ..doorway import AreaBlueprint
from ..loaders import contest_or_404, part_of_or_404

bp = AreaBlueprint("results", __name__)

# Large contests: the table shows one ranking group at a time above this many entries.
ALL_GROUPS_LIMIT = 400


def _result(contest: Contest, result_id: int) -> Result:
    return part_of_or_404(Result, result_id, contest_id=contest.id)


def _judging_url(contest: Contest) -> str:
    """Where judges are added: the contest's judging pages."""
    return url_for("organizer.judging.judging_contest", contest_id=contest.id)


def _rejudge_urls(contest: Contest, run, entry_ids) -> tuple[str, dict[int, str]]:
    """Re-judging links for the last judged round: the round's re-judging page, and each entry's
    judging page (to add a judge to that entry)."""
    if not run or not run.judges:
        return _judging_url(contest), {}
    number = max(j["round"] for j in run.judges)
    page = url_for("organizer.judging.judging_promote", contest_id=contest.id, number=number)
    links = {
        entry_id: url_for("organizer.judging.judging_entry", contest_id=contest.id, number=number, entry_id=entry_id)
        for entry_id in entry_ids
    }
    return page, links


def _back(contest: Contest, **kw):
    return redirect(url_for("organizer.results.results", contest_id=contest.id, **kw))


def _refuse_to_results(contest: Contest) -> None:
    """A refused action comes back to the results page with the reason in a flash."""
    doorway.on_refusal(redirect_to=url_for("organizer.results.results", contest_id=contest.id))


def _act(contest: Contest, action, success: str):
    """Run one service call for a plain action form and flash its success (a refusal: see above)."""
    _refuse_to_results(contest)
    action()
    flash(success, "success")
    return _back(contest)


@bp.route("/contests/<int:contest_id>/results")
def results(contest_id: int):
    contest = contest_or_404(contest_id)
    run = service.get_run(contest)
    rows = service.results_of(contest) if run else []
    groups: dict[tuple[str, int], list[Result]] = {}
    order = service.group_sort_key(contest)
    for r in sorted(rows, key=lambda r: order(r.group_key)):
        groups.setdefault((r.group_key, r.component), []).append(r)
    split = {g for g, c in groups if c > 0}
    group_names = {
        key: service.group_label(contest, key[0]) + (" " + _("(part %(n)s)", n=key[1] + 1) if key[0] in split else "")
        for key in groups
    }
    chosen = request.args.get("g")
    keys = list(groups)
    if chosen is None and len(rows) > ALL_GROUPS_LIMIT and keys:
        chosen = "0"
    index = int(chosen) if chosen and chosen.isdecimal() and len(chosen) < 19 else None
    shown = [keys[index]] if index is not None and index < len(keys) else keys
    by_entry = {r.entry_id: r for r in rows}
    labels = {r.entry_id: r.entry.number or r.entry.title for r in rows}
    ties = [
        {
            "index": i,
            "tie": t,
            "title": service.tie_description(contest, t),
            "results": [by_entry[e] for e in t["entry_ids"] if e in by_entry],
        }
        for i, t in enumerate(run.ties if run else [])
    ]
    rejudge_url, entry_links = _rejudge_urls(contest, run, [e for t in ties for e in t["tie"]["entry_ids"]])
    components = []
    if run and run.components:
        components = [[labels.get(e, str(e)) for e in part] for part in run.components]
    return render_template(
        "organizer/results/index.html",
        contest=contest,
        run=run,
        groups=groups,
        shown=shown,
        keys=keys,
        group_names=group_names,
        chosen=chosen,
        ties=ties,
        components=components,
        summary=lambda r: service.render(service.summary_parts(r)),
        details=lambda r: service.render(service.detail_parts(r)),
        method_labels=METHOD_LABELS,
        methods=METHODS,
        judging_url=_judging_url(contest),
        rejudge_url=rejudge_url,
        entry_links=entry_links,
        counts=_counts(contest, rows),
        rules=service.rule_effects_of(contest, rows) if run else [],
        local=utc_to_local,
        progress=service.scoring_progress(contest) if can_rank(contest.state) else None,
        notice_running=service.notice_running(contest),
    )


def _counts(contest: Contest, rows: list[Result]) -> dict:
    return {
        "entries": len(rows),
        "awards": service.award_counts(contest, rows),
        "nominated": sum(1 for r in rows if r.final_nominated),
        "overridden": sum(1 for r in rows if r.override_reason),
        "withdrawn": sum(1 for r in rows if r.withdrawn),
    }


@bp.route("/contests/<int:contest_id>/results/judges")
def results_judges(contest_id: int):
    contest = contest_or_404(contest_id)
    run = service.get_run(contest)
    rounds: dict[str, list[dict]] = {}
    for j in run.judges if run else []:
        rounds.setdefault(j["round_name"], []).append(j)
    return render_template(
        "organizer/results/judges.html",
        contest=contest,
        run=run,
        rounds=rounds,
        method_labels=METHOD_LABELS,
        split=bool(run and run.components),
    )


@bp.route("/contests/<int:contest_id>/results/run", methods=["POST"])
def results_run(contest_id: int):
    contest = contest_or_404(contest_id)
    method = request.form.get("method") or None
    if method is not None and method not in METHODS:
        flash(_("Unknown ranking method %(method)s.", method=method), "danger")
        return _back(contest)
    return _act(
        contest,
        lambda: service.run_ranking(contest, actor=current_user, method=method),
        _("The ranking was computed. This is a draft: check ties and explanations before locking."),
    )


@bp.route("/contests/<int:contest_id>/results/ties/<int:index>", methods=["POST"])
def results_tie(contest_id: int, index: int):
    contest = contest_or_404(contest_id)
    try:
        chosen = [int(v) for v in request.form.getlist("chosen")]
    except ValueError:
        abort(400)
    return _act(
        contest,
        lambda: service.decide_tie(contest, index, chosen, actor=current_user, reason=request.form.get("reason", "")),
        _("The tie was decided and the results updated."),
    )


# Plain action forms: (service call, success message).
ACTIONS = {
    "lock": (
        lambda contest, form: service.lock(contest, actor=current_user, reason=form.get("reason")),
        _l("The results are locked: the ranking is no longer recomputed from the scores."),
    ),
    "unlock": (
        lambda contest, form: service.unlock(contest, actor=current_user, reason=form.get("reason", "")),
        _l("The results are unlocked."),
    ),
    "publish": (
        lambda contest, form: service.publish(contest, actor=current_user, contact=form.get("contact", "")),
        _l("The results are published on the public notice page."),
    ),
    "finalize": (
        lambda contest, form: service.finalize(contest, actor=current_user, reason=form.get("reason")),
        _l("The results are final. They will not change any more."),
    ),
}


@bp.route("/contests/<int:contest_id>/results/<any(lock, unlock, publish, finalize):action>", methods=["POST"])
def results_action(contest_id: int, action: str):
    contest = contest_or_404(contest_id)
    call, success = ACTIONS[action]
    return _act(contest, lambda: call(contest, request.form), str(success))


@bp.route("/contests/<int:contest_id>/results/<int:result_id>", methods=["GET", "POST"])
def results_edit(contest_id: int, result_id: int):
    contest = contest_or_404(contest_id)
    result = _result(contest, result_id)
    if request.method == "POST":
        award = request.form.get("award", service.KEEP)
        award = None if award == "__none__" else award
        nominated = {"yes": True, "no": False, "": None}.get(request.form.get("nominated", "keep"), service.KEEP)
        doorway.on_refusal(respond=lambda exc: _edit_page(contest, result, exc))
        service.override_result(
            result, actor=current_user, award=award, nominated=nominated, reason=request.form.get("reason", "")
        )
        flash(_("The result was changed; the reason is recorded."), "success")
        return _back(contest)
    return _edit_page(contest, result, None)


def _edit_page(contest: Contest, result: Result, error: ServiceError | None):
    """The result's page, with the refusal of the change just sent (if any) and the form as sent."""
    return render_template(
        "organizer/results/edit.html",
        contest=contest,
        result=result,
        error=error,
        levels=service.award_choices(contest),
        explain=service.explanation_text,
        form=request.form,
        group_name=service.group_label(contest, result.group_key),
    )


@bp.route("/contests/<int:contest_id>/results/<int:result_id>/withdraw", methods=["POST"])
def results_withdraw(contest_id: int, result_id: int):
    contest = contest_or_404(contest_id)
    result = _result(contest, result_id)
    doorway.on_refusal(
        redirect_to=url_for("organizer.results.results_edit", contest_id=contest.id, result_id=result.id)
    )
    service.withdraw_award(result, actor=current_user, reason=request.form.get("reason", ""))
    flash(_("The award of %(entry)s is withdrawn.", entry=result.entry.number or result.entry.title), "success")
    return redirect(
        url_for("organizer.results.results_objections", contest_id=contest.id)
        if is_on_notice(contest.state)
        else url_for("organizer.results.results", contest_id=contest.id)
    )
