"""Setting up an installation: init-db, create-organizer, contests."""

from __future__ import annotations

import click
from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Contest
from ..services import accounts
from .doorway import transaction


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database by applying every migration."""
        from flask_migrate import upgrade

        upgrade()
        click.echo(_("The database is up to date."))

    @app.cli.command("create-organizer")
    @click.option("--username", prompt="用户名 (username)")
    @click.option("--name", prompt="姓名 (name)")
    @click.password_option(prompt="密码 (password)")
    def create_organizer(username: str, name: str, password: str):
        """Make an organizer account (the first account of a new installation)."""
        problem = accounts.password_problem(password, app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise click.ClickException(problem)
        with transaction():
            accounts.create_user(username=username, password=password, name=name, roles=["organizer"])
        click.echo(_("Organizer account %(username)s created.", username=username))

    @app.cli.command("contests")
    def list_contests():
        """List contests: code, year, state, name."""
        rows = db.session.scalars(select(Contest).order_by(Contest.year.desc(), Contest.code)).all()
        if not rows:
            click.echo(_("(no contests)"))
        for c in rows:
            click.echo(f"{c.code:<24} {c.year}  {c.state:<10} {c.name}")
