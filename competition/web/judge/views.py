"""The judge's area (评委): the list of assigned entries and the scoring page with autosave.

Every route is for judges (checked before any view runs); an assignment is opened only by its
own judge, once published, and never when a conflict is recorded.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...domain import scoring
from ...domain.contest_settings import ContestSettings
from ...domain.states import SheetState
from ...models import Assignment, Contest, Entry
from ...services import ServiceError, lookup
from ...services.judging import group_label, sheets
from ...services.write_guard import PhaseClosed
from .. import doorway, permissions
from ..doorway import AreaBlueprint
from .forms import ConflictForm, SubmitAllForm

bp = AreaBlueprint("judge", __name__)

STATE_FILTERS = ("all", "todo", "draft", "final")


@bp.before_request
@login_required
@permissions.role_required("judge")
def _judges_only():
    return None


def _assignment_or_403(assignment_id: int, *, for_page: bool = True) -> Assignment:
    assignment, conflicted = sheets.judge_assignment(assignment_id, current_user.id, for_page=for_page)
    if assignment is None:
        abort(404)
    if conflicted or not permissions.can_score(current_user, assignment):
        abort(403)
    return assignment


def _contests(assignments) -> list[Contest]:
    """The judge's contests, those with sheets still to submit first, then the newest."""
    seen: dict[int, Contest] = {}
    open_work: set[int] = set()
    refusals: dict[int, str | None] = {}
    for a in assignments:
        seen.setdefault(a.round.contest_id, a.round.contest)
        if sheets.sheet_state(a.sheet) != SheetState.FINAL and sheets.closed_reason(a, refusals) is None:
            open_work.add(a.round.contest_id)
    return sorted(seen.values(), key=lambda c: (c.id not in open_work, -c.year, -c.id))


@bp.route("/")
def index():
    everything = sheets.judge_assignments(current_user)
    contests = _contests(everything)
    contest_id = request.args.get("contest", type=int)
    contest = next((c for c in contests if c.id == contest_id), contests[0] if contests else None)
    mine = [a for a in everything if contest is None or a.round.contest_id == contest.id]
    progress = sheets.progress(mine)
    state = request.args.get("state", "all")
    state = state if state in STATE_FILTERS else "all"
    query = (request.args.get("q") or "").strip()
    rounds = sorted({a.round for a in mine}, key=lambda r: r.number)
    round_number = request.args.get("round", type=int)
    rows = []
    for a in mine:
        st = sheets.sheet_state(a.sheet)
        if state != "all" and st != state:
            continue
        if round_number and a.round.number != round_number:
            continue
        if query and query.lower() not in f"{a.entry.number or ''} {a.entry.title}".lower():
            continue
        rows.append((a, st))
    group_by = (contest.settings_view if contest else ContestSettings()).ranking_group_by
    return render_template(
        "judge/index.html",
        rows=rows,
        progress=progress,
        contests=contests,
        contest=contest,
        state=state,
        query=query,
        rounds=rounds,
        round_number=round_number,
        next_one=sheets.next_unscored(current_user, contest_id=contest.id if contest else None, assignments=mine),
        submit_all_form=SubmitAllForm(),
        group_label=lambda e: group_label(e, group_by or ["section", "stage"]),
        fmt=scoring.format_score,
        filters=STATE_FILTERS,
    )


@bp.route("/next")
def next_unscored():
    after = request.args.get("after", type=int)
    current = lookup.get(Assignment, after) if after else None
    if current is not None and current.judge_id != current_user.id:
        current = None
    nxt = sheets.next_unscored(
        current_user, current, contest_id=current.round.contest_id if current is not None else None
    )
    if nxt is None:
        flash(_("All your entries are scored and submitted. Thank you!"), "success")
        return redirect(url_for("judge.index"))
    return redirect(url_for("judge.score", assignment_id=nxt.id))


def _materials(entry: Entry, blind: bool) -> list[dict]:
    """The entry's files for the viewer: blind names for judges of a blind contest."""
    counts: dict = {}
    out = []
    for att in sheets.entry_attachments(entry):
        label = att.requirement.name if att.requirement else _("Material")
        counts[label] = counts.get(label, 0) + 1
        out.append({"att": att, "label": label, "n": counts[label], "name": None if blind else att.original_name})
    for m in out:
        if counts[m["label"]] > 1:
            m["label"] = f"{m['label']} {m['n']}"
    order = {"pdf": 0, "jpg": 1, "png": 1, "mp4": 2}
    return sorted(out, key=lambda m: order.get(m["att"].file_kind, 3))


@bp.route("/a/<int:assignment_id>")
def score(assignment_id: int):
    assignment = _assignment_or_403(assignment_id)
    entry = assignment.entry
    contest = assignment.round.contest
    blind = sheets.blind(contest)
    criteria = sheets.criteria_of(assignment)
    group_by = contest.settings_view.ranking_group_by
    return render_template(
        "judge/score.html",
        a=assignment,
        entry=entry,
        contest=contest,
        blind=blind,
        criteria=criteria,
        sheet=assignment.sheet,
        payload=sheets.sheet_payload(assignment.sheet),
        state=sheets.sheet_state(assignment.sheet),
        locked=(assignment.sheet is not None and assignment.sheet.state == SheetState.FINAL),
        closed=sheets.closed_reason(assignment),
        materials=_materials(entry, blind),
        progress=sheets.contest_progress(current_user, contest.id),
        group=group_label(entry, group_by),
        conflict_form=ConflictForm(),
        fmt=scoring.format_score,
    )


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


def _version(data: dict) -> int:
    try:
        return int(data.get("version", -1))
    except (TypeError, ValueError):
        abort(400)


def _refusal(exc: ServiceError):
    """A refused save as JSON: 409 with the newer sheet, 422 with problems, else 400. The doorway
    has rolled back already, so the sheet read here is the one another tab saved."""
    if isinstance(exc, sheets.StaleSheet):
        fresh = None
        if exc.sheet is not None:
            fresh = lookup.get(type(exc.sheet), exc.sheet.id)
        return jsonify(ok=False, error=exc.message, current=sheets.sheet_payload(fresh)), 409
    if isinstance(exc, sheets.InvalidSheet):
        return jsonify(ok=False, error=exc.message, problems=exc.problems), 422
    if isinstance(exc, PhaseClosed):
        # the page stops autosaving and turns read-only
        return jsonify(ok=False, error=exc.message, closed=True), 409
    return jsonify(ok=False, error=exc.message), 400


@bp.route("/a/<int:assignment_id>/sheet", methods=["POST"])
def save_sheet(assignment_id: int):
    """Autosave (JSON): {version, scores: {criterion id: value}, comment}."""
    assignment = _assignment_or_403(assignment_id, for_page=False)
    data = _json_body()
    doorway.on_refusal(respond=_refusal)
    sheet = sheets.save_draft(
        assignment,
        scores=data.get("scores") or {},
        comment=data.get("comment"),
        version=_version(data),
        actor=current_user,
    )
    return jsonify(ok=True, **sheets.sheet_payload(sheet))


def _refuse_to_score_page(assignment: Assignment) -> None:
    """A refused form (no script) comes back to the scoring page with the reason in a flash."""
    doorway.on_refusal(redirect_to=url_for("judge.score", assignment_id=assignment.id))


@bp.route("/a/<int:assignment_id>/submit", methods=["POST"])
def submit(assignment_id: int):
    """Submit one sheet: JSON from the page's script, or the plain form without script."""
    assignment = _assignment_or_403(assignment_id)
    if request.is_json:
        data = _json_body()
        doorway.on_refusal(respond=_refusal)
        sheets.submit(
            assignment,
            scores=data.get("scores") or {},
            comment=data.get("comment"),
            version=_version(data),
            actor=current_user,
        )
        flash(_("Your scores for %(number)s are submitted.", number=entry_label(assignment.entry)), "success")
        return jsonify(ok=True, redirect=url_for("judge.score", assignment_id=assignment.id))
    scores = {str(c.id): request.form.get(f"score-{c.id}", "") for c in sheets.criteria_of(assignment)}
    _refuse_to_score_page(assignment)
    sheets.submit(
        assignment,
        scores=scores,
        comment=request.form.get("comment"),
        version=request.form.get("version", type=int) or 0,
        actor=current_user,
    )
    flash(_("Your scores for %(number)s are submitted.", number=entry_label(assignment.entry)), "success")
    return redirect(url_for("judge.score", assignment_id=assignment.id))


@bp.route("/submit-all", methods=["POST"])
def submit_all():
    form = SubmitAllForm()
    if not form.validate_on_submit():
        abort(400)
    contest_id = request.form.get("contest", type=int)
    doorway.on_refusal(redirect_to=url_for("judge.index"))
    done, left = sheets.submit_all(current_user, actor=current_user, contest_id=contest_id)
    if done:
        flash(_("%(n)s score sheets submitted.", n=done), "success")
    else:
        flash(_("No complete draft to submit."), "info")
    if left:
        flash(_("%(n)s drafts are not complete yet and stay drafts.", n=left), "warning")
    return redirect(url_for("judge.index", contest=contest_id))


@bp.route("/a/<int:assignment_id>/conflict", methods=["POST"])
def declare_conflict(assignment_id: int):
    assignment = _assignment_or_403(assignment_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "danger")
        return redirect(url_for("judge.score", assignment_id=assignment.id))
    _refuse_to_score_page(assignment)
    sheets.declare_conflict(assignment, reason=form.reason.data, kind=form.kind.data, actor=current_user)
    flash(_("Conflict declared. The entry has left your list; the organizer will assign another judge."), "success")
    return redirect(url_for("judge.index"))


def entry_label(entry: Entry) -> str:
    return entry.number or _("Entry %(id)s", id=entry.id)


@bp.app_template_global("judge_entry_label")
def _entry_label_global(entry: Entry) -> str:
    return entry_label(entry)
