"""Loaders (flaskr's `get_post(id, check_author)`, Indico's `SpecificAbstractMixin`): a view
fetches the rows of its URL once, here, and gets 404 for an id that does not exist."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

from ..models import Contest
from ..services import lookup

Row = TypeVar("Row")


def row_or_404(model: type[Row], ident: int) -> Row:
    """The row of `model` with this id; 404 when there is none."""
    row = lookup.get(model, ident)
    if row is None:
        abort(404)
    return row


def contest_or_404(contest_id: int) -> Contest:
    return row_or_404(Contest, contest_id)


def part_of_or_404(model: type[Row], ident: int, **belongs: int) -> Row:
    """A row that must belong to the URL's parent (a certificate of this contest): anything
    else is 404, so that ids of other contests cannot be reached through this one's pages."""
    row = row_or_404(model, ident)
    if any(getattr(row, name) != value for name, value in belongs.items()):
        abort(404)
    return row
