"""Account commands: import-users FILE [--kind ...] [--dry-run] [--passwords OUT.xlsx]."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import User, UserRole
from ..services import ServiceError, imports
from .doorway import transaction

PEOPLE_KINDS = ("schools", "teachers", "reviewers", "judges")


def _actor() -> User | None:
    """The command acts as the first active organizer (audit events name someone)."""
    return db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == "organizer", User.active.is_(True)).order_by(User.id)
    )


def register(app: Flask) -> None:
    @app.cli.command("import-users")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--kind",
        type=click.Choice(PEOPLE_KINDS),
        default=None,
        help="What the sheet holds; guessed from its columns when omitted.",
    )
    @click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
    @click.option(
        "--passwords",
        "passwords_out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Where to write the initial passwords of new accounts (.xlsx).",
    )
    def import_users(file: Path, kind: str | None, dry_run: bool, passwords_out: Path | None):
        """Import schools, teachers, reviewers or judges from an .xlsx or .csv sheet (all rows or none)."""
        data = file.read_bytes()
        try:
            kind = kind or imports.guess_kind(data, file.name, PEOPLE_KINDS)
            plan = imports.preview(kind, data, file.name)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        _print_plan(file.name, kind, plan)
        if plan.problem_rows:
            raise click.ClickException(_("%(n)d rows have problems; nothing was imported.", n=len(plan.problem_rows)))
        if dry_run:
            click.echo(_("(dry run: nothing was written)"))
            return
        actor = _actor()
        if actor is None:
            raise click.ClickException(_("Create an organizer account first (flask create-organizer)."))
        with transaction():
            outcome = imports.apply(kind, data, file.name, actor=actor)
            if outcome.credentials:
                passwords_out = passwords_out or _default_passwords_file()
                passwords_out.write_bytes(
                    imports.credentials_workbook(
                        outcome.credentials, title=_("Initial passwords · %(file)s", file=file.name)
                    )
                )
                passwords_out.chmod(0o600)
        click.echo(
            _(
                "Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                created=outcome.created,
                updated=outcome.updated,
                unchanged=outcome.unchanged,
            )
        )
        if outcome.credentials:
            click.echo(
                _(
                    "The initial passwords of the new accounts are in %(path)s (keep it safe; delete it "
                    "once they are handed out).",
                    path=passwords_out,
                )
            )


def _default_passwords_file() -> Path:
    folder = Path(current_app.config["EXPORT_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"initial-passwords-{datetime.now():%Y%m%d-%H%M%S}.xlsx"


def _print_plan(file_name: str, kind: str, plan) -> None:
    t = plan.table
    where = _("sheet %(sheet)s", sheet=t.sheet) if t.sheet else _("encoding %(encoding)s", encoding=t.encoding)
    click.echo(
        _(
            "%(file)s: %(kind)s, %(where)s, header on line %(line)d, %(n)d data rows",
            file=file_name,
            kind=kind,
            where=where,
            line=t.header_line,
            n=len(plan.rows),
        )
    )
    for line in imports.column_report_lines(plan):
        click.echo(f"  {line}")
    click.echo(
        "  "
        + _(
            "new %(create)d  changed %(update)d  unchanged %(same)d  with problems %(problems)d",
            create=plan.count("create"),
            update=plan.count("update"),
            same=plan.count("same"),
            problems=len(plan.problem_rows),
        )
    )
    for row in plan.rows:
        for change in row.changes:
            click.echo("  " + _("Row %(line)d changes: %(change)s", line=row.line, change=change))
        for note in row.notes:  # a school near an existing one, taken as that school, says so here
            click.echo("  " + _("Row %(line)d: %(note)s", line=row.line, note=note))
    for row in plan.problem_rows:
        for problem in row.problems:
            click.echo("  " + _("Row %(line)d: %(note)s", line=row.line, note=problem), err=True)
