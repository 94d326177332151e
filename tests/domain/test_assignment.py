"""Tests of judge assignment (评委分配): unit cases and hypothesis properties."""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.domain import assignment as A
from competition.domain.assignment import (
    AssignmentPlan,
    EntryInfo,
    JudgeInfo,
    Shortfall,
    _connect,
    _State,
    add_judges,
    assign,
    build_plan,
    check_plan,
    conflict_reason,
)
from competition.domain.text import Message


def entry(eid, school, group="G", subject="数学", district=0, advisers=()):
    return EntryInfo(eid, group, school, district, subject, frozenset(advisers))


def judge(jid, school, subjects=("数学",), district=0, pool=None, capacity=None):
    return JudgeInfo(jid, school, district, frozenset(subjects), pool, capacity)


def eligible_count(e, judges, conflicts, same_district=False):
    return sum(conflict_reason(j, e, conflicts, same_district) is None for j in judges)


# --------------------------------------------------------------------------
# conflict_reason
# --------------------------------------------------------------------------


def test_conflict_reasons_are_messages():
    e = entry("e1", school=1, district=7, advisers={"jA"})
    assert conflict_reason(judge("j1", school=1), e) == Message(A.REASON_SAME_SCHOOL)
    assert conflict_reason(judge("jA", school=2), e) == Message(A.REASON_ADVISER)
    declared = conflict_reason(judge("j2", school=2), e, {("j2", "e1"): "亲属关系"})
    assert declared == Message(A.REASON_DECLARED, {"reason": "亲属关系"})
    assert str(declared) == "Conflict of interest: 亲属关系"
    near = judge("j3", school=2, district=7)
    assert conflict_reason(near, e) is None
    assert conflict_reason(near, e, exclude_same_district=True) == Message(A.REASON_SAME_DISTRICT)
    # an unknown school or district (a judge from a university) conflicts with nothing
    assert conflict_reason(judge("j4", school=None, district=None), e, exclude_same_district=True) is None


def test_reasons_are_translated_in_the_catalog(app):
    from competition.i18n.messages import translate

    with app.test_request_context():
        assert translate(Message(A.REASON_SAME_SCHOOL)) == "评委与该作品同校"
        assert translate(Message(A.REASON_TOO_FEW, {"eligible": 3, "needed": 5})) == (
            "仅有3名无回避冲突的评委，需要5名"
        )


def test_add_judges_gives_extra_judges_without_conflicts_lowest_load_first():
    entries = [entry("e1", school=1), entry("e2", school=2)]
    judges = [judge("j1", 1), judge("j2", 3), judge("j3", 4), judge("j4", 5, subjects=("化学",))]
    existing = [("j2", "e1"), ("j2", "e2"), ("j3", "e2")]
    pairs, short = add_judges({"e1": 2, "e2": 3}, entries, judges, existing=existing)
    # e1: j1 is from its school; j3 (load 1) and j4 (load 0, off-subject) are free
    assert sorted(p for p in pairs if p[1] == "e1") == [("j3", "e1"), ("j4", "e1")]
    # e2 has j2, j3 already: only j1 and j4 are left, so one of three is short
    assert sorted(p for p in pairs if p[1] == "e2") == [("j1", "e2"), ("j4", "e2")]
    assert short == [Shortfall("e2", 3, 2, Message(A.REASON_NO_JUDGE_LEFT))]
    assert add_judges({"e1": 2}, entries, judges, existing=existing) == add_judges(
        {"e1": 2}, entries, judges, existing=list(reversed(existing))
    )


# --------------------------------------------------------------------------
# Unit cases
# --------------------------------------------------------------------------


def test_simple_round_is_full_balanced_and_valid():
    entries = [entry(f"e{i}", school=i % 4, group=f"G{i % 2}") for i in range(20)]
    judges = [judge(f"j{i}", school=10 + i) for i in range(8)]
    plan = assign(entries, judges, k=3)
    assert len(plan.assignments) == 60
    assert plan.load_spread == {None: 1}
    assert sorted(plan.loads.values()) == [7, 7, 7, 7, 8, 8, 8, 8]
    assert all(len(js) == 3 for js in plan.judges_per_entry.values())
    assert plan.infeasible == []
    assert list(plan.assignments) == sorted(plan.assignments)
    assert check_plan(plan, entries, judges, {}, 3, max_spread=1, require_connected=True) == []


def test_shortfall_reported_with_reason_and_partial_assignment():
    entries = [entry("e1", school=1), entry("e2", school=2)]
    # only three judges are not from school 1
    judges = [judge(f"a{i}", school=1) for i in range(4)] + [judge(f"b{i}", school=3) for i in range(3)]
    plan = assign(entries, judges, k=5)
    assert plan.infeasible == [Shortfall("e1", 5, 3, Message(A.REASON_TOO_FEW, {"eligible": 3, "needed": 5}))]
    assert plan.judges_per_entry["e1"] == ("b0", "b1", "b2")
    assert len(plan.judges_per_entry["e2"]) == 5
    assert check_plan(plan, entries, judges, {}, 5) == []


def test_capacity_respected_and_shortfall_says_so():
    entries = [entry(f"e{i}", school=1) for i in range(4)]
    judges = [judge("j1", 2, capacity=4), judge("j2", 3, capacity=2), judge("j3", 4, capacity=1)]
    plan = assign(entries, judges, k=2)
    assert plan.loads == {"j1": 4, "j2": 2, "j3": 1}
    assert [s.got for s in plan.infeasible] == [1]
    assert plan.infeasible[0].reason == Message(A.REASON_CAPACITY, {"got": 1, "needed": 2})
    assert check_plan(plan, entries, judges, {}, 2) == []


def test_capacity_fill_goes_through_full_judges():
    # e1 may only have j1 (full after greedy); j1's other entry can go to j2
    entries = [entry("e1", 1), entry("e2", 9)]
    judges = [judge("j1", 5, capacity=1), judge("j2", 1, capacity=1)]
    plan = assign(entries, judges, k=1, seed=3)
    assert plan.judges_per_entry == {"e1": ("j1",), "e2": ("j2",)}
    assert plan.infeasible == []


def test_declared_conflicts_and_advisers_and_district_never_assigned():
    entries = [entry(f"e{i}", school=i, district=i % 2, advisers={"j0"} if i == 3 else ()) for i in range(6)]
    judges = [judge(f"j{i}", school=10 + i, district=i % 2) for i in range(6)]
    conflicts = {("j1", "e0"): "亲属关系", ("j2", "e5"): "组织者设置"}
    plan = assign(entries, judges, conflicts, k=2, exclude_same_district=True)
    pairs = set(plan.assignments)
    assert ("j1", "e0") not in pairs and ("j2", "e5") not in pairs and ("j0", "e3") not in pairs
    districts = {j.judge_id: j.district_id for j in judges}
    for jid, eid in pairs:
        assert districts[jid] != int(eid[1:]) % 2
    assert check_plan(plan, entries, judges, conflicts, 2, exclude_same_district=True) == []


def test_existing_kept_and_conflicting_existing_dropped():
    entries = [entry(f"e{i}", school=i) for i in range(4)]
    judges = [judge(f"j{i}", school=i) for i in range(4)]
    existing = [("j1", "e0"), ("j0", "e0"), ("jX", "e1")]
    plan = assign(entries, judges, k=2, existing=existing)
    assert ("j1", "e0") in plan.assignments
    assert ("j0", "e0") not in plan.assignments
    assert plan.dropped == (("j0", "e0", Message(A.REASON_SAME_SCHOOL)), ("jX", "e1", Message(A.REASON_UNKNOWN)))
    assert check_plan(plan, entries, judges, {}, 2) == []


def test_subject_expertise_preferred():
    subjects = ["数学", "化学"]
    judges = [judge(f"j{i}", school=100 + i, subjects=(subjects[i % 2],)) for i in range(10)]
    # ranked by subject: every judge can stay on subject
    by_subject = [entry(f"e{i}", i, group=subjects[i % 2], subject=subjects[i % 2]) for i in range(20)]
    assert assign(by_subject, judges, k=3).subject_match_rate == 1.0
    for seed in range(5):  # pairwise swaps only: a rare 3-way rotation may be missed
        plan = assign(by_subject, judges, k=3, seed=seed)
        assert plan.subject_match_rate >= 0.95
        assert plan.load_spread[None] <= 1
    # ranked together: connectivity needs a judge to cross subjects, but only a few
    together = [replace(e, group="G") for e in by_subject]
    plan = assign(together, judges, k=3)
    assert plan.is_connected("G")
    assert plan.subject_match_rate >= 0.9


def test_pools_balanced_separately():
    entries = [entry(f"e{i}", school=i) for i in range(12)]
    judges = [judge(f"x{i}", 100 + i, pool="专家") for i in range(3)] + [
        judge(f"y{i}", 200 + i, pool="教师") for i in range(6)
    ]
    plan = assign(entries, judges, k=3)
    assert set(plan.load_spread) == {"专家", "教师"}
    assert all(s <= 1 for s in plan.load_spread.values())


def test_pool_balance_beats_global_balance():
    # a0 must take e0..e2; e3, e4 can go to a1 or b0: within pool A, a1 should get both
    entries = [entry(f"e{i}", school="s") for i in range(3)] + [entry("e3", "t"), entry("e4", "t")]
    judges = [judge("a0", "x", pool="A"), judge("a1", "t0", pool="A"), judge("b0", "y", pool="B")]
    conflicts = {("a1", f"e{i}"): "c" for i in range(3)}
    conflicts.update({("b0", f"e{i}"): "c" for i in range(3)})
    conflicts.update({("a0", "e3"): "c", ("a0", "e4"): "c"})
    plan = assign(entries, judges, conflicts, k=1)
    assert plan.loads == {"a0": 3, "a1": 2, "b0": 0}
    assert plan.load_spread == {"A": 1, "B": 0}


def test_check_plan_reports_tampering():
    entries = [entry(f"e{i}", school=i) for i in range(3)]
    judges = [judge(f"j{i}", school=i) for i in range(3)]
    plan = assign(entries, judges, k=2)
    bad = replace(plan, assignments=tuple(sorted(plan.assignments + (("j0", "e0"),))))
    problems = check_plan(bad, entries, judges, {}, 2)
    assert any(
        p.template == A.PROBLEM_CONFLICT and p.params["reason"].template == A.REASON_SAME_SCHOOL for p in problems
    )
    short = build_plan(plan.assignments[1:], entries, judges, k=2)
    assert any(
        p.template == A.PROBLEM_UNLISTED for p in check_plan(replace(short, infeasible=[]), entries, judges, {}, 2)
    )
    assert check_plan(short, entries, judges, {}, 2) == []


# --------------------------------------------------------------------------
# Determinism and order independence
# --------------------------------------------------------------------------


def _round(seed=5):
    rnd = random.Random(seed)
    entries = [
        entry(f"e{i:03d}", rnd.randrange(12), group=f"G{rnd.randrange(3)}", subject=rnd.choice("ABC"))
        for i in range(120)
    ]
    judges = [judge(f"j{i:02d}", rnd.randrange(15), subjects=rnd.sample("ABC", 2)) for i in range(25)]
    conflicts = {(rnd.choice(judges).judge_id, rnd.choice(entries).entry_id): "亲属" for _ in range(30)}
    return entries, judges, conflicts


def test_deterministic_and_order_independent():
    entries, judges, conflicts = _round()
    first = assign(entries, judges, conflicts, k=4, seed=11)
    assert assign(entries, judges, conflicts, k=4, seed=11) == first
    rnd = random.Random(0)
    for _ in range(3):
        e2, j2 = entries[:], judges[:]
        rnd.shuffle(e2)
        rnd.shuffle(j2)
        c2 = dict(rnd.sample(list(conflicts.items()), len(conflicts)))
        assert assign(e2, j2, c2, k=4, seed=11) == first
    assert assign(entries, judges, conflicts, k=4, seed=12).assignments != first.assignments


# --------------------------------------------------------------------------
# Connectivity
# --------------------------------------------------------------------------


def test_clustered_group_is_repaired():
    # Two schools' entries, each school's own judges cannot score it; only z can
    # bridge, so the graph joins only if z scores entries of both schools.
    entries = [entry(f"a{i}", "X") for i in range(2)] + [entry(f"b{i}", "Y") for i in range(2)]
    judges = [judge("x1", "X"), judge("x2", "X"), judge("y1", "Y"), judge("y2", "Y"), judge("z", "Z")]
    state = _State(entries, judges, {}, False)
    clustered = {"a0": "y1 y2", "a1": "y1 y2", "b0": "x1 x2", "b1": "x1 z"}
    for eid, names in clustered.items():
        for name in names.split():
            state.add(state.e_index[eid], state.j_index[name])
    loads = Counter(state.load.tolist())
    _connect(state)
    pairs = [
        (state.judges[j].judge_id, state.entries[e].entry_id) for e, j in zip(*np.nonzero(state.assigned), strict=True)
    ]
    plan = build_plan(pairs, entries, judges, k=2)
    assert plan.is_connected("G")
    assert Counter(state.load.tolist()) == loads  # spread kept at 1
    assert check_plan(plan, entries, judges, {}, 2, max_spread=1, require_connected=True) == []
    # and the planner gets there by itself, for every seed tried
    for seed in range(10):
        assert assign(entries, judges, k=2, seed=seed).is_connected("G")


def test_clustered_groups_with_cross_section_judges():
    # per school cluster in each of two groups; repair must still connect both
    entries = [entry(f"{g}{s}{i}", f"S{s}", group=g) for g in "PQ" for s in range(3) for i in range(2)]
    judges = [judge(f"j{s}{i}", f"S{s}") for s in range(3) for i in range(3)]
    for seed in range(5):
        plan = assign(entries, judges, k=3, seed=seed)
        assert plan.is_connected("P") and plan.is_connected("Q")
        assert plan.load_spread[None] <= 1
        assert check_plan(plan, entries, judges, {}, 3) == []


def test_impossible_connection_is_reported():
    entries = [entry("a", "X"), entry("b", "Y")]
    judges = [judge("x", "X"), judge("y", "Y")]
    plan = assign(entries, judges, k=1)
    assert not plan.is_connected("G")
    assert sorted(map(sorted, plan.components["G"])) == [["a"], ["b"]]
    problems = check_plan(plan, entries, judges, {}, 1, require_connected=True)
    assert problems == [Message(A.PROBLEM_SPLIT, {"group": "G", "parts": 2})]


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


def _max_flow(cap: list[list[int]], s: int, t: int) -> int:
    """Edmonds-Karp on a small dense matrix (test oracle only)."""
    n, flow = len(cap), 0
    while True:
        prev = [-1] * n
        prev[s] = s
        queue = deque([s])
        while queue and prev[t] < 0:
            u = queue.popleft()
            for v in range(n):
                if prev[v] < 0 and cap[u][v] > 0:
                    prev[v] = u
                    queue.append(v)
        if prev[t] < 0:
            return flow
        v, push = t, min(cap[prev[x]][x] for x in _walk(prev, t, s))
        for x in _walk(prev, t, s):
            cap[prev[x]][x] -= push
            cap[x][prev[x]] += push
        flow += push


def _walk(prev, t, s):
    x = t
    while x != s:
        yield x
        x = prev[x]


def balanced_plan_exists(entries, judges, conflicts, k) -> bool:
    """Oracle: can every entry get min(k, eligible) judges with loads in {L, L+1}?

    A circulation with lower bounds (one pool, no capacities): source->entry
    exactly need(e), judge->sink between L and L+1, sink->source unbounded.
    """
    ne, nj = len(entries), len(judges)
    need = [min(k, eligible_count(e, judges, conflicts)) for e in entries]
    low = sum(need) // nj
    s, t, ss, tt = ne + nj, ne + nj + 1, ne + nj + 2, ne + nj + 3
    cap = [[0] * (ne + nj + 4) for _ in range(ne + nj + 4)]
    excess = [0] * (ne + nj + 4)

    def bounded(u, v, lower, upper):
        cap[u][v] += upper - lower
        excess[v] += lower
        excess[u] -= lower

    for i, e in enumerate(entries):
        bounded(s, i, need[i], need[i])
        for jj, j in enumerate(judges):
            if conflict_reason(j, e, conflicts) is None:
                bounded(i, ne + jj, 0, 1)
    for jj in range(nj):
        bounded(ne + jj, t, low, low + 1)
    bounded(t, s, 0, sum(need))
    for v, x in enumerate(excess):
        if x > 0:
            cap[ss][v] = x
        elif x < 0:
            cap[v][tt] = -x
    return _max_flow(cap, ss, tt) == sum(x for x in excess if x > 0)


@st.composite
def rounds(draw):
    n_schools = draw(st.integers(1, 4))
    n_e = draw(st.integers(1, 9))
    n_j = draw(st.integers(1, 7))
    ents = [
        entry(
            f"e{i}",
            draw(st.integers(0, n_schools - 1)),
            group=draw(st.sampled_from("GH")),
            subject=draw(st.sampled_from("AB")),
            district=draw(st.integers(0, 1)),
        )
        for i in range(n_e)
    ]
    juds = [
        judge(
            f"j{i}",
            draw(st.integers(0, n_schools)),
            district=draw(st.integers(0, 1)),
            subjects=draw(st.sets(st.sampled_from("AB"), max_size=2)),
        )
        for i in range(n_j)
    ]
    pairs = draw(
        st.sets(
            st.tuples(st.sampled_from([j.judge_id for j in juds]), st.sampled_from([e.entry_id for e in ents])),
            max_size=6,
        )
    )
    conflicts = {p: "亲属" for p in pairs}
    k = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**16))
    return ents, juds, conflicts, k, seed


PROPS = settings(
    max_examples=int(__import__("os").environ.get("ASSIGN_EXAMPLES", 150)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPS
@given(rounds(), st.booleans())
def test_property_valid_plan_no_conflicts_full_or_reported(data, same_district):
    ents, juds, conflicts, k, seed = data
    plan = assign(ents, juds, conflicts, k=k, seed=seed, exclude_same_district=same_district)
    assert check_plan(plan, ents, juds, conflicts, k, same_district) == []
    by_id = {j.judge_id: j for j in juds}
    ents_by_id = {e.entry_id: e for e in ents}
    for jid, eid in plan.assignments:
        assert conflict_reason(by_id[jid], ents_by_id[eid], conflicts, same_district) is None
    for e in ents:  # never under-assigned silently: as many as allowed, else listed
        want = min(k, eligible_count(e, juds, conflicts, same_district))
        assert len(plan.judges_per_entry[e.entry_id]) == want
        if want < k:
            reason = Message(A.REASON_TOO_FEW, {"eligible": want, "needed": k})
            assert Shortfall(e.entry_id, k, want, reason) in plan.infeasible


@PROPS
@given(rounds())
def test_property_spread_at_most_one_whenever_feasible(data):
    ents, juds, conflicts, k, seed = data
    plan = assign(ents, juds, conflicts, k=k, seed=seed)
    if balanced_plan_exists(ents, juds, conflicts, k):
        assert plan.load_spread[None] <= 1
    else:
        assert plan.load_spread[None] >= 2


@PROPS
@given(rounds(), st.randoms(use_true_random=False))
def test_property_deterministic_whatever_the_order(data, rnd):
    ents, juds, conflicts, k, seed = data
    plan = assign(ents, juds, conflicts, k=k, seed=seed)
    e2, j2 = ents[:], juds[:]
    rnd.shuffle(e2)
    rnd.shuffle(j2)
    assert assign(e2, j2, dict(reversed(list(conflicts.items()))), k=k, seed=seed) == plan


@PROPS
@given(rounds())
def test_property_existing_kept(data):
    ents, juds, conflicts, k, seed = data
    first = assign(ents, juds, conflicts, k=k, seed=seed)
    keep = first.assignments[::2]
    again = assign(ents, juds, conflicts, k=k, seed=seed + 1, existing=keep)
    assert set(keep) <= set(again.assignments)
    assert check_plan(again, ents, juds, conflicts, k) == []


def test_plan_type():
    assert isinstance(assign([], [], k=5), AssignmentPlan)


def max_coverage(entries, judges, conflicts, k) -> int:
    """Oracle: the most (judge, entry) pairs any plan can have under capacities."""
    ne, nj = len(entries), len(judges)
    s, t = ne + nj, ne + nj + 1
    cap = [[0] * (ne + nj + 2) for _ in range(ne + nj + 2)]
    for i, e in enumerate(entries):
        cap[s][i] = k
        for jj, j in enumerate(judges):
            cap[i][ne + jj] = int(conflict_reason(j, e, conflicts) is None)
    for jj, j in enumerate(judges):
        cap[ne + jj][t] = ne if j.capacity is None else j.capacity
    return _max_flow(cap, s, t)


@PROPS
@given(
    rounds(),
    st.lists(st.tuples(st.sampled_from([None, "P"]), st.sampled_from([None, 0, 1, 2, 3, 5])), min_size=7, max_size=7),
)
def test_property_pools_and_capacities(data, extras):
    ents, juds, conflicts, k, seed = data
    juds = [replace(j, pool=p, capacity=c) for j, (p, c) in zip(juds, extras, strict=False)]
    plan = assign(ents, juds, conflicts, k=k, seed=seed)
    assert check_plan(plan, ents, juds, conflicts, k) == []
    assert len(plan.assignments) == max_coverage(ents, juds, conflicts, k)
    assert set(plan.load_spread) == {j.pool for j in juds}


def test_a_judge_held_at_a_workload_limit_is_not_counted_as_underloaded():
    """A released judge keeps only the submitted entries (capacity = kept): loads 3, 3 and 1
    are balanced, not a spread of 2; without the limit they are not."""
    entries = [entry(f"e{i}", school=100 + i) for i in range(7)]
    pairs = [("A", "e0"), ("A", "e1"), ("A", "e2"), ("B", "e3"), ("B", "e4"), ("B", "e5"), ("C", "e6")]
    capped = build_plan(pairs, entries, [judge("A", 1), judge("B", 2), judge("C", 3, capacity=1)], k=1)
    assert capped.loads == {"A": 3, "B": 3, "C": 1} and capped.load_spread == {None: 0}
    free = build_plan(pairs, entries, [judge("A", 1), judge("B", 2), judge("C", 3)], k=1)
    assert free.load_spread == {None: 2}
    # a limited judge still below the limit is counted
    roomy = build_plan(pairs, entries, [judge("A", 1), judge("B", 2), judge("C", 3, capacity=2)], k=1)
    assert roomy.load_spread == {None: 2}
