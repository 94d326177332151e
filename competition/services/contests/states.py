"""Moving a contest through its states, and the order of its windows."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...domain.states import contest_transition_error
from ...extensions import db
from ...i18n.messages import translate
from ...models import Contest, User
from .. import ServiceError, audit


def change_state(contest: Contest, target: str, *, actor: User | None, reason: str | None = None) -> None:
    error = contest_transition_error(contest.state, target)
    if error:
        raise ServiceError(translate(error))
    before = contest.state
    contest.state = target
    db.session.flush()
    audit.record(actor, "contest.state", contest, before={"state": before}, after={"state": target}, reason=reason)


WINDOW_KEYS = ("submission_opens_at", "submission_closes_at", "judging_opens_at", "judging_closes_at")


def window_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for windows out of order; values are naive Beijing datetimes or None.

    Judging cannot open before submissions close: the format review comes in between.
    """
    sub_open, sub_close, j_open, j_close = (values.get(k) for k in WINDOW_KEYS)
    problems = []
    if sub_open and sub_close and sub_open >= sub_close:
        problems.append(("submission_closes_at", _("Submissions must open before they close.")))
    if j_open and j_close and j_open >= j_close:
        problems.append(("judging_closes_at", _("Judging must open before it closes.")))
    if j_open and sub_close and j_open < sub_close:
        problems.append(
            (
                "judging_opens_at",
                _(
                    "Judging cannot open before submissions close (%(when)s): the format review comes in between.",
                    when=sub_close.strftime("%Y-%m-%d %H:%M"),
                ),
            )
        )
    return problems
