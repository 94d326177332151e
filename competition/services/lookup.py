"""Rows by primary key, for the web's loaders (competition/web/loaders.py): pages never query."""

from __future__ import annotations

from typing import TypeVar

from ..extensions import db

Row = TypeVar("Row")


def get(model: type[Row], ident: int) -> Row | None:
    """The row of `model` with this id, or None."""
    return db.session.get(model, ident)
