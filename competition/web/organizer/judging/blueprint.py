"""The organizer's judging area: rounds, their judges, assignments, conflicts and promotion. A child
of the organizer blueprint, which checks the role."""

from __future__ import annotations

from ...doorway import AreaBlueprint

bp = AreaBlueprint("judging", __name__)
