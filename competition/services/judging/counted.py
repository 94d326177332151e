"""Scores for others: the sheets that count, a round's final totals and criterion means."""

from __future__ import annotations

from sqlalchemy import Select, select

from ...domain.ranking import ScoreRecord
from ...domain.states import SheetState
from ...extensions import db
from ...models import Assignment, Criterion, Round, Rubric, ScoreSheet

# --------------------------------------------------------------------------- scores for others


def counted_sheets(*columns) -> Select:
    """``select(*columns)`` over the sheets that count (``domain.scoring.counts``: final, with a
    total), joined as Assignment -> ScoreSheet -> Round; the caller adds the round or contest."""
    return (
        select(*columns)
        .select_from(Assignment)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(Round, Round.id == Assignment.round_id)
        .where(ScoreSheet.state == SheetState.FINAL, ScoreSheet.total.is_not(None))
    )


def final_scores(rnd: Round) -> list[ScoreRecord]:
    """The weighted totals of the round's sheets that count, one ScoreRecord per sheet.

    ``ScoreRecord(entry_id, judge_id, score)`` with the score on 0-100, ready for
    ``competition.domain.ranking.rank``. Drafts never count.
    """
    rows = db.session.execute(
        counted_sheets(Assignment.entry_id, Assignment.judge_id, ScoreSheet.total)
        .where(Assignment.round_id == rnd.id)
        .order_by(Assignment.entry_id, Assignment.judge_id)
    ).all()
    return [ScoreRecord(entry_id, judge_id, float(total)) for entry_id, judge_id, total in rows]


def criterion_means(rnd: Round, code: str) -> dict[int, float]:
    """Mean score of one criterion per entry over the round's sheets that count.

    ``code`` is the criterion's code (``novelty``) or its name (``创新性``), so both forms of
    the ``tie_break`` setting (``criterion:novelty``, ``criterion:创新性``) work. Entries whose
    rubric has no such criterion are left out.
    """
    wanted = set(
        db.session.scalars(
            select(Criterion.id)
            .join(Rubric, Criterion.rubric_id == Rubric.id)
            .where(Rubric.round_id == rnd.id, (Criterion.code == code) | (Criterion.name == code))
        )
    )
    if not wanted:
        return {}
    sums: dict[int, list[float]] = {}
    rows = db.session.execute(
        counted_sheets(Assignment.entry_id, ScoreSheet.scores).where(Assignment.round_id == rnd.id)
    )
    for entry_id, scores in rows:
        for key, value in (scores or {}).items():
            if key.isdigit() and int(key) in wanted and value is not None:
                sums.setdefault(entry_id, []).append(float(value))
    return {entry_id: round(sum(v) / len(v), 4) for entry_id, v in sums.items()}
