"""`flask --app competition seed-demo`: load the demo data (once) and print the demo accounts."""

from __future__ import annotations

import time
import unicodedata

import click
from flask import Flask, current_app

from ..i18n.labels import ROLE_LABELS
from ..services.demo import DEMO_PASSWORD, demo_accounts, demo_present, seed_demo
from .doorway import transaction


def _pad(text: str, width: int) -> str:
    """Pad to a display width: Chinese characters take two columns in a terminal."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def print_accounts(accounts, password: str) -> None:
    click.echo("")
    click.echo(f"演示账号（所有账号的密码都是 {password}） / demo accounts, password {password} for all:")
    width = max(len(a.username) for a in accounts) + 2
    click.echo("  " + _pad("用户名 username", width + 4) + _pad("角色 role", 12) + "学校 / 区县 / 单位")
    click.echo("  " + "-" * (width + 40))
    last = None
    for a in accounts:
        if last and a.role != last:
            click.echo("")
        last = a.role
        click.echo("  " + _pad(a.username, width + 4) + _pad(str(ROLE_LABELS.get(a.role, a.role)), 12) + a.where)
    click.echo("")


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo: Huaibei's districts, schools, accounts and four contests at different stages."""
        started = time.monotonic()
        if demo_present():
            click.echo("演示数据已存在，未做任何修改 (the demo is already loaded; nothing changed).")
        else:
            with transaction():
                seed_demo(base_url=current_app.config["PUBLIC_BASE_URL"])
            click.echo(f"演示数据已载入 (demo loaded in {time.monotonic() - started:.1f} s).")
        print_accounts(demo_accounts(), DEMO_PASSWORD)
