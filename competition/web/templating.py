"""Template filters and globals shared by every blueprint."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale

from .. import labels


def to_local(value: datetime | None) -> datetime | None:
    """Stored times are naive UTC; people read Asia/Shanghai."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return value.replace(tzinfo=timezone.utc).astimezone(zone)


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.jinja_env.globals.update(
        get_locale=get_locale,
        has_endpoint=lambda name: name in current_app.view_functions,
        ENTRY_STATE_LABELS=labels.ENTRY_STATE_LABELS,
        CONTEST_STATE_LABELS=labels.CONTEST_STATE_LABELS,
        ROLE_LABELS=labels.ROLE_LABELS,
        CONTEST_KIND_LABELS=labels.CONTEST_KIND_LABELS,
        STATE_BADGES=labels.STATE_BADGES,
    )
