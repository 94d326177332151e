"""The organizer's setup area (a child blueprint): contests in `contests` and `contest_settings`
(their forms in `contest_forms`), rubrics in `rubrics`,
a section's required 申报书 fields in `section_fields`, imports from spreadsheets in `imports`;
each module registers its routes on `bp` when imported."""

from __future__ import annotations

from . import contest_settings, contests, imports, rubrics, section_fields
from .blueprint import bp

__all__ = ["bp", "contest_settings", "contests", "imports", "rubrics", "section_fields"]
