"""`assign_awards` for one ranking group and `award_groups` for every group of a ranking."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..explain import Names
from ..text import N_, Message
from .levels import Levels, level_of
from .lines import CutTie, draw_lines
from .proportions import DEFAULT_LEVELS, Rounding, TieBreak, cut_positions, order, score_ranks, tie_classes

# Shared with domain/rule_effects, which lists the groups left to the organizer by it.
SMALL_GROUP = N_(
    "the group has %(n)d entries, fewer than the %(min)d needed to award by proportion: the organizer decides"
)


@dataclass(frozen=True)
class Award:
    """Award decision for one entry, with an explanation (translatable parts) for the UI."""

    entry_id: Hashable
    level: str | None
    position: int  # place after tie-breaks (tied entries share it)
    rank: int  # competition rank by score within the group (1,2,2,4)
    group_size: int
    pending: bool  # waits for an organizer decision on a tie
    explanation: tuple[Message, ...]
    group: Hashable = None


@dataclass(frozen=True)
class AwardOutcome:
    awards: list[Award]
    ties: list[CutTie]
    cuts: dict[str, int]  # cumulative places above each level's line
    group: Hashable = None
    quotas: dict[str, int] = field(default_factory=dict)  # nominal places per level

    @property
    def resolved(self) -> bool:
        return not self.ties

    def by_entry(self) -> dict[Hashable, Award]:
        return {a.entry_id: a for a in self.awards}


def _names(ids: Iterable[Hashable], labels: Mapping[Hashable, str]) -> Names:
    return Names(labels.get(i, str(i)) for i in ids)


def assign_awards(
    results: Iterable[Any],
    levels: Sequence[tuple[str, float]] = DEFAULT_LEVELS,
    *,
    rounding: Rounding = "half_up",
    min_scores: Mapping[str, float] | None = None,
    tie_break: Sequence[TieBreak] | None = None,
    tie_decisions: Mapping[str, Collection[Hashable]] | None = None,
    labels: Mapping[Hashable, str] | None = None,
    group: Hashable = None,
    remainder: str | None = None,
    max_share: float | None = None,
    min_group_size: int = 0,
) -> AwardOutcome:
    """Award levels within one ranking group (组内按比例评奖).

    Results must come from one connected component of the judge-entry graph
    (scores of different components are not comparable): otherwise
    ``ValueError``.  ``labels`` names entries in explanations (default: id).  ``max_share``
    caps the awarded share of the group (see cut_positions); a group of fewer than
    ``min_group_size`` entries gets no level by proportion: the organizer decides its awards
    (an override per entry).
    """
    results = list(results)
    if len({getattr(r, "component", 0) for r in results}) > 1:
        raise ValueError("results of one group come from several components: scores are not comparable")
    tie_break = list(tie_break or [])
    min_scores = dict(min_scores or {})
    tie_decisions = dict(tie_decisions or {})
    labels = dict(labels or {})
    n = len(results)
    if 0 < n < min_group_size:
        return _organizer_decides(results, levels, group, min_group_size)
    cuts = cut_positions(n, levels, rounding, max_share)
    names = [name for name, _ in levels]
    quotas = {name: cuts[name] - (cuts[names[i - 1]] if i else 0) for i, name in enumerate(names)}
    unknown = set(tie_decisions) - set(names)
    if unknown:
        raise ValueError(f"tie decision for unknown level(s): {sorted(unknown)}")

    ordered = order(results, tie_break)
    spans = tie_classes(ordered, tie_break)
    span_of = [span for span in spans for _ in range(span[0], span[1])]
    ranks = score_ranks(ordered)
    lines = draw_lines(ordered, span_of, names, cuts, min_scores, tie_decisions)
    stale = set(tie_decisions) - set(lines.decided)
    if stale:
        raise ValueError(f"no tie at these levels' lines for a decision to apply to: {sorted(stale)}")

    rules = Levels(names, cuts, quotas, min_scores, remainder, cuts[names[-1]] if names else 0)
    awards = []
    chain = Names(tb.label for tb in tie_break)
    for p, r in enumerate(ordered):
        s, _ = span_of[p]
        s += lines.placed_below.get(p, 0)
        where = {"position": s + 1, "n": n}
        if ranks[p] != s + 1 and tie_break:
            notes = [
                Message(
                    N_(
                        "rank %(position)d of %(n)d in the group (tied on score for rank %(rank)d, "
                        "ordered by %(chain)s)"
                    ),
                    {**where, "rank": ranks[p], "chain": chain},
                )
            ]
        else:
            notes = [Message(N_("rank %(position)d of %(n)d in the group"), where)]
        others = [ordered[q].entry_id for q in range(*span_of[p]) if q != p]
        level, is_pending = level_of(p, r.score, s, rules, lines, _names(others, labels), notes)
        awards.append(Award(r.entry_id, level, s + 1, ranks[p], n, is_pending, tuple(notes), group))
    return AwardOutcome(awards, ties=lines.ties, cuts=cuts, group=group, quotas=quotas)


def _organizer_decides(
    results: list[Any], levels: Sequence[tuple[str, float]], group: Hashable, min_group_size: int
) -> AwardOutcome:
    """A group too small for proportions: no level, each entry saying why."""
    n = len(results)
    ordered = order(results, [])
    ranks = score_ranks(ordered)
    note = Message(SMALL_GROUP, {"n": n, "min": min_group_size})
    awards = [Award(r.entry_id, None, ranks[p], ranks[p], n, False, (note,), group) for p, r in enumerate(ordered)]
    empty = {name: 0 for name, _ in levels}
    return AwardOutcome(awards, ties=[], cuts=empty, group=group, quotas=dict(empty))


def _default_group(result: Any) -> Hashable:
    try:
        return (result.section, result.stage)
    except AttributeError as exc:
        raise ValueError("pass group_of: results carry no section / stage") from exc


def award_groups(
    results: Iterable[Any],
    levels: Sequence[tuple[str, float]] = DEFAULT_LEVELS,
    *,
    group_of: Callable[[Any], Hashable] | Mapping[Hashable, Hashable] = _default_group,
    tie_decisions: Mapping[Hashable, Mapping[str, Collection[Hashable]]] | None = None,
    **options: Any,
) -> dict[Hashable, AwardOutcome]:
    """Group results (default: section x stage, 类别 x 学段) and award every group.

    ``group_of``: mapping entry_id -> group key, or a callable on a result.
    ``tie_decisions``: per group, as in :func:`assign_awards`.  Other options
    are passed to :func:`assign_awards`.  Groups keep the results' order.
    """
    key = group_of if callable(group_of) else (lambda r: group_of[r.entry_id])
    groups: dict[Hashable, list[Any]] = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    decisions = tie_decisions or {}
    return {
        g: assign_awards(members, levels, tie_decisions=decisions.get(g), group=g, **options)
        for g, members in groups.items()
    }
