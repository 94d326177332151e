"""Pages anyone may open: certificate verification and the public notice of results (公示)."""
from __future__ import annotations

from flask import Blueprint

from .._topics import load_topics

bp = Blueprint("public", __name__)

load_topics(__package__, ("verify", "notice"))
