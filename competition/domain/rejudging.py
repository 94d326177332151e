"""Choosing borderline entries for extra judging (复评 / 加评).

Pure module.  Extra scores are worth most where an entry's place relative to
a cut line (award or nomination line) is least certain: the engine's
``|score - cut score| / uncertainty`` is small.  Scores are handed out one at
a time to the entry whose chance of sitting on the wrong side of the line
drops most with one more score.  After m more scores an entry's standard
error is se x sqrt(n / (n + m)) (scores of the same quality as its current
ones) and its estimate moves by a normal amount of variance
se^2 - se_m^2 (preposterior), so the gain of each further score shrinks and
an entry right on the line gets several scores but not all of them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

from .ranking import RankingOutcome, rank

_erfc = np.vectorize(math.erfc)

__all__ = ["cut_score", "rejudging_priorities", "select_for_rejudging"]


def cut_score(outcome: RankingOutcome, cut_position: int) -> float:
    """Score halfway between the last entry above the cut and the first below it.

    ``cut_position`` is the number of entries above the line (e.g. the
    number of 一等奖 places).  The graph must be connected: across
    components there is no common scale to draw one line on.
    """
    results = outcome.results
    if not outcome.is_connected:
        raise ValueError("the judge-entry graph is split: no common scale to draw one line on")
    if not 1 <= cut_position < len(results):
        raise ValueError(f"cut_position must be between 1 and {len(results) - 1}")
    return (results[cut_position - 1].score + results[cut_position].score) / 2


def rejudging_priorities(outcome: RankingOutcome, cut_position: int) -> list[tuple[Hashable, float]]:
    """(entry_id, distance to the cut in standard errors), most uncertain first."""
    cut = cut_score(outcome, cut_position)
    pri = [(r.entry_id, abs(r.score - cut) / max(r.uncertainty, 1e-9)) for r in outcome.results]
    return sorted(pri, key=lambda p: p[1])  # stable: ties keep the ranking order


# Gauss-Hermite nodes for E[f(X)], X normal: preposterior expectation.
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(24)
_GH_W = _GH_W / _GH_W.sum()


def _wrong_side(distance: float, se0: float, n: int, m: int) -> float:
    """Expected chance of being on the wrong side of the line after m more scores."""
    se_m = se0 * math.sqrt(n / (n + m))
    spread = math.sqrt(max(se0 * se0 - se_m * se_m, 0.0))
    moved = np.abs(distance + spread * _GH_X)
    phi = 0.5 * _erfc(moved / (max(se_m, 1e-12) * math.sqrt(2.0)))
    return float(np.dot(_GH_W, phi))


def select_for_rejudging(
    scores: Iterable[Any],
    extra: int,
    cut_position: int,
    method: str = "calibrated",
    **options: Any,
) -> list[Hashable]:
    """Entry ids to receive ``extra`` additional scores, one id per score.

    An id may appear more than once.  Deterministic: equal gains go to the
    entry nearer the line, then to the better-ranked one.
    """
    if extra <= 0:
        return []
    outcome = rank(scores, method, **options)
    cut = cut_score(outcome, cut_position)
    state = [(r.score - cut, max(r.uncertainty, 1e-9), max(r.n_judges, 1)) for r in outcome.results]

    def gain(pos: int, m: int) -> float:
        d, se, n = state[pos]
        return _wrong_side(d, se, n, m) - _wrong_side(d, se, n, m + 1)

    def z(pos: int, m: int) -> float:
        d, se, n = state[pos]
        return abs(d) / (se * math.sqrt(n / (n + m)))

    # Max-heap on the gain of the next score (m = scores already handed out);
    # where gains vanish numerically, the nearest entry in standard errors wins.
    heap = [(-gain(pos, 0), z(pos, 0), pos, 0) for pos in range(len(state))]
    heapq.heapify(heap)
    chosen: list[Hashable] = []
    for _ in range(extra):
        _, _, pos, m = heapq.heappop(heap)
        chosen.append(outcome.results[pos].entry_id)
        heapq.heappush(heap, (-gain(pos, m + 1), z(pos, m + 1), pos, m + 1))
    return chosen
