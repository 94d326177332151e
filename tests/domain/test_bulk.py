"""The province-scale helpers (domain.bulk) and the fast paths of the ranking engine they serve."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from competition.domain.bulk import min_labels, paused_gc
from competition.domain.ranking import rank


def test_min_labels_of_two_parts_and_a_lonely_entry() -> None:
    # Entries 0-4, judges 0-2: judge 0 saw entries 3 and 1, judge 1 saw 1 and 4, judge 2 saw 2.
    # Parts: {1, 3, 4} (smallest 1), {2}, and entry 0 has no score at all (its own part).
    left = np.array([3, 1, 1, 4, 2])
    right = np.array([0, 0, 1, 1, 2])
    assert min_labels(left, right, 5, 3).tolist() == [0, 1, 2, 1, 1]


def test_min_labels_of_a_long_chain_reaches_the_far_end() -> None:
    # Entry i and i+1 share judge i: one part of 200 entries, all labelled 0 (a diameter of 400).
    n = 200
    left = np.concatenate([np.arange(n - 1), np.arange(1, n)])
    right = np.concatenate([np.arange(n - 1), np.arange(n - 1)])
    assert min_labels(left, right, n, n - 1).tolist() == [0] * n


def test_min_labels_without_edges() -> None:
    empty = np.empty(0, dtype=np.int64)
    assert min_labels(empty, empty, 3, 0).tolist() == [0, 1, 2]


def test_paused_gc_restores_the_collector_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_components_through_the_fast_path_number_by_size() -> None:
    # Entries 10, 11 share judge 1; entries 20, 21, 22 share judge 2: the bigger part is 0.
    scores = [(10, 1, 80.0), (11, 1, 70.0), (20, 2, 60.0), (21, 2, 50.0), (22, 2, 40.0)]
    out = rank(scores, "mean")
    assert [(r.entry_id, r.component, r.rank) for r in out] == [
        (20, 0, 1),
        (21, 0, 2),
        (22, 0, 3),
        (10, 1, 1),
        (11, 1, 2),
    ]
    assert out.components == [frozenset({20, 21, 22}), frozenset({10, 11})]


def test_a_judge_scoring_an_entry_twice_keeps_the_canonical_order() -> None:
    # Judge 7 scored entry 1 twice (60 and 90): the order of the input never matters, and the
    # raw scores come by judge, then score.
    scores = [(1, 7, 90.0), (1, 7, 60.0), (1, 3, 75.0), (2, 3, 50.0)]
    for order in (scores, scores[::-1]):
        first = rank(order, "mean").by_entry()[1]
        assert first.raw_scores == ((3, 75.0), (7, 60.0), (7, 90.0))
        assert first.raw_mean == pytest.approx(75.0)  # (75 + 60 + 90) / 3


def test_int_ids_and_string_ids_rank_alike() -> None:
    # The integer fast path and the general path (strings) give the same ranks for the same data.
    ints = [(1, 1, 80.0), (2, 1, 70.0), (2, 2, 65.0), (3, 2, 90.0)]
    strs = [(f"e{e}", f"j{j}", s) for e, j, s in ints]
    assert [r.score for r in rank(ints)] == [r.score for r in rank(strs)]
    assert [r.rank for r in rank(ints)] == [r.rank for r in rank(strs)]
