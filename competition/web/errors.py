"""Error pages in Chinese; JSON for API-style requests."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from ..extensions import db


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or best == "application/json"


def register_error_handlers(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood."),
        403: lambda: _("You do not have permission to do this."),
        404: lambda: _("The page or item was not found."),
        405: lambda: _("This action is not allowed here."),
        409: lambda: _("Someone else changed this in the meantime. Reload and try again."),
        413: lambda: _("The upload is larger than the allowed size."),
        429: lambda: _("Too many attempts. Please wait a moment and try again."),
        500: lambda: _("Something went wrong on the server. Nothing was saved; please try again."),
    }

    def render(status: int, message: str):
        if wants_json():
            return jsonify(ok=False, error=message), status
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        message = _("Your form expired or was sent from elsewhere. Reload the page and try again.")
        if wants_json():
            # A script can tell this from other 400s, fetch the session's current token and send again.
            return jsonify(ok=False, error=message, code="csrf", refresh=url_for("auth.csrf_token")), 400
        return render(400, message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        text = messages.get(exc.code)
        return render(exc.code or 500, text() if text else exc.description)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def data_error(exc: Exception):
        # A value the database cannot hold (a 400-digit id, text with NUL, a string longer than
        # its column): only a crafted request gets here, so it is a bad request, not a crash.
        db.session.rollback()
        app.logger.warning("Refused a value the database cannot store: %s", exc)
        return render(400, messages[400]())

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render(500, messages[500]())
