"""Pages anyone may open: certificate verification and the public notice of results (公示)."""

from __future__ import annotations

from ..doorway import AreaBlueprint

bp = AreaBlueprint("public", __name__)
