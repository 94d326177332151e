"""Unit and property tests of the ranking engine (排名引擎)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.domain.explain import text
from competition.domain.ranking import METHODS, EntryResult, RankingOutcome, ScoreRecord, rank

# Four judges, six entries, everyone scores everything; judge "J4" is harsh.
FULL = [
    (e, j, base + {"J1": 0, "J2": 2, "J3": -1, "J4": -12}[j])
    for e, base in [("A", 90), ("B", 84), ("C", 80), ("D", 76), ("E", 70), ("F", 60)]
    for j in ("J1", "J2", "J3", "J4")
]


def ranks(outcome: RankingOutcome) -> dict:
    return {r.entry_id: r.rank for r in outcome}


def test_accepts_records_and_tuples_alike() -> None:
    records = [ScoreRecord(*t) for t in FULL]
    assert rank(records).results == rank(FULL).results


def test_mean_and_competition_ranks() -> None:
    scores = [
        (1, "a", 80),
        (1, "b", 90),
        (2, "a", 85),
        (2, "b", 85),
        (3, "a", 90),
        (3, "b", 80),
        (4, "a", 70),
        (4, "b", 70),
    ]
    out = rank(scores, "mean")
    assert [(r.entry_id, r.score, r.rank) for r in out] == [(1, 85.0, 1), (2, 85.0, 1), (3, 85.0, 1), (4, 70.0, 4)]
    first = out.results[0]
    assert first.raw_scores == (("a", 80.0), ("b", 90.0))
    assert first.n_judges == 2 and first.raw_mean == 85.0
    assert out.method == "mean" and out.is_connected


def test_trimmed_mean_drops_one_high_and_one_low_from_five() -> None:
    five = [("X", j, s) for j, s in zip("abcde", [60, 70, 72, 74, 99], strict=True)]
    four = [("Y", j, s) for j, s in zip("abcd", [60, 70, 72, 99], strict=True)]
    out = rank(five + four, "trimmed_mean").by_entry()
    assert out["X"].score == pytest.approx(72.0)
    assert out["Y"].score == pytest.approx(75.25)  # plain mean: fewer than 5 scores
    assert [a.weight for a in out["X"].adjustments].count(0.0) == 2
    assert "highest and lowest score dropped" in text(out["X"].explanation)
    out4 = rank(five + four, "trimmed_mean", trim_min_judges=4).by_entry()
    assert out4["Y"].score == pytest.approx(71.0)
    assert out4["Y"].trimmed_mean == pytest.approx(71.0)


def test_every_method_sees_through_a_uniformly_harsh_judge() -> None:
    for method in METHODS:
        out = rank(FULL, method)
        assert [r.entry_id for r in out] == list("ABCDEF"), method
        assert all(0 <= r.score <= 100 for r in out)


def test_calibrated_finds_harsh_judge_and_explains_it() -> None:
    # Panel design: J4 (harsh) scores only A and F, so the mean punishes them.
    scores = [t for t in FULL if t[1] != "J4" or t[0] in ("A", "F")]
    out = rank(scores)
    harsh = out.judge("J4")
    assert harsh.severity < -5 and harsh.tendency == "harsh"
    assert harsh.n_scores == 2
    a = out.by_entry()["A"]
    assert a.score > a.raw_mean  # corrected upward
    j4 = next(x for x in a.adjustments if x.judge_id == "J4")
    assert j4.offset > 5
    assert "judge J4 scores harshly: raised by" in text(a.explanation)
    assert out.results[0].entry_id == "A"


def test_wild_outlier_is_down_weighted() -> None:
    scores = [(e, j, 40 + 3 * e + (j % 3)) for e in range(12) for j in range(5)]
    scores[7] = (1, 2, 2.0)  # one wild score
    out = rank(scores).by_entry()
    wild = [a for a in out[1].adjustments if a.raw == 2.0][0]
    assert wild.robust_weight < 0.5
    assert out[1].score > 40  # not dragged down by a fifth of the distance
    assert "is far from the others and counts less" in text(out[1].explanation)


def test_uncertainty_falls_with_more_judges() -> None:
    scores = [(e, j, 30 + 2 * e + (j * 7) % 5) for e in range(20) for j in range(6) if e % 2 or j < 3]
    out = rank(scores).by_entry()
    assert out[1].n_judges == 6 and out[2].n_judges == 3
    assert out[1].uncertainty < out[2].uncertainty
    assert all(r.uncertainty > 0 for r in out.values())


def test_disconnected_panels_are_ranked_per_component() -> None:
    panel1 = [(e, j, 70 + e) for e in (1, 2, 3) for j in ("a", "b")]
    panel2 = [(e, j, 40 + e) for e in (10, 11) for j in ("c", "d")]
    out = rank(panel1 + panel2)
    assert not out.is_connected
    assert out.components == [frozenset({1, 2, 3}), frozenset({10, 11})]
    assert [(r.entry_id, r.component, r.rank) for r in out] == [(3, 0, 1), (2, 0, 2), (1, 0, 3), (11, 1, 1), (10, 1, 2)]


def test_mixed_id_types_and_judge_effects_for_descriptive_methods() -> None:
    scores = [(1, "x", 70), ("1", "x", 80), (1, 7, 72), ("1", 7, 79)]
    out = rank(scores, "mean")
    assert [r.entry_id for r in out] == ["1", 1]
    assert {j.judge_id for j in out.judges} == {"x", 7}
    assert all(j.n_scores == 2 for j in out.judges)


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        rank(FULL, "median")
    with pytest.raises(ValueError):
        rank([(1, 1, 101)])
    with pytest.raises(ValueError):
        rank([(1, 1, math.nan)])
    empty = rank([])
    assert empty.results == [] and empty.is_connected


def test_result_fields() -> None:
    r = rank(FULL).results[0]
    assert isinstance(r, EntryResult)
    with pytest.raises(AttributeError):
        r.score = 1  # type: ignore[misc]  # frozen
    assert r.raw_sum == sum(s for _, s in r.raw_scores)
    assert sum(a.weight for a in r.adjustments) == pytest.approx(1.0, abs=0.2)
    assert r.component == 0 and r.trimmed_mean == r.raw_mean  # 4 judges: no trimming


# ----------------------------------------------------------- properties ----


@st.composite
def competitions(draw):
    """Small connected competitions: every entry shares judge 0 with the rest."""
    n_entries = draw(st.integers(2, 8))
    n_judges = draw(st.integers(2, 4))
    scores = []
    for e in range(n_entries):
        others = draw(st.sets(st.integers(1, n_judges - 1), max_size=n_judges - 1))
        for j in sorted({0} | others):
            scores.append((e, f"J{j}", draw(st.integers(25, 75)) / 1.0))
    return scores


PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(competitions(), st.sampled_from(METHODS))
def test_deterministic(scores, method) -> None:
    assert rank(scores, method) == rank(list(scores), method)


@PROPERTY
@given(competitions(), st.randoms(use_true_random=False), st.sampled_from(METHODS))
def test_independent_of_input_order(scores, rnd, method) -> None:
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    assert rank(shuffled, method).results == rank(scores, method).results


@PROPERTY
@given(competitions(), st.integers(0, 3), st.integers(-20, 20), st.sampled_from(["calibrated", "zscore"]))
def test_shifting_one_judge_leaves_ranking_unchanged(scores, judge, shift, method) -> None:
    shifted = [(e, j, s + shift if j == f"J{judge}" else s) for e, j, s in scores]
    assert ranks(rank(shifted, method)) == ranks(rank(scores, method))


def test_combine_rounds_weighted_and_last() -> None:
    from competition.domain.ranking import combine_rounds

    first = rank([(e, j, 60 + 5 * e + j) for e in range(4) for j in range(3)], "mean")
    final = rank([(e, j + 10, 90 - 10 * e) for e in (2, 3) for j in range(3)], "mean")
    last = combine_rounds([(0.6, first), (0.4, final)], "last").by_entry()
    assert last[2].score == 70 and last[1].score == 66 and last[2].n_judges == 3
    out = combine_rounds([(0.6, first), (0.4, final)], "weighted")
    by = out.by_entry()
    assert by[2].score == pytest.approx(0.6 * 71 + 0.4 * 70)
    assert by[0].score == pytest.approx(61)  # judged in the first round only
    assert by[2].n_judges == 6 and len(by[2].raw_scores) == 6
    assert out.is_connected and [r.entry_id for r in out][:2] == [2, 3]
    with pytest.raises(ValueError):
        combine_rounds([(0.5, first), (0.5, final)], "average")
