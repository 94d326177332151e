"""Results commands: rank."""

from __future__ import annotations

import click
from flask import Flask
from flask_babel import gettext as _

from ..domain.ranking import METHOD_LABELS, METHODS
from ..services import results as results_service
from .doorway import contest_by_code, transaction


def register(app: Flask) -> None:
    @app.cli.command("rank")
    @click.argument("contest_code")
    @click.option(
        "--method",
        type=click.Choice(METHODS),
        default=None,
        help="Ranking method (default: the contest's, normally calibrated).",
    )
    def rank(contest_code: str, method: str | None):
        """Rank CONTEST from its submitted score sheets and store the draft results."""
        contest = contest_by_code(contest_code)
        with transaction():
            run = results_service.run_ranking(contest, actor=None, method=method)
        results = results_service.results_of(contest)
        counts: dict[str, int] = {}
        for r in results:
            if r.award:
                counts[r.award] = counts.get(r.award, 0) + 1
        click.echo(
            _(
                "%(code)s: %(entries)d entries, %(scores)d scores, method %(method)s",
                code=contest.code,
                entries=run.n_entries,
                scores=run.n_scores,
                method=_(METHOD_LABELS.get(run.method, run.method)),
            )
        )
        click.echo(
            "  "
            + _(
                "Awards: %(awards)s; nominated: %(n)d",
                awards=_(", ").join(f"{k} {v}" for k, v in counts.items()) or "-",
                n=sum(r.nominated for r in results),
            )
        )
        if run.components:
            click.echo(
                "  "
                + _(
                    "Warning: the judges and entries fall into %(n)d separate parts; scores are "
                    "compared only within each part.",
                    n=len(run.components),
                )
            )
        labels = {r.entry_id: r.entry.number or r.entry.title for r in results}
        for tie in run.ties:
            click.echo(
                "  "
                + _(
                    "Tie to decide (%(where)s): %(entries)s",
                    where=results_service.tie_description(contest, tie),
                    entries=_(", ").join(labels.get(e, str(e)) for e in tie["entry_ids"]),
                )
            )
        if run.ties:
            click.echo("  " + _("Decide the ties on the organizer's results page before locking and publishing."))
