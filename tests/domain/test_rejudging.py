"""Tests of choosing borderline entries for extra judging (复评)."""

from __future__ import annotations

import numpy as np
import pytest

from competition.domain.ranking import rank
from competition.domain.rejudging import cut_score, rejudging_priorities, select_for_rejudging
from tests.domain.simulate import Scenario, simulate, top_count, top_precision

# Entries 0..9 well spread; 4 and 5 sit on either side of the line after 5 places.
LINE = [(e, j, 30 + 5 * e + (j % 2)) for e in range(10) for j in range(3)]


def test_picks_entries_next_to_the_cut() -> None:
    chosen = select_for_rejudging(LINE, 2, cut_position=5)
    assert sorted(chosen) == [4, 5]


def test_an_entry_can_get_several_extra_scores() -> None:
    near = [(e, j, s) for e, j, s in LINE]
    near += [(20, j, 54.0 + (2 if j == 0 else -2)) for j in range(3)]  # right on the line, noisy
    chosen = select_for_rejudging(near, 6, cut_position=6)
    assert chosen.count(20) >= 2
    assert len(chosen) == 6


def test_priorities_and_cut_score() -> None:
    out = rank(LINE)
    cut = cut_score(out, 5)
    assert out.results[4].score > cut > out.results[5].score
    pri = rejudging_priorities(out, 5)
    assert {pri[0][0], pri[1][0]} == {4, 5}
    assert select_for_rejudging(LINE, 0, 5) == []


def test_refuses_a_line_across_components_or_outside_the_list() -> None:
    split = [(e, "a", 50 + e) for e in (1, 2)] + [(e, "b", 50 + e) for e in (3, 4)]
    with pytest.raises(ValueError):
        select_for_rejudging(split, 1, 2)
    with pytest.raises(ValueError):
        select_for_rejudging(LINE, 1, 10)


def _add_scores(comp, entries, rng) -> list:
    """One more score per listed entry, from a judge who has not scored it yet."""
    scores = list(comp.scores)
    n_judges = len(comp.severity)
    for e in entries:
        free = [j for j in range(n_judges) if j not in comp.judges_of[e]]
        j = int(rng.choice(free))
        comp.judges_of[e] = comp.judges_of[e] + [j]
        scores.append((e, j, comp.draw(e, j)))
    return scores


def test_targeted_extra_scores_beat_evenly_spread_ones() -> None:
    scenario = Scenario(
        n_entries=200, k=3, n_judges=20, severity_sd=4.0, spread_sd=0.2, noise=(4.0, 10.0), outlier_rate=0.01
    )
    targeted, even = [], []
    for seed in range(12):
        cut = top_count(scenario.n_entries, 0.10)
        budget = 60
        for strategy, sink in (("targeted", targeted), ("even", even)):
            comp = simulate(scenario, seed)  # same competition for both strategies
            rng = np.random.default_rng(1000 + seed)
            if strategy == "targeted":
                entries = select_for_rejudging(comp.scores, budget, cut)
            else:
                entries = rng.choice(scenario.n_entries, size=budget, replace=False).tolist()
            out = rank(_add_scores(comp, entries, rng))
            sink.append(top_precision([r.entry_id for r in out], comp.true_top(0.10)))
    # measured: targeted .763, even .696 (200 entries, 3 judges each, 60 extra scores)
    assert np.mean(targeted) >= np.mean(even) + 0.04, (np.mean(targeted), np.mean(even))
