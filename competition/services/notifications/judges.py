"""The judges' messages: assigned (how many and by when), released, the round closed. Called
from services/judging/assignments.py where each happens."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...i18n.timeutil import utc_to_local
from ...models import Assignment, Round, RoundJudge, User, utcnow
from .core import notify

LINK = "/judge/"


def _due(rnd: Round) -> str:
    due = utc_to_local(rnd.contest.judging_closes_at)
    return due.strftime("%Y-%m-%d %H:%M") if due else _("the date the organizer announces")


def _stamp() -> str:
    """Each publication, release or closing is its own event (a round may close, open and close)."""
    return utcnow().isoformat()


def _active(ids: Iterable[int]) -> list[User]:
    """The active accounts among `ids`, by id (a disabled judge is told nothing)."""
    users = db.session.scalars(select(User).where(User.id.in_(set(ids)), User.active.is_(True)).order_by(User.id))
    return list(users)


def assigned(rnd: Round, rows: Iterable[Assignment]) -> None:
    """Each judge with newly published entries, once per publication, with the count and the due date."""
    counts = Counter(a.judge_id for a in rows)
    stamp = _stamp()
    for judge in _active(counts):
        count = counts[judge.id]
        notify(
            "judge.assigned",
            event_key=f"judge.assigned:r{rnd.id}:{stamp}",
            subject=_("New judging: %(n)d entries in %(contest)s", n=count, contest=rnd.contest.name),
            body=_(
                "You have %(n)d new entries to judge in %(round)s of %(contest)s. Please submit the score sheets "
                "by %(due)s (Beijing time).",
                n=count,
                round=rnd.name,
                contest=rnd.contest.name,
                due=_due(rnd),
            ),
            user=judge,
            link=f"{LINK}?contest={rnd.contest_id}",
            contest_id=rnd.contest_id,
        )


def released(rnd: Round, judge: User, count: int) -> None:
    notify(
        "judge.released",
        event_key=f"judge.released:r{rnd.id}:{_stamp()}",
        subject=_("Judging changed: %(contest)s", contest=rnd.contest.name),
        body=_(
            "%(n)d entries you had not submitted in %(round)s of %(contest)s were given to other judges. "
            "The score sheets you submitted still count.",
            n=count,
            round=rnd.name,
            contest=rnd.contest.name,
        ),
        user=judge,
        link=f"{LINK}?contest={rnd.contest_id}",
        contest_id=rnd.contest_id,
    )


def round_closed(rnd: Round) -> None:
    """Every judge of the round (its panel and whoever has a published assignment in it)."""
    ids = set(db.session.scalars(select(RoundJudge.judge_id).where(RoundJudge.round_id == rnd.id)))
    ids |= set(
        db.session.scalars(
            select(Assignment.judge_id).where(Assignment.round_id == rnd.id, Assignment.published.is_(True))
        )
    )
    stamp = _stamp()
    for judge in _active(ids):
        notify(
            "round.closed",
            event_key=f"round.closed:r{rnd.id}:{stamp}",
            subject=_("Judging closed: %(round)s of %(contest)s", round=rnd.name, contest=rnd.contest.name),
            body=_(
                "%(round)s of %(contest)s is closed: score sheets can no longer be changed. Thank you for judging.",
                round=rnd.name,
                contest=rnd.contest.name,
            ),
            user=judge,
            link=f"{LINK}?contest={rnd.contest_id}",
            contest_id=rnd.contest_id,
        )
