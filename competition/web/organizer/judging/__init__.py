"""The organizer's judging area (a child blueprint): the contest's and rounds' pages in `rounds`,
judges, assignments and conflicts in `staffing`, progress and sheets in `progress`, promotion
and re-judging in `promotion`; each module registers its routes on `bp` when imported."""

from __future__ import annotations

from . import progress, promotion, rounds, staffing
from .blueprint import bp

__all__ = ["bp", "progress", "promotion", "rounds", "staffing"]
