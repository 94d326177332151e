"""Where each level's line falls in the ordered group, and the ties that straddle a line (settled by the
organizer's decision, or left waiting for it)."""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CutTie:
    """A tie straddling a level's lower line that needs the organizer (待裁定并列)."""

    level: str
    cut_position: int  # places above the line
    entry_ids: tuple[Hashable, ...]
    places: int  # how many of the tied entries fit above the line
    score: float


@dataclass
class Lines:
    """Where each level's line fell: the positions (0-based) above it and those waiting on a tie there."""

    above: dict[str, set[int]] = field(default_factory=dict)
    pending: dict[str, set[int]] = field(default_factory=dict)
    decided: dict[str, set[int]] = field(default_factory=dict)  # the tie at the line the organizer settled
    ties: list[CutTie] = field(default_factory=list)
    placed_below: dict[int, int] = field(default_factory=dict)  # position -> places put above it in its tie


def draw_lines(
    ordered: list[Any],
    span_of: list[tuple[int, int]],
    names: list[str],
    cuts: dict[str, int],
    min_scores: Mapping[str, float],
    tie_decisions: Mapping[str, Collection[Hashable]],
) -> Lines:
    """Each level's line in turn, from the highest."""
    lines = Lines()
    n = len(ordered)
    prev_above: set[int] = set()
    for name in names:
        c = cuts[name]
        now: set[int] = set(range(c)) | prev_above
        wait: set[int] = set()
        if 0 < c < n and span_of[c - 1] == span_of[c]:
            now, wait = _line_in_tie(lines, name, c, span_of[c], ordered, prev_above, min_scores, tie_decisions)
        lines.above[name], lines.pending[name] = now, wait
        prev_above = now
    return lines


def _line_in_tie(
    lines: Lines,
    name: str,
    c: int,
    span: tuple[int, int],
    ordered: list[Any],
    prev_above: set[int],
    min_scores: Mapping[str, float],
    tie_decisions: Mapping[str, Collection[Hashable]],
) -> tuple[set[int], set[int]]:
    """A tie straddles the line of level ``name``: (positions above the line, positions waiting)."""
    s, e = span
    members = range(s, e)
    floor = min_scores.get(name, -math.inf)
    now = set(range(s)) | prev_above
    wait: set[int] = set()
    if not any(ordered[p].score >= floor for p in members) or _members_in(prev_above, members):
        return now, wait
    ids = tuple(ordered[p].entry_id for p in members)
    if name in tie_decisions:
        chosen = set(tie_decisions[name])
        if not chosen <= set(ids):
            raise ValueError(f"decision for {name} names entries not in the tie: {sorted(map(str, chosen - set(ids)))}")
        picked = {p for p in members if ordered[p].entry_id in chosen}
        now |= picked
        lines.decided[name] = set(members)
        for q in set(members) - picked:  # placed below the chosen ones
            lines.placed_below[q] = max(lines.placed_below.get(q, 0), len(picked))
    else:
        lines.ties.append(CutTie(name, c, ids, c - s, ordered[s].score))
        wait = set(members) - now
    return now, wait


def _members_in(positions: set[int], members: range) -> bool:
    """True when the whole tied span is already above an earlier line."""
    return all(p in positions for p in members)
