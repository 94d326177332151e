"""The organizer's setup area (a child blueprint): contests in `contests` and `contest_settings`
(their forms in `contest_forms`), rubrics in `rubrics`, imports from spreadsheets in `imports`;
each module registers its routes on `bp` when imported."""

from __future__ import annotations

from . import contest_settings, contests, imports, rubrics
from .blueprint import bp

__all__ = ["bp", "contest_settings", "contests", "imports", "rubrics"]
