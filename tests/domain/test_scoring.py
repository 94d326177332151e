"""Score sheets: bounds, weighted totals, round combination (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.domain import scoring as S
from competition.domain.scoring import CriterionSpec, RoundScores
from competition.domain.text import Message

RUBRIC = [
    CriterionSpec("1", "创新性", 40),
    CriterionSpec("2", "科学性", 30),
    CriterionSpec("3", "实用性", 20),
    CriterionSpec("4", "三自原则", 10),
]


def test_check_score_accepts_blank_numbers_and_bounds():
    c = RUBRIC[0]
    assert S.check_score("", c) == (None, None)
    assert S.check_score(None, c) == (None, None)
    assert S.check_score(" 37.5 ", c) == (37.5, None)
    assert S.check_score(0, c) == (0.0, None)
    assert S.check_score("40", c) == (40.0, None)
    assert S.check_score("40.5", c)[1] == Message(S.ERR_TOO_HIGH, {"name": "创新性", "max": "40"})
    assert S.check_score("-1", c)[1] == Message(S.ERR_TOO_LOW, {"name": "创新性"})
    assert S.check_score("abc", c)[1] == Message(S.ERR_NOT_A_NUMBER, {"name": "创新性"})
    assert S.check_score("nan", c)[1].template == S.ERR_NOT_A_NUMBER
    assert S.check_score(True, c)[1].template == S.ERR_NOT_A_NUMBER
    assert S.check_score("12.345", c)[1].template == S.ERR_DECIMALS


def test_parse_sheet_keeps_valid_values_and_reports_every_problem():
    scores, problems = S.parse_sheet({"1": "30", "2": "31", "3": "", "9": "5"}, RUBRIC)
    assert scores == {"1": 30.0}
    assert set(problems) == {"2", "9"}
    assert problems["9"].template == S.ERR_UNKNOWN_CRITERION


def test_weighted_total_is_the_sum_for_the_default_rubric_and_none_while_incomplete():
    full = {"1": 35, "2": 25, "3": 15, "4": 8}
    assert S.weighted_total(full, RUBRIC) == 83.0
    assert S.weighted_total({"1": 35}, RUBRIC) is None
    assert S.partial_total({"1": 35}, RUBRIC) == 35.0
    assert [m.params["name"] for m in S.missing({"1": 35}, RUBRIC)] == ["科学性", "实用性", "三自原则"]


def test_weights_and_maxima_scale_to_100():
    rubric = [CriterionSpec("a", "想象力", 10, weight=5), CriterionSpec("b", "绘画", 10, weight=5)]
    assert S.weighted_total({"a": 10, "b": 5}, rubric) == 75.0
    uneven = [CriterionSpec("a", "A", 10, weight=3), CriterionSpec("b", "B", 10, weight=1)]
    assert S.weighted_total({"a": 10, "b": 0}, uneven) == 75.0


@given(st.lists(st.tuples(st.integers(1, 60), st.floats(0.1, 5)), min_size=1, max_size=6), st.data())
def test_total_always_within_0_100(spec, data):
    rubric = [CriterionSpec(str(i), f"c{i}", m, w) for i, (m, w) in enumerate(spec)]
    scores = {c.key: data.draw(st.integers(0, int(c.max_score))) for c in rubric}
    total = S.weighted_total(scores, rubric)
    assert 0 <= total <= 100
    top = S.weighted_total({c.key: c.max_score for c in rubric}, rubric)
    assert top == pytest.approx(100)


def test_combine_last_round_only():
    r1 = RoundScores(1, 0.6, {"a": 80, "b": 70, "c": 60})
    r2 = RoundScores(2, 0.4, {"a": 90, "b": 85})
    combined = S.combine_rounds([r2, r1], "last")
    assert combined["a"].score == 90 and combined["a"].last_round == 2
    assert combined["c"].score == 60 and combined["c"].last_round == 1
    assert combined["a"].parts == {1: 80.0, 2: 90.0}


def test_combine_weighted_by_round_weight():
    r1 = RoundScores(1, 0.6, {"a": 80, "c": 60})
    r2 = RoundScores(2, 0.4, {"a": 90})
    combined = S.combine_rounds([r1, r2], "weighted")
    assert combined["a"].score == pytest.approx(84.0)
    assert combined["c"].score == 60  # not promoted: its one round
    zero = S.combine_rounds([RoundScores(1, 0, {"a": 80}), RoundScores(2, 0, {"a": 90})], "weighted")
    assert zero["a"].score == 85


def test_combination_mode_from_setting():
    assert S.combination_mode({"mode": "weighted"}) == "weighted"
    assert S.combination_mode("last") == "last"
    assert S.combination_mode({"mode": "nonsense"}) == "last"
    assert S.combination_mode(None) == "last"
    with pytest.raises(ValueError):
        S.combine_rounds([], "nonsense")


def test_distribution_five_numbers():
    d = S.distribution([60, 70, 80, 90, 100])
    assert d == {"n": 5, "min": 60, "q1": 70, "median": 80, "q3": 90, "max": 100, "mean": 80, "sd": 15.81}
    assert S.distribution([]) is None
    assert S.distribution([75])["sd"] == 0


def test_format_score():
    assert S.format_score(40.0) == "40"
    assert S.format_score(37.5) == "37.5"
    assert S.format_score(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "-0",
        "1e-400",
        "1_0",
        "1e1",
        "+20",
        "٣",
        "३",
        "𝟑",
        "12.",
        ".5",
        "1。5",
        "nan",
        "inf",
        "0x1",
        "1 0",
        "",
        "-",
        "1.2.3",
        "12.5\x00",
    ],
)
def test_parse_score_text_refuses_anything_but_plain_decimal_digits(text):
    with pytest.raises(S.ScoreTextError):
        S.parse_score_text(text)
    assert issubclass(S.ScoreTextError, ValueError)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12", "12"),
        ("12.5", "12.5"),
        ("0.5", "0.5"),
        (" 37.5\n", "37.5"),
        ("０", "0"),
        ("３７．５", "37.5"),
        ("\u3000２０\u3000", "20"),
        ("0.0", "0"),
        ("00", "0"),
        ("007", "7"),
    ],
)
def test_parse_score_text_accepts_ascii_and_full_width_digits(text, expected):
    from decimal import Decimal

    number = S.parse_score_text(text)
    assert number == Decimal(expected) and str(number) == expected


@pytest.mark.parametrize("text", ["1e-400", "1_0", "1e1", "+20", "٣", "३", "𝟑", "1。5"])
def test_check_score_refuses_hostile_text_as_not_a_number(text):
    assert S.check_score(text, RUBRIC[0]) == (None, Message(S.ERR_NOT_A_NUMBER, {"name": "创新性"}))


def test_check_score_stores_minus_zero_as_zero():
    for value in ("-0", "-0.0", "0.0", -0.0):
        number, problem = S.check_score(value, RUBRIC[0])
        assert problem is None and number == 0 and str(number) == "0.0" and S.format_score(number) == "0"
    assert S.check_score("-5", RUBRIC[0])[1] == Message(S.ERR_TOO_LOW, {"name": "创新性"})


@pytest.mark.parametrize(
    "state, total, expected",
    [
        ("final", 72.5, True),  # submitted with a total
        ("final", 0.0, True),  # a total of 0 is a total
        ("final", None, False),  # submitted under a rubric without criteria: nothing to rank
        ("draft", 72.5, False),  # a complete draft still does not count
        ("draft", None, False),
        (None, None, False),  # no sheet yet
    ],
)
def test_which_sheets_count(state, total, expected):
    assert S.counts(state, total) is expected
