"""Exports: the provincial nomination workbook and CSV, the full results, judges' score sheets,
and the materials bundle (a background job with progress). Organizers only (see views.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import jobs
from ...services import contests, exports
from .. import doorway
from ..doorway import AreaBlueprint
from ..downloads import send_download
from ..loaders import contest_or_404
from ..templating import localtime

bp = AreaBlueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _send(data: bytes, name: str, mimetype: str):
    return send_download(data, name, mimetype)


@bp.route("/exports")
def exports_index():
    return render_template("organizer/exports/index.html", contests=contests.newest_first())


@bp.route("/exports/<int:contest_id>")
def exports_contest(contest_id: int):
    contest = contest_or_404(contest_id)
    nominated = exports.nominated_results(contest)
    return render_template(
        "organizer/exports/contest.html",
        contest=contest,
        nominated=nominated,
        title=exports.nomination_title(contest),
        bundle_jobs=exports.recent_bundle_jobs(contest),
    )


@bp.route("/exports/<int:contest_id>/nominations.xlsx")
def export_nominations_xlsx(contest_id: int):
    contest = contest_or_404(contest_id)
    return _send(exports.nomination_workbook(contest), f"{exports.nomination_title(contest)}.xlsx", XLSX)


@bp.route("/exports/<int:contest_id>/nominations.csv")
def export_nominations_csv(contest_id: int):
    contest = contest_or_404(contest_id)
    return _send(exports.nomination_csv(contest), f"{exports.nomination_title(contest)}.csv", "text/csv; charset=utf-8")


@bp.route("/exports/<int:contest_id>/results.xlsx")
def export_results_xlsx(contest_id: int):
    contest = contest_or_404(contest_id)
    return _send(exports.results_workbook(contest), f"{contest.full_name}评审结果.xlsx", XLSX)


@bp.route("/exports/<int:contest_id>/score-sheets.xlsx")
def export_score_sheets_xlsx(contest_id: int):
    contest = contest_or_404(contest_id)
    return _send(
        exports.score_sheets_workbook(contest, to_local=localtime), f"{contest.full_name}评委评分表.xlsx", XLSX
    )


@bp.route("/exports/<int:contest_id>/score-sheets.pdf")
def export_score_sheets_pdf(contest_id: int):
    contest = contest_or_404(contest_id)
    return _send(exports.score_sheets_pdf(contest), f"{contest.full_name}评委评分表.pdf", "application/pdf")


@bp.route("/exports/<int:contest_id>/bundle", methods=["POST"])
def export_bundle_start(contest_id: int):
    contest = contest_or_404(contest_id)
    if not exports.nominated_results(contest):
        flash(_("No entry is recommended yet, so there are no materials to bundle."), "warning")
        return redirect(url_for("organizer.exports.exports_contest", contest_id=contest.id))
    job = exports.start_bundle(contest, current_user)
    doorway.after_commit(lambda: jobs.start(job))  # the runner must find the job's row
    flash(_("The materials bundle is being built. You can stay on this page to watch its progress."), "info")
    return redirect(url_for("organizer.exports.exports_contest", contest_id=contest.id))
