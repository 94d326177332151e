"""Reading contests: by code, the organizer's list, whether a round has scores, overview counts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from ...extensions import db
from ...models import Assignment, Contest, Entry, Round, RoundJudge, ScoreSheet


def get_by_code(code: str) -> Contest | None:
    return db.session.scalar(select(Contest).where(Contest.code == code))


def newest_first() -> list[Contest]:
    """Every contest, this year's first, then by code: the order of the organizer's lists."""
    return list(db.session.scalars(select(Contest).order_by(Contest.year.desc(), Contest.code)))


def round_has_scores(rnd: Round) -> bool:
    if rnd.id is None:
        return False
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(ScoreSheet)
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.round_id == rnd.id)
        )
    )


def entry_counts(contest_ids: Collection[int]) -> dict[int, dict[str, int]]:
    """contest id -> {entry state: count}."""
    counts: dict[int, dict[str, int]] = {cid: {} for cid in contest_ids}
    rows = db.session.execute(
        select(Entry.contest_id, Entry.state, func.count())
        .where(Entry.contest_id.in_(list(contest_ids)))
        .group_by(Entry.contest_id, Entry.state)
    ).all()
    for cid, state, n in rows:
        counts[cid][state] = n
    return counts


def judge_counts(contest_ids: Collection[int]) -> dict[int, int]:
    """contest id -> number of distinct judges on any of its rounds."""
    rows = db.session.execute(
        select(Round.contest_id, func.count(func.distinct(RoundJudge.judge_id)))
        .join(RoundJudge, RoundJudge.round_id == Round.id)
        .where(Round.contest_id.in_(list(contest_ids)))
        .group_by(Round.contest_id)
    ).all()
    return {cid: n for cid, n in rows}
