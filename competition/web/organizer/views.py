"""The organizer's area. One blueprint, one module per topic (contests, accounts, judging,
results, certificates, exports, reports), each registering its routes on `bp`."""
from __future__ import annotations

import importlib

from flask import Blueprint
from flask_login import login_required

from ...permissions import role_required

bp = Blueprint("organizer", __name__)


@bp.before_request
@login_required
@role_required("organizer")
def _organizers_only():
    """Every route of this blueprint is for organizers; checked before any view runs."""
    return None


TOPICS = ("home", "contests", "accounts", "judging", "results", "certificates", "exports", "reports", "audit")
for _topic in TOPICS:
    try:
        importlib.import_module(f"{__package__}.{_topic}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{_topic}":
            raise
