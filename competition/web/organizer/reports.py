"""Reports: the statistics dashboard (all contests, and per contest), the PDF for the annual
work report, and recording the provincial outcome of recommended entries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...adapters.pdf import render_pdf
from ...i18n.labels import CONTEST_STATE_LABELS, ENTRY_STATE_LABELS
from ...models import utcnow
from ...services import reports, write_guard
from .. import doorway
from ..doorway import AreaBlueprint
from ..downloads import send_download
from ..loaders import contest_or_404

bp = AreaBlueprint("reports", __name__)


def _chart(labels, *datasets, type="bar", horizontal=False, stacked=False) -> dict:
    """A Chart.js spec for <canvas data-chart>: datasets are (label, values) pairs."""
    return {
        "type": type,
        "horizontal": horizontal,
        "stacked": stacked,
        "labels": [str(x) for x in labels],
        "datasets": [{"label": str(label), "data": list(values)} for label, values in datasets],
    }


def _contest_charts(rep: reports.ContestReport) -> dict:
    districts = rep.by_district
    schools = rep.by_school[:15]
    return {
        "district": _chart(
            [d[0] for d in districts],
            (_("Entries"), [d[1] for d in districts]),
            (_("Awards"), [d[3] for d in districts]),
            (_("Recommended"), [d[4] for d in districts]),
        ),
        "school": _chart(
            [s[0] for s in schools],
            (_("Entries"), [s[2] for s in schools]),
            (_("Awards"), [s[4] for s in schools]),
            horizontal=True,
        ),
        "section": _chart(
            [s[0] for s in rep.by_section], (_("Entries"), [s[1] for s in rep.by_section]), type="doughnut"
        ),
        "stage": _chart([s[0] for s in rep.by_stage], (_("Entries"), [s[1] for s in rep.by_stage])),
        "state": _chart(
            [str(ENTRY_STATE_LABELS.get(s, s)) for s, _n in rep.by_state],
            (_("Entries"), [n for _s, n in rep.by_state]),
            type="doughnut",
        ),
        "awards": _chart([a[0] for a in rep.awards], (_("Entries"), [a[1] for a in rep.awards])),
        "judging": _chart(
            [r.name for r in rep.rounds],
            (_("Submitted"), [r.final for r in rep.rounds]),
            (_("Draft"), [r.draft for r in rep.rounds]),
            (_("Not started"), [r.not_started for r in rep.rounds]),
            stacked=True,
            horizontal=True,
        ),
    }


@bp.route("/reports")
def reports_index():
    rows = reports.overview()
    chart = _chart(
        [r.contest.name if len(rows) < 2 else f"{r.contest.year} {r.contest.name}" for r in rows],
        (_("Entries"), [r.total for r in rows]),
        (_("Awards"), [r.awarded for r in rows]),
        (_("Recommended"), [r.nominated for r in rows]),
        (_("Provincial awards"), [r.provincial_won for r in rows]),
    )
    return render_template("organizer/reports/index.html", rows=rows, overview_chart=chart, years=reports.years())


@bp.route("/reports/<int:contest_id>")
def reports_contest(contest_id: int):
    contest = contest_or_404(contest_id)
    rep = reports.contest_report(contest)
    return render_template(
        "organizer/reports/contest.html",
        contest=contest,
        rep=rep,
        charts=_contest_charts(rep),
        state_label=CONTEST_STATE_LABELS.get(contest.state, contest.state),
    )


def _pdf(reps: list[reports.ContestReport], heading: str, name: str):
    html = render_template("documents/annual_report.html", reps=reps, heading=heading, printed_at=utcnow())
    return send_download(render_pdf(html), name, "application/pdf")


@bp.route("/reports/<int:contest_id>/report.pdf")
def reports_contest_pdf(contest_id: int):
    contest = contest_or_404(contest_id)
    return _pdf([reports.contest_report(contest)], f"{contest.full_name}工作统计", f"{contest.full_name}统计报告.pdf")


@bp.route("/reports/annual/<int:year>.pdf")
def reports_annual_pdf(year: int):
    reps = reports.overview(year)
    if not reps:
        abort(404)
    return _pdf(reps, f"{year}年度青少年科技竞赛工作统计", f"{year}年度竞赛工作统计.pdf")


@bp.route("/reports/<int:contest_id>/provincial", methods=["GET", "POST"])
def reports_provincial(contest_id: int):
    contest = contest_or_404(contest_id)
    rows = reports.nominated_entries(contest)
    if request.method == "POST":
        outcomes = {}
        for entry, _result in rows:
            key = f"outcome-{entry.id}"
            if key in request.form:
                outcomes[entry.id] = request.form[key].strip()
        doorway.on_refusal(redirect_to=url_for("organizer.reports.reports_provincial", contest_id=contest.id))
        changed = reports.record_provincial_outcomes(contest, outcomes, current_user)
        flash(
            _("Saved: %(n)d provincial outcomes changed.", n=changed)
            if changed
            else _("No provincial outcome was changed."),
            "success" if changed else "info",
        )
        return redirect(url_for("organizer.reports.reports_provincial", contest_id=contest.id))
    rep = reports.contest_report(contest)
    return render_template(
        "organizer/reports/provincial.html",
        contest=contest,
        rows=rows,
        rep=rep,
        outcomes=reports.PROVINCIAL_OUTCOMES,
        closed=write_guard.refusal(contest, "provincial_outcome"),
    )
