"""The organizer's area. One blueprint, one module per topic (contests, accounts, judging,
results, certificates, exports, reports), each registering its routes on `bp`."""

from __future__ import annotations

from flask_login import login_required

from ..doorway import AreaBlueprint
from ..permissions import role_required

bp = AreaBlueprint("organizer", __name__)


@bp.before_request
@login_required
@role_required("organizer")
def _organizers_only():
    """Every route of this blueprint is for organizers; checked before any view runs."""
    return None
