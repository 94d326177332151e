"""The tie-break chain's rules (domain/tie_break.py), without the app."""
from __future__ import annotations

from competition.domain import tie_break as rules

NAMES = {"novelty": "创新性", "science": "科学性"}


def test_check_keeps_known_steps_and_resolves_aliases():
    assert rules.check(["criterion:science", "total", "n_judges"], NAMES) == \
        (["criterion:science", "raw_sum", "n_judges"], [])
    assert rules.check([], NAMES) == ([], [])


def test_check_refuses_unknown_and_repeated_steps_with_their_position():
    chain, problems = rules.check(["criterion:art", "coin", "raw_sum", "total"], NAMES)
    assert chain == ["raw_sum"]
    assert [(p.template.split(":")[0].split(" repeats")[0], p.params) for p in problems] == [
        ("Step %(n)d", {"n": 1}), ("Step %(n)d", {"n": 2}), ("Step %(n)d", {"n": 4, "first": 3})]


def test_normalise_names_criteria_by_code_and_labels():
    assert rules.normalise("criterion:创新性", NAMES) == "criterion:novelty"
    assert rules.normalise("criterion:艺术性", NAMES) == "criterion:艺术性"
    assert rules.normalise("total", NAMES) == "raw_sum"
    assert rules.label("criterion:novelty", NAMES).params == {"criterion": "创新性"}
    assert rules.label("criterion:art", NAMES).template == "score of a criterion no rubric has"
    assert rules.label("final_round", NAMES).template == "final-round score"
