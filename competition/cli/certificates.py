"""Certificate command: `flask --app competition certificates CONTEST --out FILE.pdf`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import School, Section
from ..services import certificates as service
from .doorway import contest_by_code, transaction


def register(app: Flask) -> None:
    @app.cli.command("certificates")
    @click.argument("contest_code")
    @click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Output file: FILE.pdf (one PDF for the printer) or FILE.zip (one PDF per person).",
    )
    @click.option("--section", "section_code", help="Only this section (its code, e.g. XS).")
    @click.option("--school", "school_id", type=int, help="Only this school (its id).")
    @click.option("--no-issue", is_flag=True, help="Print the certificates as issued; do not update them first.")
    def certificates(contest_code: str, out: Path, section_code: str | None, school_id: int | None, no_issue: bool):
        """Issue (or update) a contest's certificates and render them to one PDF or a zip."""
        contest = contest_by_code(contest_code)
        section_id = _section_id(contest, section_code)
        if school_id is not None and db.session.get(School, school_id) is None:
            raise click.ClickException(_("There is no school with the id %(id)s.", id=school_id))
        fmt = "zip" if out.suffix.lower() == ".zip" else "pdf"
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        base_url = current_app.config["PUBLIC_BASE_URL"]  # what the QR codes encode
        # Issuing and printing are one transaction: a print that fails leaves no half-issued batch.
        try:
            with transaction():
                if not no_issue:
                    summary = service.issue(contest, None, base_url=base_url)
                    click.echo(
                        _(
                            "Certificates: %(created)d new, %(revised)d reissued, %(revoked)d revoked, "
                            "%(unchanged)d unchanged.",
                            created=summary.created,
                            revised=summary.revised,
                            revoked=summary.revoked,
                            unchanged=summary.unchanged,
                        )
                    )
                ids = service.select_ids(contest.id, section_id=section_id, school_id=school_id)
                writer = service.write_pdf if fmt == "pdf" else service.write_zip
                with (
                    click.progressbar(length=len(ids), label=_("Making certificates"), show_pos=True) as bar,
                    open(tmp, "wb") as fh,
                ):
                    count = writer(contest, ids, fh, base_url=base_url, progress=_progress(bar))
                tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        what = _("%(n)d pages", n=count) if fmt == "pdf" else _("%(n)d files", n=count)
        click.echo(_("Written %(path)s: %(what)s.", path=out, what=what))


def _section_id(contest, code: str | None) -> int | None:
    if not code:
        return None
    section = db.session.scalar(select(Section).where(Section.contest_id == contest.id, Section.code == code))
    if section is None:
        raise click.ClickException(
            _(
                "This contest has no section %(code)s (there are: %(codes)s).",
                code=code,
                codes=_(", ").join(s.code for s in contest.sections),
            )
        )
    return section.id


def _progress(bar):
    last = [0]

    def progress(done: int, total: int) -> None:
        bar.update(done - last[0])
        last[0] = done

    return progress
