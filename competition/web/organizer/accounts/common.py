"""What the accounts pages and the import pages share: the district and school choices, and
whole numbers read from the query string."""

from __future__ import annotations

from flask import request

from ....services import users


def _district_choices(blank: str) -> list[tuple[int, str]]:
    return [(0, blank)] + [(d.id, d.name) for d in users.districts()]


def _school_choices(blank: str) -> list[tuple[int, str]]:
    return [(0, blank)] + users.school_labels()


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 19 else None
