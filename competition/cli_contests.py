"""Contest commands: import-contest."""
from __future__ import annotations

from pathlib import Path

import click

from .extensions import db
from .services import ServiceError
from .services.contests import load_definition_text, save_definition


def register(app) -> None:
    @app.cli.command("import-contest")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--update", is_flag=True, help="Update the contest if its code exists.")
    def import_contest(file: Path, update: bool):
        """Create a contest from a YAML definition (see competition/contests/)."""
        try:
            contest = save_definition(load_definition_text(file.read_text(encoding="utf-8")), update=update)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"{contest.code}  {contest.name}: {len(contest.sections)} 个类别, {len(contest.rounds)} 轮评审")
