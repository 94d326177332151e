"""The server's check that a contest's phase allows a write (see domain/write_rules.py)."""

from __future__ import annotations

from sqlalchemy import select

from ..domain import write_rules
from ..extensions import db
from ..i18n.messages import translate
from ..models import Contest
from ..models.results import RankingRun
from . import ServiceError


class PhaseClosed(ServiceError):
    """The contest's phase does not allow this write; the judge's JSON endpoints answer 409."""


def results_locked(contest: Contest) -> bool:
    locked_at = db.session.scalar(
        select(RankingRun.locked_at).where(RankingRun.contest_id == contest.id).order_by(RankingRun.id.desc()).limit(1)
    )
    return locked_at is not None


def phase(contest: Contest) -> str:
    return write_rules.phase(contest.state, results_locked(contest))


def check(contest: Contest, kind: str) -> None:
    """Raise PhaseClosed when `contest` is past the phases in which `kind` may be written."""
    message = refusal(contest, kind)
    if message is not None:
        raise PhaseClosed(message)


def refusal(contest: Contest, kind: str) -> str | None:
    """Why a write of `kind` is refused now (for a page that shows the form read-only), or None."""
    error = write_rules.write_error(kind, phase(contest))
    return None if error is None else translate(error)
