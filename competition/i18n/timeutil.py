"""Conversions between stored naive UTC and the time people read and type: the zone named by the
DISPLAY_TIMEZONE setting (Beijing time by default). Inside an app context the zone comes from the
app's config; outside one, or when the caller passes `zone`, from the argument or the default."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from ..config import Defaults


def display_zone() -> ZoneInfo:
    name = current_app.config.get("DISPLAY_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or Defaults.DISPLAY_TIMEZONE)  # ZoneInfo caches zones by name


def local_to_utc(value: datetime | None, zone: tzinfo | None = None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or display_zone())
    return value.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime | None, zone: tzinfo | None = None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(zone or display_zone())
