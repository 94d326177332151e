"""The tie-break chain's rules (domain/tie_break.py), without the app."""

from __future__ import annotations

from competition.domain import tie_break as rules

NAMES = {"novelty": "创新性", "science": "科学性"}


def test_check_keeps_known_steps_and_resolves_aliases():
    assert rules.check(["criterion:science", "total", "n_judges"], NAMES) == (
        ["criterion:science", "raw_sum", "n_judges"],
        [],
    )
    assert rules.check([], NAMES) == ([], [])


def test_check_refuses_unknown_and_repeated_steps_with_their_position():
    chain, problems = rules.check(["criterion:art", "coin", "raw_sum", "total"], NAMES)
    assert chain == ["raw_sum"]
    assert [(p.template.split(":")[0].split(" repeats")[0], p.params) for p in problems] == [
        ("Step %(n)d", {"n": 1}),
        ("Step %(n)d", {"n": 2}),
        ("Step %(n)d", {"n": 4, "first": 3}),
    ]


def test_normalise_names_criteria_by_code_and_labels():
    assert rules.normalise("criterion:创新性", NAMES) == "criterion:novelty"
    assert rules.normalise("criterion:艺术性", NAMES) == "criterion:艺术性"
    assert rules.normalise("total", NAMES) == "raw_sum"
    assert rules.label("criterion:novelty", NAMES).params == {"criterion": "创新性"}
    assert rules.label("criterion:art", NAMES).template == "score of a criterion no rubric has"
    assert rules.label("final_round", NAMES).template == "final-round score"


def test_posted_steps_follow_the_typed_positions_and_drop_empty_rows():
    posted = {
        "step-0": "criterion:novelty",
        "step-0-order": "2",
        "step-1": " n_judges ",
        "step-1-order": "x",
        "step-2": "",
        "step-3": "raw_sum",
        "step-3-order": "1",
        "action": "save",
    }
    # row 1's position is not a number, so it keeps its place (2) and comes after row 0 (also 2)
    assert rules.posted_steps(posted) == ["raw_sum", "criterion:novelty", "n_judges"]
    assert rules.posted_steps({}) == []


def test_posted_steps_stop_at_the_first_missing_row():
    assert rules.posted_steps({"step-0": "raw_sum", "step-2": "n_judges"}) == ["raw_sum"]


def test_an_up_or_down_button_swaps_a_row_with_its_neighbour_in_the_shown_order():
    rows = {"step-0": "criterion:novelty", "step-1": "n_judges", "step-2": "raw_sum"}
    assert rules.posted_steps({**rows, "action": "down-0"}) == ["n_judges", "criterion:novelty", "raw_sum"]
    assert rules.posted_steps({**rows, "action": "up-2"}) == ["criterion:novelty", "raw_sum", "n_judges"]
    # the neighbour is the one in the typed order, not in the form's order
    assert rules.posted_steps({**rows, "step-2-order": "0", "action": "down-2"}) == [
        "criterion:novelty",
        "raw_sum",
        "n_judges",
    ]
    # nothing to swap with at either end, or for a row that is not there
    assert rules.posted_steps({**rows, "action": "up-0"}) == ["criterion:novelty", "n_judges", "raw_sum"]
    assert rules.posted_steps({**rows, "action": "down-7"}) == ["criterion:novelty", "n_judges", "raw_sum"]
