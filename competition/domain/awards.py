"""Award levels within a ranking group (评奖：一等奖 / 二等奖 / 三等奖).

Pure module.  Input: ranked results of one ranking group (normally section x
stage, 类别 x 学段) as returned by :func:`competition.domain.ranking.rank`
(anything with ``entry_id`` and ``score`` will do).

Rules encoded here (the proportions and minimum scores are per-contest
settings passed in by the caller):

* **Cut positions.**  Levels are ordered, each with a proportion of the
  group, e.g. ``[("一等奖", .10), ("二等奖", .20), ("三等奖", .30)]``.  The
  line under level k sits after ``round(n x (p1 + ... + pk))`` places
  (cumulative, so rounding errors never add up).  Default rounding is
  **round half up** (40 x 10% = 4; 25 x 10% = 2.5 -> 3); ``"floor"`` and
  ``"ceil"`` are available, or any callable float -> int.  When the group is
  non-empty and a level's proportion is > 0, the level gets **at least one
  place** (its cut is pushed one place below the previous one, never past
  the end of the group).
* **Minimum scores.**  ``min_scores={"一等奖": 85}``: an entry above the 一等奖
  line but under 85 drops to the next level whose line and minimum it meets,
  or gets no award.  Its place is not handed to the next entry.
* **Ties (并列).**  Entries with equal score are ordered by the caller's
  tie-break chain (e.g. 创新性 criterion score, number of judges, total of
  all scores).  A tie that still straddles a cut line is **not** broken by id
  or input order: it is returned as a :class:`CutTie` and its entries are
  marked pending until the organizer's decision is passed in
  ``tie_decisions={level: entry ids placed above that line}``.  The organizer
  may put any number of the tied entries above the line (e.g. all of them);
  later lines stay where the proportions put them.
* **Honourable mention (优秀奖).**  ``remainder="优秀奖"``: every entry of the
  group left without a level (and not waiting on a tie) gets it, if it meets
  that level's minimum score (``min_scores={"优秀奖": 60}``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .explain import Names
from .text import N_, Message

__all__ = [
    "DEFAULT_LEVELS",
    "Award",
    "AwardOutcome",
    "CutTie",
    "TieBreak",
    "assign_awards",
    "award_groups",
    "cut_positions",
]

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


@dataclass(frozen=True)
class CutTie:
    """A tie straddling a level's lower line that needs the organizer (待裁定并列)."""

    level: str
    cut_position: int  # places above the line
    entry_ids: tuple[Hashable, ...]
    places: int  # how many of the tied entries fit above the line
    score: float


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


def cut_positions(n: int, levels: Sequence[tuple[str, float]], rounding: Rounding = "half_up") -> dict[str, int]:
    """Places above each level's line (cumulative), per the documented rule."""
    cuts: dict[str, int] = {}
    total, prev = 0.0, 0
    for name, share in levels:
        if share < 0:
            raise ValueError("proportions must be >= 0")
        total += share
        c = min(max(_round(n * total, rounding), prev), n)
        if n and share > 0 and c == prev:
            c = min(prev + 1, n)  # at least one place per level
        cuts[name] = prev = c
    if total > 1 + 1e-9:
        raise ValueError("proportions add up to more than 100%")
    return cuts


def _order(results: list[Any], tie_break: Sequence[TieBreak]) -> list[Any]:
    ordered = list(results)
    for tb in reversed(tie_break):  # stable sorts, last key first
        ordered.sort(key=tb.sort_key, reverse=tb.descending)
    ordered.sort(key=lambda r: r.score, reverse=True)
    return ordered


def _classes(ordered: list[Any], tie_break: Sequence[TieBreak]) -> list[tuple[int, int]]:
    """[start, end) spans of entries equal on score and every tie-break key."""
    keys = [(r.score, *(tb.value(r) for tb in tie_break)) for r in ordered]
    spans, start = [], 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or keys[i] != keys[start]:
            spans.append((start, i))
            start = i
    return spans


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
) -> AwardOutcome:
    """Award levels within one ranking group (组内按比例评奖).

    Results must come from one connected component of the judge-entry graph
    (scores of different components are not comparable): otherwise
    ``ValueError``.  ``labels`` names entries in explanations (default: id).
    """
    results = list(results)
    if len({getattr(r, "component", 0) for r in results}) > 1:
        raise ValueError("results of one group come from several components: scores are not comparable")
    tie_break = list(tie_break or [])
    min_scores = dict(min_scores or {})
    tie_decisions = dict(tie_decisions or {})
    labels = dict(labels or {})
    n = len(results)
    cuts = cut_positions(n, levels, rounding)
    names = [name for name, _ in levels]
    quotas = {name: cuts[name] - (cuts[names[i - 1]] if i else 0) for i, name in enumerate(names)}
    unknown = set(tie_decisions) - set(names)
    if unknown:
        raise ValueError(f"tie decision for unknown level(s): {sorted(unknown)}")

    ordered = _order(results, tie_break)
    spans = _classes(ordered, tie_break)
    span_of = [span for span in spans for _ in range(span[0], span[1])]
    ranks = _score_ranks(ordered)
    lines = _draw_lines(ordered, span_of, names, cuts, min_scores, tie_decisions)
    stale = set(tie_decisions) - set(lines.decided)
    if stale:
        raise ValueError(f"no tie at these levels' lines for a decision to apply to: {sorted(stale)}")

    rules = _Levels(names, cuts, quotas, min_scores, remainder, cuts[names[-1]] if names else 0)
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
        level, is_pending = _level_of(p, r.score, s, rules, lines, _names(others, labels), notes)
        awards.append(Award(r.entry_id, level, s + 1, ranks[p], n, is_pending, tuple(notes), group))
    return AwardOutcome(awards, ties=lines.ties, cuts=cuts, group=group, quotas=quotas)


@dataclass
class _Lines:
    """Where each level's line fell: the positions (0-based) above it and those waiting on a tie there."""

    above: dict[str, set[int]] = field(default_factory=dict)
    pending: dict[str, set[int]] = field(default_factory=dict)
    decided: dict[str, set[int]] = field(default_factory=dict)  # the tie at the line the organizer settled
    ties: list[CutTie] = field(default_factory=list)
    placed_below: dict[int, int] = field(default_factory=dict)  # position -> places put above it in its tie


@dataclass(frozen=True)
class _Levels:
    names: list[str]
    cuts: dict[str, int]
    quotas: dict[str, int]
    min_scores: dict[str, float]
    remainder: str | None
    total: int  # award places of all the levels


def _draw_lines(
    ordered: list[Any],
    span_of: list[tuple[int, int]],
    names: list[str],
    cuts: dict[str, int],
    min_scores: Mapping[str, float],
    tie_decisions: Mapping[str, Collection[Hashable]],
) -> _Lines:
    lines = _Lines()
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
    lines: _Lines,
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


def _level_of(
    p: int, score: float, s: int, levels: _Levels, lines: _Lines, others: Names, notes: list[Message]
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
                    N_("score %(score).2f is below the %(level)s minimum of %(min).2f"),
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
                N_("score %(score).2f is below the %(level)s minimum of %(min).2f"),
                {"score": score, "level": remainder, "min": levels.min_scores[remainder]},
            )
        )
    notes.append(Message(N_("%(total)d award places in all: no award"), {"total": levels.total}))
    return None, False


def _members_in(positions: set[int], members: range) -> bool:
    """True when the whole tied span is already above an earlier line."""
    return all(p in positions for p in members)


def _score_ranks(ordered: list[Any]) -> list[int]:
    ranks, last = [], None
    for i, r in enumerate(ordered):
        if last is None or r.score != ordered[i - 1].score:
            last = i + 1
        ranks.append(last)
    return ranks


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
