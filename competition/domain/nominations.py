"""Nominations to the next round under quotas (推荐上级比赛).

Pure module.  Rules (all per-contest settings passed in by the caller):

* Only entries with an eligible award level (default 一等奖) are considered.
* **Order.**  Candidates are taken greedily in order of their rank within
  their group, then higher score (so the winners of all groups come before
  any runner-up); equal rank and score form a tie.  "place N" in messages is
  the place in this order among eligible candidates.
* **Quota.**  ``quota`` places in all.  With ``stage_shares`` (Anhui's rule,
  the default: {"小学": .10, "初中": .20, "高中": .50}) each stage first gets
  ``quota x share`` places, rounded as ``share_rounding`` says: ``half_up``
  (四舍五入取整数, the province's rule and the default; 25 -> 2.5 / 5 / 12.5
  -> 3 / 5 / 13) or ``floor`` (25 -> 2 / 5 / 12); the rest (here 4, or 6
  when floored) is a **free pool** (自由名额) filled in the same order from
  all stages.  Rounded places that add up to more than the quota are refused
  (ValueError): the shares must be changed.
* **Minimum score.**  ``min_score`` (the ``nomination_min_score`` setting):
  an eligible entry scoring under it is not nominated, and says so.
* **Caps.**  ``group_quota`` (int for every group, or a mapping group ->
  int), ``school_cap`` and ``district_cap`` limit nominations per group /
  school / district; a capped entry is skipped and the next one is taken.
* **Ties.**  A tie that does not fit in the places left (in a pool or
  under a cap) is not broken: it is reported as a :class:`QuotaTie`, its
  entries are pending, and the places stay open until the organizer's choice
  is passed in ``tie_decisions`` (the entry ids to nominate).  A tie at a
  stage line carries its places into the free pool first: if the free pool
  takes the rest of the tie, there is nothing to decide.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass

from .explain import Names
from .scoring import format_score
from .text import N_, Message

__all__ = [
    "SHARE_ROUNDINGS",
    "Candidate",
    "Decision",
    "NominationOutcome",
    "QuotaTie",
    "nominate",
    "stage_places",
    "stage_quotas",
]

# Shared with domain/rule_effects, which lists the entries each rule kept from a nomination.
BELOW_NOMINATION_MINIMUM = N_("score %(score)s is under the minimum of %(min)s for a nomination")
CAP_REACHED = {
    "group": N_("group quota of %(cap)d reached by entries %(by)s"),
    "school": N_("school cap of %(cap)d reached by entries %(by)s"),
    "district": N_("district cap of %(cap)d reached by entries %(by)s"),
}

# How a stage's share of the quota becomes whole places.
SHARE_ROUNDINGS = ("half_up", "floor")


@dataclass(frozen=True)
class Candidate:
    """An entry with its award, as the nomination step needs it."""

    entry_id: Hashable
    label: str  # name in messages, e.g. the project title or number
    group: Hashable
    stage: str  # 学段: 小学 / 初中 / 高中
    school_id: Hashable
    district_id: Hashable
    award: str | None
    score: float
    rank: int  # rank within its group


@dataclass(frozen=True)
class Decision:
    entry_id: Hashable
    nominated: bool
    reason: tuple[Message, ...]  # translatable parts, shown to organizers and teachers
    pending: bool = False  # waits for an organizer decision on a tie


@dataclass(frozen=True)
class QuotaTie:
    pool: str  # which quota or cap the tie sits on: quota, free, stage:<stage>, group, school, district
    entry_ids: tuple[Hashable, ...]
    places: int
    label: Message | None = None  # the quota or cap in words


@dataclass(frozen=True)
class NominationOutcome:
    decisions: list[Decision]
    ties: list[QuotaTie]
    stage_quotas: dict[str, int]
    free_quota: int

    @property
    def nominated(self) -> list[Hashable]:
        return [d.entry_id for d in self.decisions if d.nominated]

    def by_entry(self) -> dict[Hashable, Decision]:
        return {d.entry_id: d for d in self.decisions}


def stage_places(quota: int, shares: Mapping[str, float] | None, rounding: str = "half_up") -> dict[str, int]:
    """``quota x share`` per stage, rounded half up or floored (no check against the quota)."""
    if rounding not in SHARE_ROUNDINGS:
        raise ValueError(f"unknown share rounding {rounding!r}")
    # round(..., 9) first: 25 x 0.1 is 2.5000000000000004 in floats, 30 x 0.7 is 20.999999999999996
    exact = {s: round(quota * p, 9) for s, p in (shares or {}).items()}
    return {s: math.floor(x + 0.5) if rounding == "half_up" else math.floor(x) for s, x in exact.items()}


def stage_quotas(
    quota: int, shares: Mapping[str, float] | None, rounding: str = "half_up"
) -> tuple[dict[str, int], int]:
    """Places per stage (see stage_places) and the free pool (the rest)."""
    shares = shares or {}
    if sum(shares.values()) > 1 + 1e-9:
        raise ValueError("stage shares add up to more than 100%")
    fixed = stage_places(quota, shares, rounding)
    if sum(fixed.values()) > quota:
        raise ValueError(f"the rounded stage shares give {sum(fixed.values())} places, more than the quota of {quota}")
    return fixed, quota - sum(fixed.values())


class _Caps:
    """Counts per group / school / district against their limits."""

    def __init__(
        self, group_quota: int | Mapping[Hashable, int] | None, school_cap: int | None, district_cap: int | None
    ) -> None:
        self.limits: list[tuple[str, str, int | Mapping[Hashable, int] | None, Callable[[Candidate], Hashable]]] = [
            ("group", CAP_REACHED["group"], group_quota, lambda c: c.group),
            ("school", CAP_REACHED["school"], school_cap, lambda c: c.school_id),
            ("district", CAP_REACHED["district"], district_cap, lambda c: c.district_id),
        ]
        self.taken: dict[tuple[str, Hashable], list[Candidate]] = {}

    def limit(self, kind: str, value: int | Mapping[Hashable, int] | None, key: Hashable) -> int | None:
        if value is None:
            return None
        return value.get(key) if isinstance(value, Mapping) else value

    def block(self, c: Candidate, extra: Iterable[Candidate] = ()) -> tuple[str, Message] | None:
        """(kind, reason) of the first cap that ``c`` (plus ``extra``) would break."""
        for kind, template, value, key in self.limits:
            cap = self.limit(kind, value, key(c))
            if cap is None:
                continue
            taken = self.taken.get((kind, key(c)), [])
            same = [x for x in extra if key(x) == key(c)]
            if len(taken) + len(same) >= cap:
                return kind, Message(template, {"cap": cap, "by": Names(x.label for x in taken)})
        return None

    def take(self, c: Candidate) -> None:
        for kind, _, _, key in self.limits:
            self.taken.setdefault((kind, key(c)), []).append(c)


def nominate(
    candidates: Iterable[Candidate],
    quota: int,
    *,
    stage_shares: Mapping[str, float] | None = None,
    share_rounding: str = "half_up",
    group_quota: int | Mapping[Hashable, int] | None = None,
    school_cap: int | None = None,
    district_cap: int | None = None,
    eligible_awards: Collection[str] = ("一等奖",),
    tie_decisions: Collection[Hashable] = (),
    min_score: float | None = None,
) -> NominationOutcome:
    """Decide nominations greedily in rank order (see the module docstring)."""
    cands = list(candidates)
    fixed, free = stage_quotas(quota, stage_shares, share_rounding)
    low = set() if min_score is None else {c.entry_id for c in cands if c.score < min_score}
    eligible = sorted(
        (c for c in cands if c.award in eligible_awards and c.entry_id not in low), key=lambda c: (c.rank, -c.score)
    )
    run = _Nomination(_tie_classes(eligible), _Caps(group_quota, school_cap, district_cap), set(tie_decisions))
    pools: list[tuple[str, Message, int, str | None]] = [
        (f"stage:{stage}", Message(N_("%(stage)s stage quota"), {"stage": stage}), n, stage)
        for stage, n in fixed.items()
    ]
    pools.append(
        ("free", Message(N_("free quota")), free, None) if fixed else ("quota", Message(N_("quota")), free, None)
    )
    for pool_key, pool_name, size, stage in pools:
        run.fill(pool_key, pool_name, size, stage)
    decisions = [
        _below_minimum(c, min_score)
        if c.entry_id in low and c.award in eligible_awards
        else run.decision(c, eligible_awards)
        for c in cands
    ]
    return NominationOutcome(decisions, run.ties, fixed, free)


def _below_minimum(c: Candidate, min_score: float | None) -> Decision:
    return Decision(
        c.entry_id,
        False,
        (
            Message(
                BELOW_NOMINATION_MINIMUM,
                {"score": format_score(c.score), "min": format_score(min_score)},
            ),
        ),
    )


def _tie_classes(eligible: list[Candidate]) -> list[list[Candidate]]:
    """Runs of equal (rank, score) in the order: each run is a tie."""
    classes: list[list[Candidate]] = []
    for c in eligible:
        if classes and (classes[-1][0].rank, classes[-1][0].score) == (c.rank, c.score):
            classes[-1].append(c)
        else:
            classes.append([c])
    return classes


class _Nomination:
    """One run of :func:`nominate`: the pools are filled in turn, class by class of the order."""

    def __init__(self, classes: list[list[Candidate]], caps: _Caps, decided: set[Hashable]) -> None:
        self.classes = classes
        self.caps = caps
        self.decided = decided
        self.place: dict[Hashable, int] = {}  # place in the order; tied entries share it
        pos = 1
        for cls in classes:
            for c in cls:
                self.place[c.entry_id] = pos
            pos += len(cls)
        self.reasons: dict[Hashable, list[Message]] = {}
        self.result: dict[Hashable, Decision] = {}
        self.ties: list[QuotaTie] = []
        self.carried: dict[int, int] = {}  # class index -> stage places carried into the free pool

    def at(self, c: Candidate) -> Message:
        return Message(N_("place %(place)d among the eligible entries"), {"place": self.place[c.entry_id]})

    @staticmethod
    def full(label: Message, size: int) -> Message:
        return Message(N_("%(pool)s of %(size)d is full"), {"pool": label, "size": size})

    def fill(self, pool_key: str, pool_name: Message, size: int, stage: str | None) -> None:
        """Take the classes in order into one pool (a stage's, or the free pool when stage is None)."""
        left = size
        for ci, cls in enumerate(self.classes):
            members = [c for c in cls if c.entry_id not in self.result and (stage is None or c.stage == stage)]
            if members:
                left = self._settle(ci, members, pool_key, pool_name, size, stage, left)

    def _settle(
        self,
        ci: int,
        members: list[Candidate],
        pool_key: str,
        pool_name: Message,
        size: int,
        stage: str | None,
        left: int,
    ) -> int:
        """Decide one class's members in one pool; returns the places left in the pool."""
        room = left + (self.carried.pop(ci, 0) if stage is None else 0)
        fit: list[Candidate] = []
        for c in members:
            blocked = self.caps.block(c)
            if blocked:
                self.reasons.setdefault(c.entry_id, []).append(blocked[1])
                continue
            fit.append(c)
        if not fit:
            return left
        # Cap conflicts inside the tie (two tied entries, one school place left).
        clash = [c for c in fit if self.caps.block(c, [x for x in fit if x is not c])]
        if not clash and len(fit) <= room:
            for c in fit:
                self.caps.take(c)
                self.result[c.entry_id] = Decision(
                    c.entry_id, True, (self.at(c), Message(N_("nominated within the %(pool)s"), {"pool": pool_name}))
                )
            return room - len(fit)
        if not clash and room == 0:
            for c in fit:
                self.reasons.setdefault(c.entry_id, []).append(self.full(pool_name, size))
            return left
        tied = clash or fit
        if any(c.entry_id in self.decided for c in tied):
            return self._by_decision(tied, room)
        if stage is not None and not clash and room > 0:
            self.carried[ci] = self.carried.get(ci, 0) + room  # let the free pool try first
            for c in tied:
                self.reasons.setdefault(c.entry_id, []).append(self.full(pool_name, size))
            return 0
        self._pending(tied, clash, pool_key, pool_name, room)
        return left if clash else 0  # without a cap clash the open places wait for the decision

    def _by_decision(self, tied: list[Candidate], room: int) -> int:
        """The organizer chose among the tied entries; returns the places left."""
        chosen = [c for c in tied if c.entry_id in self.decided]
        for c in tied:
            if c in chosen:
                self.caps.take(c)
                self.result[c.entry_id] = Decision(
                    c.entry_id, True, (self.at(c), Message(N_("tied: nominated by the organizer's decision")))
                )
            else:
                self.result[c.entry_id] = Decision(
                    c.entry_id, False, (self.at(c), Message(N_("tied: not nominated by the organizer's decision")))
                )
        return max(room - len(chosen), 0)

    def _pending(
        self, tied: list[Candidate], clash: list[Candidate], pool_key: str, pool_name: Message, room: int
    ) -> None:
        """A tie the places or a cap cannot split: it waits for the organizer."""
        if clash:
            blocked = self.caps.block(clash[0], [x for x in clash if x is not clash[0]])
            # every member of a clash shares the full cap with another member, so this is never None
            assert blocked is not None
            kind, where = blocked
            self.ties.append(QuotaTie(kind, tuple(c.entry_id for c in tied), 0, where))
        else:
            where = pool_name
            self.ties.append(QuotaTie(pool_key, tuple(c.entry_id for c in tied), room, pool_name))
        for c in tied:
            others = Names(x.label for x in tied if x is not c)
            self.result[c.entry_id] = Decision(
                c.entry_id,
                False,
                (
                    self.at(c),
                    Message(
                        N_("tied with entries %(others)s at the line (%(where)s): waits for the organizer's decision"),
                        {"others": others, "where": where},
                    ),
                ),
                True,
            )

    def decision(self, c: Candidate, eligible_awards: Collection[str]) -> Decision:
        if c.entry_id in self.result:
            return self.result[c.entry_id]
        if c.award not in eligible_awards:
            # Without an award the award line has already said so: do not repeat "no award".
            return Decision(
                c.entry_id,
                False,
                (
                    Message(
                        N_("%(award)s: not eligible for nomination (only %(allowed)s)"),
                        {"award": c.award, "allowed": Names(eligible_awards)},
                    )
                    if c.award
                    else Message(
                        N_("not eligible for nomination (only %(allowed)s)"), {"allowed": Names(eligible_awards)}
                    ),
                ),
            )
        why: list[Message] = []
        for m in self.reasons.get(c.entry_id, []):
            if m not in why:
                why.append(m)
        return Decision(c.entry_id, False, (self.at(c), *why))
