"""A round's progress and score distributions, one entry's sheets, and reopening a sheet."""

from __future__ import annotations

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ....domain import scoring
from ....models import Entry, ScoreSheet, utcnow
from ....services.judging import pages as judging_pages
from ....services.judging import sheets, stats
from ...loaders import part_of_or_404, row_or_404
from .blueprint import bp
from .common import ActionForm, _checked_form, _done, _refuse_back, _round, round_state_label

# --------------------------------------------------------------------------- progress


@bp.route("/contests/<int:contest_id>/judging/<int:number>/progress")
def judging_progress(contest_id: int, number: int):
    contest, rnd = _round(contest_id, number)
    prog = stats.progress(rnd, utcnow())
    return render_template(
        "organizer/judging/progress.html",
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
        "organizer/judging/entry.html",
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
    _refuse_back(rnd, "organizer.judging.judging_entry", entry_id=entry_id)
    sheets.reopen(sheet, reason=request.form.get("reason") or "", actor=current_user)
    return _done(
        rnd,
        _("The score sheet is reopened; the judge can change and submit it again."),
        "organizer.judging.judging_entry",
        entry_id=entry_id,
    )
