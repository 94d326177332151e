"""The organizer's accounts area: users, schools and districts. A child of the organizer
blueprint, which checks the role."""

from __future__ import annotations

from ...doorway import AreaBlueprint

bp = AreaBlueprint("accounts", __name__)
