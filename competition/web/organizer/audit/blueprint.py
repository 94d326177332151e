"""The organizer's audit log. A child of the organizer blueprint, which checks the role."""

from __future__ import annotations

from ...doorway import AreaBlueprint

bp = AreaBlueprint("audit", __name__)
