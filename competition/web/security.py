"""Security headers, the login manager's loader and session hardening."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from ..services import accounts

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self'; object-src 'self'; frame-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def register_security(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The id carries the account's session token, so a password change logs out everywhere.
        ident, _sep, token = user_id.partition(":")
        if not ident.isdigit() or not token:
            return None
        user = accounts.user_for_session(int(ident))
        if user is None or user.session_token != token or not user.active:
            return None
        return user

    @app.after_request
    def headers(response):
        # A view may relax frame-ancestors for files shown inside our own pages.
        response.headers.setdefault("Content-Security-Policy", g.get("csp", CSP))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN" if g.get("csp") else "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
