"""What the judging pages share: the round named in the URL, the CSRF-only action form, the
redirect back to a round's page with a message or a refusal, and numbers read from a form."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from ....services import judging as service
from ... import doorway
from ...forms import PageForm
from ...loaders import contest_or_404


class ActionForm(PageForm):
    """CSRF only: the fields of these small forms are read and checked by the services."""


def _round(contest_id: int, number: int):
    contest = contest_or_404(contest_id)
    rnd = service.get_round(contest, number)
    if rnd is None:
        abort(404)
    return contest, rnd


def _checked_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _back(rnd, endpoint: str = "organizer.judging.judging", **kw):
    return redirect(url_for(endpoint, contest_id=rnd.contest_id, number=rnd.number, **kw))


def _done(rnd, message: str, endpoint: str = "organizer.judging.judging", **kw):
    flash(message, "success")
    return _back(rnd, endpoint, **kw)


def _refuse_back(rnd, endpoint: str = "organizer.judging.judging", **kw) -> None:
    """A refused action comes back to the round's page it was sent from, the reason in a flash."""
    doorway.on_refusal(redirect_to=url_for(endpoint, contest_id=rnd.contest_id, number=rnd.number, **kw))


def _plan_place() -> dict:
    """Where the organizer was on the plan (filter, search, page), from a row's form."""
    return {
        "group": request.form.get("group") or None,
        "q": request.form.get("q") or None,
        "page": _int("page") or None,
    }


def _int(name: str, default: int | None = None) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return None


def round_state_label(state: str) -> str:
    labels = {"planning": _("Planning"), "published": _("Published to judges"), "closed": _("Closed")}
    return labels.get(state, state)
