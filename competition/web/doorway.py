"""One doorway per request (after Indico's `RH.process`): the transaction and the refusals.

Every view of every area is registered through `AreaBlueprint`, which wraps it so that:

- a view that returns normally (a status below 400) is committed once, at its end, and then
  the callbacks it queued with `after_commit` run (a job handed to the worker must see its row);
- a view that returns a 4xx/5xx answer, or raises, is rolled back;
- a `ServiceError` is rolled back and answered in one place: as the view asked with
  `on_refusal` (its form shown again with the message on the field, a redirect, or an answer
  of its own), else JSON `{ok: false, error}` with 400 for a JSON request, else a flash and a
  redirect back to the page the user came from.

Views therefore never call commit or rollback, and never catch ServiceError themselves; the
CLI's commands follow the same rule through `competition.cli.doorway.transaction`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from ..extensions import db
from ..services import ServiceError
from .forms import show_service_error

Respond = Callable[[ServiceError], ResponseReturnValue]


@dataclass
class _Request:
    """What the view asked of the doorway for this request."""

    respond: Respond | None = None
    keep_changes: bool = False
    after_commit: list[Callable[[], None]] = field(default_factory=list)


def _current() -> _Request:
    state = g.get("_doorway")
    if state is None:  # outside a doorway view (an error handler, a test's request context)
        state = g._doorway = _Request()
    return state


def on_refusal(
    *,
    respond: Respond | None = None,
    redirect_to: str | None = None,
    form: Any = None,
    render: Callable[[], ResponseReturnValue] | None = None,
    status: int | None = 400,
    aliases: dict[str, str] | None = None,
    keep_changes: bool = False,
) -> None:
    """How this request answers a ServiceError raised after this call. One of:

    - `form` and `render`: each problem goes beside the form's field it names (`aliases` maps a
      service's field name to the form's), else into a flash (`web.forms.show_service_error`),
      and `render()` shows the page again, with `status` (None: the page's own);
    - `redirect_to`: a flash with the message and a redirect there;
    - `respond`: a function of the error that makes the whole answer.

    `keep_changes` commits what the service recorded before it refused (a failed login's count).
    """
    if form is not None and render is not None:
        respond = _on_form(form, render, status, aliases)
    elif redirect_to is not None:
        respond = _redirect_with_flash(redirect_to)
    if respond is None:
        raise TypeError("on_refusal needs respond=, redirect_to= or form= with render=")
    state = _current()
    state.respond = respond
    state.keep_changes = keep_changes


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's transaction is committed (never if it is rolled back)."""
    _current().after_commit.append(callback)


def _on_form(
    form: Any, render: Callable[[], ResponseReturnValue], status: int | None, aliases: dict[str, str] | None
) -> Respond:
    def respond(exc: ServiceError) -> ResponseReturnValue:
        show_service_error(form, exc, aliases)
        response = current_app.make_response(render())
        if status is not None and response.status_code < 400:
            response.status_code = status
        return response

    return respond


def _redirect_with_flash(target: str) -> Respond:
    def respond(exc: ServiceError) -> ResponseReturnValue:
        flash(exc.message, "danger")
        return redirect(target)

    return respond


def _came_from() -> str:
    """The page of this site the user came from, else the site's front page."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.scheme in ("http", "https"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def _default_refusal(exc: ServiceError) -> ResponseReturnValue:
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(ok=False, error=exc.message), 400
    flash(exc.message, "danger")
    return redirect(_came_from())


def _finish(state: _Request, response: Response, *, refused: bool) -> Response:
    if (response.status_code < 400 and not refused) or state.keep_changes:
        try:
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        for callback in state.after_commit:
            callback()
    else:
        db.session.rollback()
    return response


def through_doorway(view: Callable[..., ResponseReturnValue]) -> Callable[..., Response]:
    """Wrap one view in the request's transaction and refusal handling."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Response:
        state = g._doorway = _Request()
        try:
            answer = view(*args, **kwargs)
        except ServiceError as exc:
            if not state.keep_changes:
                # before the answer is made: it may read rows, and a failed flush poisons the session
                db.session.rollback()
            respond = state.respond or _default_refusal
            response = current_app.make_response(respond(exc))
            return _finish(state, response, refused=True)
        except BaseException:
            db.session.rollback()
            raise
        return _finish(state, current_app.make_response(answer), refused=False)

    run.through_doorway = True  # type: ignore[attr-defined]
    return run


class AreaBlueprint(Blueprint):
    """A blueprint whose every view goes through the doorway."""

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        if view_func is not None and not getattr(view_func, "through_doorway", False):
            # The same function under two rules must stay one function for Flask's endpoint check.
            wrapped = view_func.__dict__.get("_doorway_wrapper")
            if wrapped is None:
                wrapped = view_func.__dict__["_doorway_wrapper"] = through_doorway(view_func)
            view_func = wrapped
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options=provide_automatic_options, **options)
