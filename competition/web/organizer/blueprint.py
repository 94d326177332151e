"""The organizer's area: the parent blueprint. Its before_request checks login and role for every
request to it and to its child blueprints (registered on it in views.py), before any view runs."""

from __future__ import annotations

from flask_login import login_required

from ..doorway import AreaBlueprint
from ..permissions import role_required

bp = AreaBlueprint("organizer", __name__)


@bp.before_request
@login_required
@role_required("organizer")
def _organizers_only():
    """Every route of this blueprint and of its children is for organizers; checked before any view runs."""
    return None
