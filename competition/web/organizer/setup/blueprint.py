"""The organizer's setup area: contests, their definitions and settings, rubrics, and imports of
people. A child of the organizer blueprint, which checks the role."""

from __future__ import annotations

from ...doorway import AreaBlueprint

bp = AreaBlueprint("setup", __name__)
