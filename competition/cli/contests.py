"""Contest commands: import-contest."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import gettext as _

from ..services.contests import load_definition_text, save_definition
from .doorway import transaction


def register(app: Flask) -> None:
    @app.cli.command("import-contest")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--update", is_flag=True, help="Update the contest if its code exists.")
    def import_contest(file: Path, update: bool):
        """Create a contest from a YAML definition (see competition/contests/)."""
        with transaction():
            contest = save_definition(load_definition_text(file.read_text(encoding="utf-8")), update=update)
        click.echo(
            _(
                "%(code)s %(name)s: %(sections)d sections, %(rounds)d judging rounds",
                code=contest.code,
                name=contest.name,
                sections=len(contest.sections),
                rounds=len(contest.rounds),
            )
        )
