"""The level of one entry once the lines are drawn: its line, the level's minimum score, the remainder
level (优秀奖), each reason written down for the explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..explain import Names
from ..text import N_, Message
from .lines import Lines

# Shared with domain/rule_effects, which finds the entries a level's minimum held back by it.
BELOW_LEVEL_MINIMUM = N_("score %(score).2f is below the %(level)s minimum of %(min).2f")


@dataclass(frozen=True)
class Levels:
    names: list[str]
    cuts: dict[str, int]
    quotas: dict[str, int]
    min_scores: dict[str, float]
    remainder: str | None
    total: int  # award places of all the levels


def level_of(
    p: int, score: float, s: int, levels: Levels, lines: Lines, others: Names, notes: list[Message]
) -> tuple[str | None, bool]:
    """(level, pending) of the entry at position ``p`` (place ``s``, 0-based); its reasons go to ``notes``."""
    for name in levels.names:
        if p in lines.decided.get(name, ()) and p not in lines.above[name]:
            notes.append(
                Message(
                    N_("tied at the %(level)s line: not awarded %(level)s by the organizer's decision"), {"level": name}
                )
            )
    for name in levels.names:
        if p in lines.pending[name]:
            notes.append(
                Message(
                    N_(
                        "tied with %(others)s at the %(level)s line (%(left)d places left): "
                        "waits for the organizer's decision"
                    ),
                    {"others": others, "level": name, "left": levels.cuts[name] - s},
                )
            )
            return None, True
        if p not in lines.above[name]:
            continue
        if score < levels.min_scores.get(name, -math.inf):
            notes.append(
                Message(
                    BELOW_LEVEL_MINIMUM,
                    {"score": score, "level": name, "min": levels.min_scores[name]},
                )
            )
            continue
        if p in lines.decided.get(name, ()):
            notes.append(
                Message(
                    N_("tied at the %(level)s line: awarded %(level)s by the organizer's decision"), {"level": name}
                )
            )
        else:
            notes.append(
                Message(
                    N_("%(quota)d places for %(level)s: awarded %(level)s"),
                    {"quota": levels.quotas[name], "level": name},
                )
            )
        return name, False
    remainder = levels.remainder
    if remainder and score >= levels.min_scores.get(remainder, -math.inf):
        notes.append(
            Message(
                N_("outside the %(total)d places of the levels above: awarded %(level)s"),
                {"total": levels.total, "level": remainder},
            )
        )
        return remainder, False
    if remainder:
        notes.append(
            Message(
                BELOW_LEVEL_MINIMUM,
                {"score": score, "level": remainder, "min": levels.min_scores[remainder]},
            )
        )
    notes.append(Message(N_("%(total)d award places in all: no award"), {"total": levels.total}))
    return None, False
