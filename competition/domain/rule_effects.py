"""What each award and nomination rule of a contest did to its results (规则的影响).

Pure module. The results page shows every rule that is set (a level's minimum score, the award
cap, the smallest group awarded by proportion, the nomination minimum, the school, district and
group caps) beside the entries or groups it affected, so the organizer sees a rule's effect
without reading every entry's explanation. The entries are found from the explanation each result
already keeps: a rule that held an entry back wrote one of the templates imported below.
The award cap is worked out from the group sizes, as the awards step does (`cut_positions`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .awards.levels import BELOW_LEVEL_MINIMUM
from .awards.proportions import cut_positions
from .nominations import BELOW_NOMINATION_MINIMUM, CAP_REACHED
from .text import Message

__all__ = ["CappedGroup", "ResultFacts", "RuleEffect", "rule_effects"]

# The order of the rows on the page: awards first, then nominations.
RULES = ("level_minimum", "award_cap", "small_group", "nomination_minimum", "school_cap", "district_cap", "group_quota")
_CAP_RULE = {"group": "group_quota", "school": "school_cap", "district": "district_cap"}


@dataclass(frozen=True)
class ResultFacts:
    """One stored result as this module needs it."""

    label: str  # the entry's number, else its title
    group: Hashable  # the group it was awarded in
    award_parts: tuple[Message, ...]
    nomination_parts: tuple[Message, ...]


@dataclass(frozen=True)
class CappedGroup:
    """A group the award cap took places from: ``places`` instead of ``uncapped``."""

    group: Hashable
    size: int
    places: int
    uncapped: int


@dataclass(frozen=True)
class RuleEffect:
    """One rule row: which rule (`RULES`), its setting, and what it affected."""

    rule: str
    value: float | int | str  # the setting, e.g. 85.0 or 0.6
    level: str | None = None  # for a level's minimum score
    entries: tuple[str, ...] = ()  # labels of the entries it held back
    groups: tuple[Hashable, ...] = ()  # groups it left to the organizer (small_group)
    capped: tuple[CappedGroup, ...] = field(default_factory=tuple)  # award_cap


def _held(results: Iterable[ResultFacts], template: str, where: str, **params: object) -> tuple[str, ...]:
    """Labels of the results whose award or nomination parts hold `template` with `params`."""
    found = []
    for r in results:
        parts = r.award_parts if where == "award" else r.nomination_parts
        if any(m.template == template and all(m.params.get(k) == v for k, v in params.items()) for m in parts):
            found.append(r.label)
    return tuple(found)


def rule_effects(
    results: Sequence[ResultFacts],
    *,
    levels: Sequence[tuple[str, float]],
    min_scores: Mapping[str, float],
    max_share: float | None,
    min_group_size: int,
    nomination_min_score: float | None,
    school_cap: int | None,
    district_cap: int | None,
    group_quota: int | Mapping[Hashable, int] | None,
) -> list[RuleEffect]:
    """A row for every rule that is set, in `RULES` order, each with what it affected (maybe nothing)."""
    sizes: dict[Hashable, int] = {}
    for r in results:
        sizes[r.group] = sizes.get(r.group, 0) + 1
    rows: list[RuleEffect] = []
    names = [name for name, _ in levels]
    for level in [*names, *(lvl for lvl in min_scores if lvl not in names)]:
        if level in min_scores:
            held = _held(results, BELOW_LEVEL_MINIMUM, "award", level=level)
            rows.append(RuleEffect("level_minimum", min_scores[level], level=level, entries=held))
    small = tuple(g for g, n in sizes.items() if n < min_group_size)
    if max_share is not None and max_share < 1 and names:
        capped = []
        for g, n in sizes.items():
            if n < min_group_size:
                continue  # no proportions there: the organizer decides
            last = names[-1]
            places, uncapped = cut_positions(n, levels, max_share=max_share)[last], cut_positions(n, levels)[last]
            if places < uncapped:
                capped.append(CappedGroup(g, n, places, uncapped))
        rows.append(RuleEffect("award_cap", max_share, capped=tuple(capped)))
    if min_group_size > 1:
        rows.append(RuleEffect("small_group", min_group_size, groups=small))
    if nomination_min_score:  # 0: no minimum
        held = _held(results, BELOW_NOMINATION_MINIMUM, "nomination")
        rows.append(RuleEffect("nomination_minimum", nomination_min_score, entries=held))
    for kind, cap in (("school", school_cap), ("district", district_cap), ("group", group_quota)):
        if cap is None or (isinstance(cap, Mapping) and not cap):
            continue
        value = cap if isinstance(cap, int) else ", ".join(f"{k}: {v}" for k, v in cap.items())
        rows.append(RuleEffect(_CAP_RULE[kind], value, entries=_held(results, CAP_REACHED[kind], "nomination")))
    return rows
