"""Flask commands: `flask --app competition <command>`. Each command commits once at the end."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db


def contest_by_code(code: str):
    """The contest with this short code, or a clear error on the command line."""
    from flask_babel import gettext

    from .services.contests import get_by_code

    contest = get_by_code(code)
    if contest is None:
        raise click.ClickException(gettext("No contest has the code %(code)s (see `flask contests`).", code=code))
    return contest


def register_cli(app: Flask) -> None:
    from .models import Contest

    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database by applying every migration."""
        from flask_migrate import upgrade

        upgrade()
        click.echo("数据库已就绪 (database is up to date).")

    @app.cli.command("create-organizer")
    @click.option("--username", prompt="用户名 (username)")
    @click.option("--name", prompt="姓名 (name)")
    @click.password_option(prompt="密码 (password)")
    def create_organizer(username: str, name: str, password: str):
        """Make an organizer account (the first account of a new installation)."""
        from .services import ServiceError, accounts

        problem = accounts.password_problem(password, app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise click.ClickException(problem)
        try:
            accounts.create_user(username=username, password=password, name=name, roles=["organizer"])
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"已创建组织者账号 {username}.")

    @app.cli.command("contests")
    def list_contests():
        """List contests: code, year, state, name."""
        rows = db.session.scalars(select(Contest).order_by(Contest.year.desc(), Contest.code)).all()
        if not rows:
            click.echo("(没有赛事 / no contests)")
        for c in rows:
            click.echo(f"{c.code:<24} {c.year}  {c.state:<10} {c.name}")

    # Commands of other areas register themselves here as they land.
    import importlib

    for module in ("competition.cli_contests", "competition.cli_accounts", "competition.cli_demo",
                   "competition.cli_judging", "competition.cli_results", "competition.cli_certificates",
                   "competition.cli_exports", "competition.cli_ops"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)
