"""The teacher's area (指导教师): their school's entries, and later its certificates."""

from __future__ import annotations

from flask_login import login_required

from ..doorway import AreaBlueprint
from ..permissions import role_required

bp = AreaBlueprint("teacher", __name__)


@bp.before_request
@login_required
@role_required("teacher")
def _teachers_only():
    return None
