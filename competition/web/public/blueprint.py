"""Pages anyone may open: certificate verification and the public notice of results (公示)."""
from __future__ import annotations

from flask import Blueprint


bp = Blueprint("public", __name__)
