"""The auth blueprint and what its routes share."""

from __future__ import annotations

from flask import current_app, g
from flask_wtf.csrf import generate_csrf

from ..doorway import AreaBlueprint

bp = AreaBlueprint("auth", __name__)


def seed_csrf() -> None:
    """Put a CSRF raw token into a session that was just cleared, in this very response.

    Otherwise the first pages opened afterwards each create their own raw token, and when two
    tabs load at the same instant the last session cookie wins and the other tab's saves fail.
    The form of this request already cached a token (for the old session) in `g`: drop it first.
    """
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
