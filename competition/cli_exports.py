"""Export commands: `flask --app competition export-nominations CONTEST --out FILE` and friends.

They only read; nothing is committed. CONTEST is the contest's short code.
"""
from __future__ import annotations

from pathlib import Path

import click

from .cli import contest_by_code
from flask import Flask


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    click.echo(f"已写入 {out} ({len(data):,} 字节)")


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise click.ClickException(f"文件扩展名须为 {' 或 '.join(allowed)} (the file must end in {' or '.join(allowed)}).")
    return suffix


def register(app: Flask) -> None:
    from .services import exports

    @app.cli.command("export-nominations")
    @click.argument("contest")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="推荐汇总表: .xlsx or .csv (UTF-8 with BOM)")
    def export_nominations(contest: str, out: Path):
        """The provincial nomination list (推荐汇总表) as .xlsx or .csv, chosen by the extension."""
        c = contest_by_code(contest)
        suffix = _suffix(out, (".xlsx", ".csv"))
        data = exports.nomination_workbook(c) if suffix == ".xlsx" else exports.nomination_csv(c)
        click.echo(f"推荐项目 {len(exports.nominated_results(c))} 项")
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
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help=".xlsx (one sheet per round and rubric) or .pdf (one part per judge, signed)")
    def export_scores(contest: str, out: Path):
        """Judges' score sheets for the archive as .xlsx or a printable .pdf."""
        from .web.templating import localtime

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
        with click.progressbar(length=total, label="打包材料") as bar:
            done = [0]

            def progress(n: int, _total: int) -> None:
                bar.update(n - done[0])
                done[0] = n

            with app.test_request_context():
                summary = exports.write_bundle(c, out, progress=progress)
        click.echo(f"已写入 {out}：{summary.entries} 个项目，{summary.files} 个文件，申报书 {summary.forms} 份")
        for missing in summary.missing:
            click.echo(f"缺失文件：{missing}", err=True)
