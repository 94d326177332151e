"""Account commands: import-users FILE [--kind ...] [--dry-run] [--passwords OUT.xlsx]."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from .extensions import db
from .services import ServiceError, imports

PEOPLE_KINDS = ("schools", "teachers", "reviewers", "judges")


def _actor():
    """The command acts as the first active organizer (audit events name someone)."""
    from sqlalchemy import select

    from .models import User, UserRole

    return db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == "organizer", User.active.is_(True)).order_by(User.id)
    )


def register(app) -> None:
    @app.cli.command("import-users")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--kind", type=click.Choice(PEOPLE_KINDS), default=None,
                  help="What the sheet holds; guessed from its columns when omitted.")
    @click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
    @click.option("--passwords", "passwords_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Where to write the initial passwords of new accounts (.xlsx).")
    def import_users(file: Path, kind: str | None, dry_run: bool, passwords_out: Path | None):
        """Import schools, teachers, reviewers or judges from an .xlsx or .csv sheet (all rows or none)."""
        data = file.read_bytes()
        try:
            kind = kind or imports.guess_kind(data, file.name, PEOPLE_KINDS)
            plan = imports.preview(kind, data, file.name)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        t = plan.table
        where = f"工作表 {t.sheet}" if t.sheet else f"编码 {t.encoding}"
        click.echo(f"{file.name}: {kind}, {where}, 表头在第 {t.header_line} 行, {len(plan.rows)} 行数据")
        for line in imports.column_report_lines(plan):
            click.echo(f"  {line}")
        click.echo(f"  新建 {plan.count('create')}  修改 {plan.count('update')}  不变 {plan.count('same')}"
                   f"  有问题 {len(plan.problem_rows)}")
        for row in plan.rows:
            for change in row.changes:
                click.echo(f"  第 {row.line} 行 修改: {change}")
            for note in row.notes:  # a school near an existing one, taken as that school, says so here
                click.echo("  " + _("Row %(line)d: %(note)s", line=row.line, note=note))
        for row in plan.problem_rows:
            for problem in row.problems:
                click.echo(f"  第 {row.line} 行: {problem}", err=True)
        if plan.problem_rows:
            raise click.ClickException(f"{len(plan.problem_rows)} 行有问题，没有导入任何数据。")
        if dry_run:
            click.echo("（试运行：没有写入任何数据）")
            return
        actor = _actor()
        if actor is None:
            raise click.ClickException("请先用 create-organizer 创建一个组织者账号。")
        try:
            outcome = imports.apply(kind, data, file.name, actor=actor)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        if outcome.credentials:
            if passwords_out is None:
                folder = Path(current_app.config["EXPORT_FOLDER"])
                folder.mkdir(parents=True, exist_ok=True)
                passwords_out = folder / f"initial-passwords-{datetime.now():%Y%m%d-%H%M%S}.xlsx"
            passwords_out.write_bytes(imports.credentials_workbook(outcome.credentials, title=f"初始密码 · {file.name}"))
            passwords_out.chmod(0o600)
        db.session.commit()
        click.echo(f"已导入：新建 {outcome.created}，修改 {outcome.updated}，不变 {outcome.unchanged}。")
        if outcome.credentials:
            click.echo(f"新账号的初始密码已写入 {passwords_out}（请妥善保管，分发后删除）。")
