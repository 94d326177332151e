"""Judge assignment (评委分配) for one judging round.

Pure domain code: plain frozen dataclasses in, an :class:`AssignmentPlan` out;
no Flask, no SQLAlchemy.  numpy is used for the entry x judge matrices.

What the plan guarantees:

* hard exclusions (回避) are never violated: the judge's own school, entries the
  judge advised (指导教师), explicit conflicts, optionally the judge's district;
* every entry gets ``k`` judges, or the plan lists the shortfall with a reason;
* loads (工作量) are balanced inside each judge pool: max - min <= 1 whenever
  the constraints allow it (exact for a single pool, see :func:`_balance`);
* inside every ranking group (评比组别) the judge-entry graph is connected when a
  load-preserving repair can make it so, so that the ranking engine can
  correct for harsh or lenient judges; otherwise ``plan.components`` shows it;
* subject expertise (学科对口) is preferred;
* deterministic for a seed, whatever the input order (everything is sorted by id).

Algorithm: most constrained entries first, each takes its eligible judges of
lowest load (subject match and a seeded random key break ties); then
augmenting-path moves balance the loads (each move lowers the within-pool
variance); then moves and swaps that keep loads balanced join split groups.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .text import N_, Message

Id = Hashable
Pair = tuple[Id, Id]  # (judge_id, entry_id)

# Reasons are Messages (English templates, translated at the edge by competition.i18n.messages).
REASON_SAME_SCHOOL = N_("The judge works at the entry's school")
REASON_ADVISER = N_("The judge is an adviser of the entry")
REASON_DECLARED = N_("Conflict of interest: %(reason)s")
REASON_SAME_DISTRICT = N_("The judge is from the entry's district")
REASON_TOO_FEW = N_("Only %(eligible)s judges have no conflict with this entry; %(needed)s are needed")
REASON_CAPACITY = N_("The judges' workload limits are reached: only %(got)s of %(needed)s judges assigned")
REASON_UNKNOWN = N_("The judge or the entry is not in this round")
REASON_NO_JUDGE_LEFT = N_("No further judge without a conflict is free for this entry")

PROBLEM_DUPLICATE = N_("The plan lists a judge-entry pair twice")
PROBLEM_UNKNOWN = N_("Judge %(judge)s or entry %(entry)s is not in this round")
PROBLEM_CONFLICT = N_("Judge %(judge)s may not score entry %(entry)s: %(reason)s")
PROBLEM_CAPACITY = N_("Judge %(judge)s has more than the limit of %(capacity)s entries")
PROBLEM_UNLISTED = N_("Entry %(entry)s has %(got)s of %(needed)s judges but is not listed as short")
PROBLEM_SHORT_MISMATCH = N_("The shortfall recorded for entry %(entry)s does not match the plan")
PROBLEM_SUMMARY = N_("The plan's %(name)s do not match its assignments")
PROBLEM_SPREAD = N_("Judge pool %(pool)s has a load spread of %(spread)s, more than %(limit)s")
PROBLEM_SPLIT = N_("Group %(group)s is split into %(parts)s parts; harsh and lenient judges cannot be corrected")


@dataclass(frozen=True)
class EntryInfo:
    """An entry (参赛作品) as the assignment sees it.

    ``group`` is the ranking group key (section x stage, 类别 x 学段): entries
    ranked together must share judges.
    """

    entry_id: Id
    group: Hashable
    school_id: Id
    district_id: Id
    subject: str
    adviser_ids: frozenset[Id] = frozenset()


@dataclass(frozen=True)
class JudgeInfo:
    """A judge (评委) of the round.

    ``pool``: loads are balanced among judges of the same pool (None is a pool
    too).  ``capacity``: the most entries the judge accepts (None: no limit).
    """

    judge_id: Id
    school_id: Id
    district_id: Id
    subjects: frozenset[str] = frozenset()
    pool: Hashable | None = None
    capacity: int | None = None


@dataclass(frozen=True)
class Shortfall:
    """An entry that got fewer than ``needed`` judges (评委不足), with the reason."""

    entry_id: Id
    needed: int
    got: int
    reason: Message


@dataclass(frozen=True)
class AssignmentPlan:
    """The result of :func:`assign` (or :func:`build_plan` after manual edits).

    ``judges_per_entry`` maps each entry to its judges (sorted ids);
    ``components`` maps each group to the entry sets of its connected parts of
    the judge-entry graph (one set when connected); ``dropped`` lists existing
    assignments that were not kept, with the reason (a :class:`Message`).
    """

    assignments: tuple[Pair, ...]
    loads: dict[Id, int]
    load_spread: dict[Hashable, int]
    judges_per_entry: dict[Id, tuple[Id, ...]]
    infeasible: list[Shortfall]
    components: dict[Hashable, list[frozenset[Id]]]
    subject_match_rate: float
    dropped: tuple[tuple[Id, Id, Message], ...] = field(default=())

    def is_connected(self, group: Hashable) -> bool:
        """True when every entry of ``group`` is linked to every other through judges."""
        return len(self.components.get(group, ())) <= 1


def _key(value: object) -> tuple[str, object]:
    """Sort key tolerant of mixed id types (None pools, int and str ids)."""
    return (type(value).__name__, value)


def conflict_reason(
    judge: JudgeInfo,
    entry: EntryInfo,
    conflicts: Mapping[Pair, str] | None = None,
    exclude_same_district: bool = False,
) -> Message | None:
    """Why ``judge`` may not score ``entry`` (回避原因) as a :class:`Message`, or None.

    Used by the planner and by the organizer's manual add, which must be
    refused with this reason.  ``conflicts`` maps (judge_id, entry_id) to the
    reason given for a declared or organizer-set conflict.
    """
    if judge.school_id is not None and judge.school_id == entry.school_id:
        return Message(REASON_SAME_SCHOOL)
    if judge.judge_id in entry.adviser_ids:
        return Message(REASON_ADVISER)
    declared = (conflicts or {}).get((judge.judge_id, entry.entry_id))
    if declared is not None:
        return Message(REASON_DECLARED, {"reason": declared})
    if exclude_same_district and judge.district_id is not None and judge.district_id == entry.district_id:
        return Message(REASON_SAME_DISTRICT)
    return None


# --------------------------------------------------------------------------
# Working state
# --------------------------------------------------------------------------


class _State:
    """Entry x judge matrices plus loads; indices follow the sorted ids."""

    def __init__(
        self,
        entries: Sequence[EntryInfo],
        judges: Sequence[JudgeInfo],
        conflicts: Mapping[Pair, str],
        exclude_same_district: bool,
    ) -> None:
        self.entries = sorted(entries, key=lambda e: _key(e.entry_id))
        self.judges = sorted(judges, key=lambda j: _key(j.judge_id))
        self.e_index = {e.entry_id: i for i, e in enumerate(self.entries)}
        self.j_index = {j.judge_id: i for i, j in enumerate(self.judges)}
        if len(self.e_index) != len(self.entries) or len(self.j_index) != len(self.judges):
            raise ValueError("entry and judge ids must be unique")
        ne, nj = len(self.entries), len(self.judges)
        self.eligible = self._eligibility(conflicts, exclude_same_district)
        self.match = np.zeros((ne, nj), dtype=bool)
        by_subject: dict[str, list[int]] = {}
        for j, judge in enumerate(self.judges):
            for subject in judge.subjects:
                by_subject.setdefault(subject, []).append(j)
        for e, entry in enumerate(self.entries):
            self.match[e, by_subject.get(entry.subject, [])] = True
        self.assigned = np.zeros((ne, nj), dtype=bool)
        self.fixed = np.zeros((ne, nj), dtype=bool)  # kept from `existing`: never moved
        self.load = np.zeros(nj, dtype=np.int64)
        big = ne + 1  # "no limit" as a number larger than any load
        self.capacity = np.array([big if j.capacity is None else j.capacity for j in self.judges], dtype=np.int64)
        pools = sorted({j.pool for j in self.judges}, key=_key)
        self.pool_of = np.array([pools.index(j.pool) for j in self.judges], dtype=np.int64)
        self.pool_keys = pools
        self.pool_size = np.bincount(self.pool_of, minlength=len(pools)).astype(float)
        groups = sorted({e.group for e in self.entries}, key=_key)
        self.group_keys = groups
        self.group_of = np.array([groups.index(e.group) for e in self.entries], dtype=np.int64)
        self.group_entries = [np.flatnonzero(self.group_of == g) for g in range(len(groups))]

    def _eligibility(self, conflicts: Mapping[Pair, str], exclude_same_district: bool) -> np.ndarray:
        """Boolean matrix: judge j may score entry e (vectorised conflict_reason)."""
        codes: dict[object, int] = {}
        unknown = iter(range(-1, -(len(self.entries) + len(self.judges) + 2), -1))

        def code(value: object) -> int:
            # an unknown school or district (None) matches nothing, as in conflict_reason
            return next(unknown) if value is None else codes.setdefault(value, len(codes))

        e_school = np.array([code(e.school_id) for e in self.entries], dtype=np.int64)
        j_school = np.array([code(j.school_id) for j in self.judges], dtype=np.int64)
        ok: NDArray[np.bool_] = e_school[:, None] != j_school[None, :]
        if exclude_same_district:
            codes.clear()
            e_dist = np.array([code(e.district_id) for e in self.entries], dtype=np.int64)
            j_dist = np.array([code(j.district_id) for j in self.judges], dtype=np.int64)
            ok &= e_dist[:, None] != j_dist[None, :]
        for e, entry in enumerate(self.entries):
            for adviser in entry.adviser_ids:
                if adviser in self.j_index:
                    ok[e, self.j_index[adviser]] = False
        for judge_id, entry_id in conflicts:
            if judge_id in self.j_index and entry_id in self.e_index:
                ok[self.e_index[entry_id], self.j_index[judge_id]] = False
        return ok

    # -- elementary changes --------------------------------------------------
    def add(self, e: int, j: int) -> None:
        self.assigned[e, j] = True
        self.load[j] += 1

    def remove(self, e: int, j: int) -> None:
        self.assigned[e, j] = False
        self.load[j] -= 1

    def apply(self, moves: Iterable[tuple[int, int, int]]) -> None:
        """Apply (entry, from_judge or -1, to_judge) moves."""
        for e, u, v in moves:
            if u >= 0:
                self.remove(e, u)
            self.add(e, v)

    def open_for(self, e: int) -> np.ndarray:
        """Judges that could still be added to entry e."""
        open_: NDArray[np.bool_] = self.eligible[e] & ~self.assigned[e] & (self.load < self.capacity)
        return open_

    # -- augmenting paths ----------------------------------------------------
    def reach(self, start: dict[int, tuple[int, int]], source: int = -1) -> dict[int, tuple[int, int]]:
        """Breadth-first search over "judge w hands one of its entries to judge v".

        ``start`` maps first-reached judges to (entry, giver); the result maps every
        reachable judge to its (entry, giver) parent.  Only intermediate judges pass
        entries on, so their loads stay the same; fixed assignments never move.
        ``source`` (the judge giving the first entries away, if any) is never reached.
        """
        parent = dict(start)
        queue = deque(sorted(start))
        visited = np.zeros(len(self.judges), dtype=bool)
        visited[list(start)] = True
        if source >= 0:
            visited[source] = True
        movable = self.assigned & ~self.fixed
        while queue:
            w = queue.popleft()
            rows = np.flatnonzero(movable[:, w])
            if rows.size == 0:
                continue
            # entries of w that v could take (v eligible and not already on it)
            takers = self.eligible[rows] & ~self.assigned[rows]
            new = np.flatnonzero(takers.any(axis=0) & ~visited)
            for v in new:
                cand = rows[takers[:, v]]
                # hand over the entry where v's subject fit gains most over w's
                gain = self.match[cand, v].astype(int) - self.match[cand, w].astype(int)
                parent[int(v)] = (int(cand[int(np.argmax(gain))]), w)
                visited[v] = True
                queue.append(int(v))
        return parent

    def hand_off(self, x: int) -> dict[int, tuple[int, int]]:
        """First BFS step from judge x: every judge that could take one of x's entries."""
        start: dict[int, tuple[int, int]] = {}
        for e in np.flatnonzero(self.assigned[:, x] & ~self.fixed[:, x]):
            for v in np.flatnonzero(self.eligible[e] & ~self.assigned[e]):
                start.setdefault(int(v), (int(e), x))
        return start

    @staticmethod
    def path(parent: dict[int, tuple[int, int]], target: int) -> list[tuple[int, int, int]]:
        """The moves that bring one more entry to ``target`` along ``parent``."""
        moves = []
        v = target
        while v >= 0 and v in parent:
            e, u = parent[v]
            moves.append((e, u, v))
            v = u
        return moves[::-1]


# --------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------


def _greedy(state: _State, k: int, rng: np.random.Generator) -> None:
    """Most constrained entries first; each takes its lowest-load eligible judges."""
    ne, nj = state.assigned.shape
    noise = rng.random((ne, nj))
    entry_noise = rng.random(ne)
    n_eligible = state.eligible.sum(axis=1)
    order = np.lexsort((np.arange(ne), entry_noise, n_eligible))
    for e in order:
        need = k - int(state.assigned[e].sum())
        if need <= 0:
            continue
        open_ = state.open_for(e)
        # an on-subject judge may carry one more than an off-subject one (the
        # balance pass evens that out); the seeded key breaks ties
        score = state.load + 1.5 * (~state.match[e]) + 0.49 * noise[e]
        score = np.where(open_, score, np.inf)
        take = min(need, int(open_.sum()))
        if take == 0:
            continue
        picks = np.argpartition(score, take - 1)[:take] if take < nj else np.arange(nj)
        for j in picks:
            if open_[j]:
                state.add(e, int(j))


def _fill(state: _State, k: int) -> None:
    """Give short entries more judges through full judges (capacity limits only)."""
    for e in range(len(state.entries)):
        while state.assigned[e].sum() < k:
            start = {int(j): (e, -1) for j in np.flatnonzero(state.eligible[e] & ~state.assigned[e])}
            if not start:
                break
            parent = state.reach(start)
            spare = [v for v in sorted(parent) if state.load[v] < state.capacity[v]]
            if not spare:
                break
            state.apply(_State.path(parent, spare[0]))


def _pool_sums(state: _State) -> np.ndarray:
    return np.bincount(state.pool_of, weights=state.load, minlength=len(state.pool_keys))


def _delta(state: _State, x: int, y: int, sums: np.ndarray) -> float:
    """Change of sum_pools n_p * Var_p(load) when one assignment moves from x to y."""
    lx, ly = state.load[x], state.load[y]
    p, q = state.pool_of[x], state.pool_of[y]
    d: float = 2.0 * (ly - lx) + 2.0
    if p != q:
        d += (2 * sums[p] - 1) / state.pool_size[p] - (2 * sums[q] + 1) / state.pool_size[q]
    return d


def _balance(state: _State) -> None:
    """Move load from heavy to light judges along augmenting paths.

    Each accepted path lowers the within-pool variance, so the loop ends.  For a
    single pool, no improving path from a judge of load l to one of load <= l-2
    means the load vector is the least majorized one possible: the spread is
    <= 1 whenever any assignment with these entries and exclusions allows it.
    """
    while True:
        pool_min = np.full(len(state.pool_keys), np.iinfo(np.int64).max)
        np.minimum.at(pool_min, state.pool_of, state.load)
        heavy = [
            int(x)
            for x in np.lexsort((np.arange(len(state.judges)), -state.load))
            if state.load[x] >= pool_min[state.pool_of[x]] + 2
        ]
        dead = np.zeros(len(state.judges), dtype=bool)
        moved = False
        sums = _pool_sums(state)
        for x in heavy:
            if dead[x]:
                continue
            parent = state.reach(state.hand_off(x), source=x)
            targets = [
                (d, int(state.load[y]), y)
                for y in parent
                if y != x and state.load[y] < state.capacity[y] and (d := _delta(state, x, y, sums)) < -1e-9
            ]
            if targets:
                state.apply(_State.path(parent, min(targets)[2]))
                moved = True
                break
            # anyone x reaches in its pool with no more load has no better path
            for y in parent:
                if state.pool_of[y] == state.pool_of[x] and state.load[y] <= state.load[x]:
                    dead[y] = True
        if not moved:
            return


def _improve_subjects(state: _State, budget: int = 100_000) -> None:
    """Swap judges between two entries when subject fit (学科对口) rises; loads stay put.

    For an off-subject pair (e1, a), a judge b who fits e1 takes it and gives a
    one of b's entries e2 that a may score, unless that would cost b's own fit
    on e2 without a fitting it either.  ``budget`` caps the candidates looked at
    (a count, not a time, so results stay deterministic).
    """
    movable = state.assigned & ~state.fixed
    for a in range(len(state.judges)):
        for e1 in np.flatnonzero(movable[:, a] & ~state.match[:, a]):
            takers = np.flatnonzero(state.eligible[e1] & ~state.assigned[e1] & state.match[e1])
            for b in takers:
                budget -= 1
                if budget < 0:
                    return
                rows = np.flatnonzero(movable[:, b])
                ok = state.eligible[rows, a] & ~state.assigned[rows, a] & (state.match[rows, a] | ~state.match[rows, b])
                if not ok.any():
                    continue
                # prefer an e2 that a fits, so the swap gains twice
                gain = state.match[rows, a] & ok
                e2 = int(rows[np.argmax(gain)] if gain.any() else rows[np.argmax(ok)])
                state.apply([(int(e1), a, int(b)), (e2, int(b), a)])
                movable[e1, a] = movable[e2, b] = False
                movable[e1, b] = movable[e2, a] = True
                break


def _components(state: _State, g: int) -> list[list[int]]:
    """Connected parts of group g's judge-entry graph, as lists of entry indices."""
    rows = state.group_entries[g]
    parent = list(range(len(rows)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_seen: dict[int, int] = {}
    sub = state.assigned[rows]
    for i, j in zip(*np.nonzero(sub), strict=True):
        if j in first_seen:
            ra, rb = find(first_seen[j]), find(int(i))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        else:
            first_seen[j] = int(i)
    parts: dict[int, list[int]] = {}
    for i in range(len(rows)):
        parts.setdefault(find(i), []).append(int(rows[i]))
    return sorted(parts.values())


def _spread_ok(state: _State, limits: np.ndarray) -> bool:
    """Every pool's spread is within its limit (max(1, spread before the repair))."""
    return bool(np.all(_spreads(state) <= limits))


def _spreads(state: _State) -> np.ndarray:
    n = len(state.pool_keys)
    hi = np.full(n, np.iinfo(np.int64).min)
    lo = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(hi, state.pool_of, state.load)
    np.minimum.at(lo, state.pool_of, state.load)
    spreads: NDArray[np.int64] = hi - lo
    return spreads


def _reported_spreads(state: _State) -> np.ndarray:
    """The load spread the organizer sees: a judge held at a workload limit (capacity reached,
    e.g. one released with only the submitted entries kept) is not "underloaded", so only
    judges who could take more count for the minimum; a pool whose judges are all at their
    limit has spread 0."""
    n = len(state.pool_keys)
    hi = np.full(n, np.iinfo(np.int64).min)
    lo = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(hi, state.pool_of, state.load)
    free = state.load < state.capacity
    np.minimum.at(lo, state.pool_of[free], state.load[free])
    return np.where(lo == np.iinfo(np.int64).max, 0, hi - lo)


def _connect(state: _State, max_joins: int = 10_000, paths_per_move: int = 4) -> None:
    """Join split groups with changes that keep the loads balanced.

    A candidate gives an entry e2 of one part the judge a of another part (taking
    judge b off it).  If that unbalances loads, a then passes one of its other
    entries along an augmenting path to a light judge (a swap with b is the
    shortest such path).  A candidate is kept only when loads stay within
    max(1, spread before) and the number of parts over the groups it touches drops.
    """
    limits = np.maximum(_spreads(state), 1)
    joins = 0
    for g in range(len(state.group_keys)):
        while joins < max_joins:
            parts = _components(state, g)
            if len(parts) <= 1 or not _join_once(state, g, parts, limits, paths_per_move):
                break
            joins += 1


def _join_once(state: _State, g: int, parts: list[list[int]], limits: np.ndarray, paths_per_move: int) -> bool:
    """Try one join of ``parts`` of group g; True when the parts were reduced."""
    judges_of = [np.flatnonzero(state.assigned[p].any(axis=0)) for p in parts]
    for i, part in enumerate(parts):
        outside = np.zeros(len(state.judges), dtype=bool)
        for other, js in enumerate(judges_of):
            if other != i:
                outside[js] = True
        for e2 in part:
            newcomers = np.flatnonzero(outside & state.eligible[e2] & ~state.assigned[e2])
            leavers = np.flatnonzero(state.assigned[e2] & ~state.fixed[e2])
            for a in newcomers:
                for b in leavers:
                    move = [(int(e2), int(b), int(a))]
                    if _try(state, g, len(parts), move, limits):
                        return True
                    for rest in _rebalancing_paths(state, move, paths_per_move):
                        if _try(state, g, len(parts), move + rest, limits):
                            return True
    return False


def _rebalancing_paths(state: _State, move: list[tuple[int, int, int]], limit: int) -> list[list[tuple[int, int, int]]]:
    """Paths on which the gainer of ``move`` passes one entry on to a light judge.

    The moved entry itself stays put; lightest targets first.
    """
    ((e2, _, a),) = move
    state.apply(move)
    state.fixed[e2, a] = True  # the new link must survive the path
    parent = state.reach(state.hand_off(a), source=a)
    state.fixed[e2, a] = False
    targets = sorted((int(state.load[y]), y) for y in parent if state.load[y] < state.capacity[y])
    paths = [_State.path(parent, y) for _, y in targets[:limit]]
    state.apply([(e, v, u) for e, u, v in reversed(move)])
    return paths


def _try(state: _State, g: int, n_parts: int, moves: list[tuple[int, int, int]], limits: np.ndarray) -> bool:
    """Apply ``moves``; keep them if loads stay within limits and parts drop.

    The cheap load checks run before the component count.
    """
    before_load = state.load.copy()
    state.apply(moves)
    grown = state.load > before_load
    ok = not np.any(grown & (state.load > state.capacity)) and _spread_ok(state, limits)
    if ok:
        touched = sorted({int(state.group_of[e]) for e, _, _ in moves} - {g})
        after = len(_components(state, g)) + sum(len(_components(state, h)) for h in touched)
        state.apply([(e, v, u) for e, u, v in reversed(moves)])
        before = n_parts + sum(len(_components(state, h)) for h in touched)
        if after < before:
            state.apply(moves)
            return True
        return False
    state.apply([(e, v, u) for e, u, v in reversed(moves)])
    return False


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def assign(
    entries: Sequence[EntryInfo],
    judges: Sequence[JudgeInfo],
    conflicts: Mapping[Pair, str] | None = None,
    *,
    k: int = 5,
    exclude_same_district: bool = False,
    seed: int = 0,
    existing: Iterable[Pair] = (),
) -> AssignmentPlan:
    """Assign ``k`` judges to every entry of a round (评委分配).

    ``existing`` (judge_id, entry_id) pairs are kept and never moved (re-planning
    or adding entries); a pair that breaks a hard exclusion or names an unknown
    judge or entry is dropped and listed in ``plan.dropped``.
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    conflicts = conflicts or {}
    state = _State(entries, judges, conflicts, exclude_same_district)
    dropped = []
    for judge_id, entry_id in sorted(set(existing), key=lambda p: (_key(p[0]), _key(p[1]))):
        e, j = state.e_index.get(entry_id), state.j_index.get(judge_id)
        if e is None or j is None:
            dropped.append((judge_id, entry_id, Message(REASON_UNKNOWN)))
        elif not state.eligible[e, j]:
            reason = conflict_reason(state.judges[j], state.entries[e], conflicts, exclude_same_district)
            dropped.append((judge_id, entry_id, reason or Message(REASON_UNKNOWN)))
        else:
            state.add(e, j)
            state.fixed[e, j] = True
    rng = np.random.default_rng(seed)
    _greedy(state, k, rng)
    if np.any(state.capacity <= len(state.entries)):
        _fill(state, k)
    _balance(state)
    _improve_subjects(state)
    _connect(state)
    pairs = [
        (state.judges[j].judge_id, state.entries[e].entry_id) for e, j in zip(*np.nonzero(state.assigned), strict=True)
    ]
    return build_plan(
        pairs, entries, judges, conflicts, k=k, exclude_same_district=exclude_same_district, dropped=dropped
    )


def build_plan(
    assignments: Iterable[Pair],
    entries: Sequence[EntryInfo],
    judges: Sequence[JudgeInfo],
    conflicts: Mapping[Pair, str] | None = None,
    *,
    k: int = 5,
    exclude_same_district: bool = False,
    dropped: Iterable[tuple[Id, Id, Message]] = (),
) -> AssignmentPlan:
    """Summarise a set of (judge_id, entry_id) pairs as a plan.

    Used by :func:`assign` and after an organizer's manual edits: loads, spreads,
    shortfalls with reasons, group components and the subject match rate are all
    recomputed from the pairs.  Pairs naming unknown judges or entries are ignored
    here (``check_plan`` reports them).
    """
    conflicts = conflicts or {}
    state = _State(entries, judges, conflicts, exclude_same_district)
    pairs = sorted(set(assignments), key=lambda p: (_key(p[0]), _key(p[1])))
    for judge_id, entry_id in pairs:
        if judge_id in state.j_index and entry_id in state.e_index:
            state.add(state.e_index[entry_id], state.j_index[judge_id])
    per_entry = {
        entry.entry_id: tuple(state.judges[j].judge_id for j in np.flatnonzero(state.assigned[e]))
        for e, entry in enumerate(state.entries)
    }
    infeasible = []
    for e, entry in enumerate(state.entries):
        got = len(per_entry[entry.entry_id])
        if got < k:
            n_ok = int((state.eligible[e] | state.assigned[e]).sum())
            reason = (
                Message(REASON_TOO_FEW, {"eligible": n_ok, "needed": k})
                if n_ok < k
                else Message(REASON_CAPACITY, {"got": got, "needed": k})
            )
            infeasible.append(Shortfall(entry.entry_id, k, got, reason))
    spreads = _reported_spreads(state) if state.judges else np.zeros(0, dtype=np.int64)
    total = int(state.assigned.sum())
    return AssignmentPlan(
        assignments=tuple(pairs),
        loads={j.judge_id: int(state.load[i]) for i, j in enumerate(state.judges)},
        load_spread={p: int(spreads[i]) for i, p in enumerate(state.pool_keys)},
        judges_per_entry=per_entry,
        infeasible=infeasible,
        components={
            key: [frozenset(state.entries[e].entry_id for e in part) for part in _components(state, g)]
            for g, key in enumerate(state.group_keys)
        },
        subject_match_rate=float((state.assigned & state.match).sum() / total) if total else 0.0,
        dropped=tuple(dropped),
    )


def check_plan(
    plan: AssignmentPlan,
    entries: Sequence[EntryInfo],
    judges: Sequence[JudgeInfo],
    conflicts: Mapping[Pair, str] | None = None,
    k: int = 5,
    exclude_same_district: bool = False,
    *,
    max_spread: int | None = None,
    require_connected: bool = False,
) -> list[Message]:
    """Problems with a plan as :class:`Message`s, for tests and the organizer's screens.

    Checks: known judges and entries, no duplicate pair, no hard exclusion, no
    capacity exceeded, each entry has ``k`` judges or a matching shortfall, and the
    summary fields agree with the pairs.  Optionally the pool spread and group
    connectivity.  An empty list means the plan is valid.
    """
    conflicts = conflicts or {}
    problems = _pair_problems(plan, entries, judges, conflicts, exclude_same_district)
    fresh = build_plan(plan.assignments, entries, judges, conflicts, k=k, exclude_same_district=exclude_same_district)
    problems += _summary_problems(plan, fresh, judges, k)
    if max_spread is not None:
        for pool, spread in fresh.load_spread.items():
            if spread > max_spread:
                problems.append(Message(PROBLEM_SPREAD, {"pool": pool, "spread": spread, "limit": max_spread}))
    if require_connected:
        for group, parts in fresh.components.items():
            if len(parts) > 1:
                problems.append(Message(PROBLEM_SPLIT, {"group": group, "parts": len(parts)}))
    return problems


def _pair_problems(
    plan: AssignmentPlan,
    entries: Sequence[EntryInfo],
    judges: Sequence[JudgeInfo],
    conflicts: Mapping[Pair, str],
    exclude_same_district: bool,
) -> list[Message]:
    """Duplicate pairs, unknown judges or entries, hard exclusions."""
    problems: list[Message] = []
    e_by_id = {e.entry_id: e for e in entries}
    j_by_id = {j.judge_id: j for j in judges}
    if len(set(plan.assignments)) != len(plan.assignments):
        problems.append(Message(PROBLEM_DUPLICATE))
    for judge_id, entry_id in plan.assignments:
        judge, entry = j_by_id.get(judge_id), e_by_id.get(entry_id)
        if judge is None or entry is None:
            problems.append(Message(PROBLEM_UNKNOWN, {"judge": judge_id, "entry": entry_id}))
            continue
        reason = conflict_reason(judge, entry, conflicts, exclude_same_district)
        if reason:
            problems.append(Message(PROBLEM_CONFLICT, {"judge": judge_id, "entry": entry_id, "reason": reason}))
    return problems


def _summary_problems(
    plan: AssignmentPlan, fresh: AssignmentPlan, judges: Sequence[JudgeInfo], k: int
) -> list[Message]:
    """Capacities, shortfalls and summary fields against the plan rebuilt from its pairs."""
    problems: list[Message] = []
    for judge in judges:
        if judge.capacity is not None and fresh.loads[judge.judge_id] > judge.capacity:
            problems.append(Message(PROBLEM_CAPACITY, {"judge": judge.judge_id, "capacity": judge.capacity}))
    listed = {s.entry_id: s for s in plan.infeasible}
    for shortfall in fresh.infeasible:
        if listed.get(shortfall.entry_id) is None:
            problems.append(Message(PROBLEM_UNLISTED, {"entry": shortfall.entry_id, "got": shortfall.got, "needed": k}))
        elif listed[shortfall.entry_id].got != shortfall.got:
            problems.append(Message(PROBLEM_SHORT_MISMATCH, {"entry": shortfall.entry_id}))
    for name in ("loads", "load_spread", "judges_per_entry", "components"):
        if getattr(plan, name) != getattr(fresh, name):
            problems.append(Message(PROBLEM_SUMMARY, {"name": name}))
    return problems


def add_judges(
    wanted: Mapping[Id, int],
    entries: Sequence[EntryInfo],
    judges: Sequence[JudgeInfo],
    conflicts: Mapping[Pair, str] | None = None,
    *,
    existing: Iterable[Pair] = (),
    exclude_same_district: bool = False,
) -> tuple[list[Pair], list[Shortfall]]:
    """Give entries extra judges (加评, the borderline re-judging pass).

    ``wanted`` maps entry ids to the number of extra judges; ``existing`` pairs
    are the current assignments (they set the loads and are never repeated).
    Each extra judge is the eligible one of lowest load, a subject match
    preferred, then the lowest id: deterministic.  Returns the new pairs and a
    :class:`Shortfall` per entry that could not get all it wanted (``needed``
    and ``got`` count the extra judges only).
    """
    conflicts = conflicts or {}
    state = _State(entries, judges, conflicts, exclude_same_district)
    for judge_id, entry_id in set(existing):
        e, j = state.e_index.get(entry_id), state.j_index.get(judge_id)
        if e is not None and j is not None:
            state.add(e, j)
    pairs: list[Pair] = []
    shortfalls: list[Shortfall] = []
    for entry_id in sorted(wanted, key=_key):
        e = state.e_index.get(entry_id)
        need = int(wanted[entry_id])
        got = 0
        while e is not None and got < need:
            open_ = state.open_for(e)
            if not open_.any():
                break
            score = np.where(open_, state.load * 2 + (~state.match[e]), np.iinfo(np.int64).max)
            j = int(np.argmin(score))
            state.add(e, j)
            pairs.append((state.judges[j].judge_id, entry_id))
            got += 1
        if got < need:
            reason = Message(REASON_UNKNOWN) if e is None else Message(REASON_NO_JUDGE_LEFT)
            shortfalls.append(Shortfall(entry_id, need, got, reason))
    return pairs, shortfalls


__all__ = [
    "AssignmentPlan",
    "add_judges",
    "EntryInfo",
    "JudgeInfo",
    "Shortfall",
    "assign",
    "build_plan",
    "check_plan",
    "conflict_reason",
]
