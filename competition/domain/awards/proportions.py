"""The proportions of a group's levels (where each level's line falls) and the order within a group:
score first, then the tie-break chain."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..text import Message

DEFAULT_LEVELS: tuple[tuple[str, float], ...] = (("一等奖", 0.10), ("二等奖", 0.20), ("三等奖", 0.30))

Rounding = str | Callable[[float], int]


@dataclass(frozen=True)
class TieBreak:
    """One link of the tie-break chain (同分排序依据).

    ``key``: a callable on the result, the name of a result attribute (e.g.
    ``"raw_sum"``, ``"n_judges"``) or a mapping entry_id -> value supplied by
    the caller (e.g. 创新性 scores, final-round scores).  Higher is better
    unless ``descending=False``.
    """

    label: str | Message
    key: Callable[[Any], Any] | str | Mapping[Hashable, Any]
    descending: bool = True

    def value(self, result: Any) -> Any:
        if callable(self.key):
            return self.key(result)
        if isinstance(self.key, str):
            return getattr(result, self.key)
        return self.key.get(result.entry_id)

    def sort_key(self, result: Any) -> tuple[bool, Any]:
        """Missing values (None) come last whichever the direction."""
        v = self.value(result)
        return (v is not None, v) if self.descending else (v is None, v)


def _round(x: float, rounding: Rounding) -> int:
    x = round(x, 9)  # 0.1 x 30 = 3.0000000000000004 must count as 3
    if callable(rounding):
        return int(rounding(x))
    if rounding == "half_up":
        return math.floor(x + 0.5)
    if rounding == "floor":
        return math.floor(x)
    if rounding == "ceil":
        return math.ceil(x)
    raise ValueError(f"unknown rounding {rounding!r}")


def award_cap(n: int, max_share: float | None) -> int:
    """The most entries of a group of ``n`` that may be awarded: ``floor(n x max_share)`` (a cap is
    never exceeded: 60% of 3 entries is 1.8, so 1), or all of them without a cap."""
    if max_share is None:
        return n
    if not 0 <= max_share <= 1:
        raise ValueError("the awarded share must be between 0 and 100%")
    return math.floor(round(n * max_share, 9))


def cut_positions(
    n: int, levels: Sequence[tuple[str, float]], rounding: Rounding = "half_up", max_share: float | None = None
) -> dict[str, int]:
    """Places above each level's line (cumulative), per the documented rule; no line below the
    cap of ``max_share`` of the group (award_cap)."""
    cuts: dict[str, int] = {}
    total, prev = 0.0, 0
    cap = award_cap(n, max_share)
    for name, share in levels:
        if share < 0:
            raise ValueError("proportions must be >= 0")
        total += share
        c = min(max(_round(n * total, rounding), prev), n)
        if n and share > 0 and c == prev:
            # at least one place per level, but never the group's last entry: "at least one
            # place" alone does not award every entry of a small group, with or without the cap
            c = max(prev, min(prev + 1, n - 1))
        cuts[name] = prev = min(c, cap)
    if total > 1 + 1e-9:
        raise ValueError("proportions add up to more than 100%")
    return cuts


def order(results: list[Any], tie_break: Sequence[TieBreak]) -> list[Any]:
    """Best first: by score, then by each link of the tie-break chain."""
    ordered = list(results)
    for tb in reversed(tie_break):  # stable sorts, last key first
        ordered.sort(key=tb.sort_key, reverse=tb.descending)
    ordered.sort(key=lambda r: r.score, reverse=True)
    return ordered


def tie_classes(ordered: list[Any], tie_break: Sequence[TieBreak]) -> list[tuple[int, int]]:
    """[start, end) spans of entries equal on score and every tie-break key."""
    keys = [(r.score, *(tb.value(r) for tb in tie_break)) for r in ordered]
    spans, start = [], 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or keys[i] != keys[start]:
            spans.append((start, i))
            start = i
    return spans


def score_ranks(ordered: list[Any]) -> list[int]:
    """Competition ranks by score alone (1, 2, 2, 4)."""
    ranks, last = [], None
    for i, r in enumerate(ordered):
        if last is None or r.score != ordered[i - 1].score:
            last = i + 1
        ranks.append(last)
    return ranks
