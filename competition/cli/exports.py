"""Export commands: `flask --app competition export-nominations CONTEST --out FILE` and friends.

They only read; nothing is committed. CONTEST is the contest's short code.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import gettext as _

from ..services import exports
from ..web.templating import localtime
from .doorway import contest_by_code


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    click.echo(_("Written %(path)s (%(size)s bytes)", path=out, size=format(len(data), ",")))


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise click.ClickException(_("The file must end in %(suffixes)s.", suffixes=_(" or ").join(allowed)))
    return suffix


def register(app: Flask) -> None:
    @app.cli.command("export-nominations")
    @click.argument("contest")
    @click.option(
        "--out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="推荐汇总表: .xlsx or .csv (UTF-8 with BOM)",
    )
    def export_nominations(contest: str, out: Path):
        """The provincial nomination list (推荐汇总表) as .xlsx or .csv, chosen by the extension."""
        c = contest_by_code(contest)
        suffix = _suffix(out, (".xlsx", ".csv"))
        data = exports.nomination_workbook(c) if suffix == ".xlsx" else exports.nomination_csv(c)
        click.echo(_("%(n)d nominated entries", n=len(exports.nominated_results(c))))
        _write(out, data)

    @app.cli.command("export-results")
    @click.argument("contest")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def export_results(contest: str, out: Path):
        """Every entry with raw mean, trimmed mean, score, rank, award and nomination (.xlsx)."""
        c = contest_by_code(contest)
        _suffix(out, (".xlsx",))
        _write(out, exports.results_workbook(c))

    @app.cli.command("export-scores")
    @click.argument("contest")
    @click.option(
        "--out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=".xlsx (one sheet per round and rubric) or .pdf (one part per judge, signed)",
    )
    def export_scores(contest: str, out: Path):
        """Judges' score sheets for the archive as .xlsx or a printable .pdf."""
        c = contest_by_code(contest)
        suffix = _suffix(out, (".xlsx", ".pdf"))
        if suffix == ".xlsx":
            _write(out, exports.score_sheets_workbook(c, to_local=localtime))
        else:
            with app.test_request_context():
                _write(out, exports.score_sheets_pdf(c))

    @app.cli.command("export-bundle")
    @click.argument("contest")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def export_bundle(contest: str, out: Path):
        """The materials of the nominated entries as one zip, written entry by entry."""
        c = contest_by_code(contest)
        _suffix(out, (".zip",))
        total = len(exports.nominated_results(c))
        with click.progressbar(length=total, label=_("Packing the materials")) as bar:
            done = [0]

            def progress(n: int, _total: int) -> None:
                bar.update(n - done[0])
                done[0] = n

            with app.test_request_context():
                summary = exports.write_bundle(c, out, progress=progress)
        click.echo(
            _(
                "Written %(path)s: %(entries)d entries, %(files)d files, %(forms)d application forms",
                path=out,
                entries=summary.entries,
                files=summary.files,
                forms=summary.forms,
            )
        )
        for missing in summary.missing:
            click.echo(_("Missing file: %(name)s", name=missing), err=True)
