"""Tests of award levels, cut lines and ties (评奖)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from competition.domain.awards import CutTie, TieBreak, assign_awards, award_cap, award_groups, cut_positions
from competition.domain.explain import text
from competition.domain.ranking import rank


@dataclass(frozen=True)
class R:
    entry_id: str
    score: float
    component: int = 0
    n_judges: int = 5


def group(scores: list[float]) -> list[R]:
    return [R(f"E{i + 1}", s) for i, s in enumerate(scores)]


def levels_of(outcome) -> dict:
    return {a.entry_id: a.level for a in outcome.awards}


def test_cut_positions_round_half_up_cumulatively() -> None:
    assert cut_positions(40, [("一等奖", 0.1), ("二等奖", 0.2), ("三等奖", 0.3)]) == {
        "一等奖": 4,
        "二等奖": 12,
        "三等奖": 24,
    }
    assert cut_positions(25, [("一等奖", 0.1), ("二等奖", 0.2)]) == {"一等奖": 3, "二等奖": 8}  # 2.5 -> 3
    assert cut_positions(25, [("一等奖", 0.1)], "floor") == {"一等奖": 2}
    # At least one place per level in a small group, never onto its last entry (issue #14).
    assert cut_positions(3, [("一等奖", 0.1), ("二等奖", 0.2), ("三等奖", 0.3)]) == {
        "一等奖": 1,
        "二等奖": 2,
        "三等奖": 2,
    }
    assert cut_positions(1, [("一等奖", 0.1), ("二等奖", 0.2)]) == {"一等奖": 0, "二等奖": 0}
    assert cut_positions(0, [("一等奖", 0.1)]) == {"一等奖": 0}
    with pytest.raises(ValueError):
        cut_positions(10, [("一等奖", 0.7), ("二等奖", 0.5)])


LEVELS = [("一等奖", 0.1), ("二等奖", 0.2), ("三等奖", 0.3)]


def test_the_awarded_share_is_capped_so_a_small_group_is_not_all_awarded() -> None:
    # 60% of 3 is 1.8: at most 1 award; the 一等奖's "at least one place" takes it, the others get none
    assert award_cap(3, 0.6) == 1
    assert cut_positions(3, LEVELS, max_share=0.6) == {"一等奖": 1, "二等奖": 1, "三等奖": 1}
    # a lone entry: 60% of 1 is 0.6, so no award at all (today it would get 一等奖)
    assert cut_positions(1, LEVELS, max_share=0.6) == {"一等奖": 0, "二等奖": 0, "三等奖": 0}
    # 5 entries: 0.5 -> 1, 1.5 -> 2, 3.0 -> 3 places; the cap, 3.0 -> 3, changes nothing
    assert cut_positions(5, LEVELS, max_share=0.6) == {"一等奖": 1, "二等奖": 2, "三等奖": 3}
    # 7 entries: 0.7 -> 1, 2.1 -> 2, 4.2 -> 4; cap 4.2 -> 4
    assert cut_positions(7, LEVELS, max_share=0.6) == {"一等奖": 1, "二等奖": 2, "三等奖": 4}
    # a cap of 50%: 40 entries -> 4 / 12 / 24 by proportion, cut at 20
    assert cut_positions(40, LEVELS, max_share=0.5) == {"一等奖": 4, "二等奖": 12, "三等奖": 20}
    with pytest.raises(ValueError):
        award_cap(3, 1.5)
    lone = assign_awards(group([58.9]), LEVELS, max_share=0.6)
    assert levels_of(lone) == {"E1": None}
    three = assign_awards(group([90, 80, 70]), LEVELS, max_share=0.6)
    assert levels_of(three) == {"E1": "一等奖", "E2": None, "E3": None}


def test_at_least_one_place_never_awards_every_entry_of_a_small_group_even_without_a_cap() -> None:
    # no cap (100%), 3 entries: 一等奖 0.3 -> 0, pushed to 1; 二等奖 0.9 -> 1, pushed to 2;
    # 三等奖 1.8 -> 2, would be pushed to 3 = every entry: it stays at 2
    assert cut_positions(3, LEVELS, max_share=None) == {"一等奖": 1, "二等奖": 2, "三等奖": 2}
    # 2 entries: 0.2 -> 0 -> 1; 0.6 -> 1, 1.2 -> 1: one award. A lone entry: 0.1 -> 0 and 0.3 -> 0
    # are not pushed onto it; 0.6 rounds half up to 1 by proportion alone (the cap or the smallest
    # group, both on by default, keep it from an award)
    assert cut_positions(2, LEVELS, max_share=None) == {"一等奖": 1, "二等奖": 1, "三等奖": 1}
    assert cut_positions(1, LEVELS, max_share=None) == {"一等奖": 0, "二等奖": 0, "三等奖": 1}
    assert cut_positions(1, LEVELS[:2], max_share=None) == {"一等奖": 0, "二等奖": 0}
    three = assign_awards(group([90, 80, 70]), LEVELS, max_share=None)
    assert levels_of(three) == {"E1": "一等奖", "E2": "二等奖", "E3": None}
    # proportions that themselves reach 100% still award all: 4 x 50% = 2, 4 x 100% = 4
    assert cut_positions(4, [("一等奖", 0.5), ("二等奖", 0.5)], max_share=None) == {"一等奖": 2, "二等奖": 4}


def test_a_group_below_the_minimum_size_is_left_to_the_organizer() -> None:
    two = assign_awards(group([95, 90]), LEVELS, min_group_size=3)
    assert levels_of(two) == {"E1": None, "E2": None} and two.ties == [] and not any(a.pending for a in two.awards)
    assert [a.rank for a in two.awards] == [1, 2]
    assert text(two.awards[0].explanation[0]) == (
        "the group has 2 entries, fewer than the 3 needed to award by proportion: the organizer decides"
    )
    # three entries are enough
    assert levels_of(assign_awards(group([95, 90, 85]), LEVELS, min_group_size=3))["E1"] == "一等奖"


def test_levels_and_chinese_explanations() -> None:
    out = assign_awards(group([100 - i for i in range(40)]))
    lv = levels_of(out)
    assert [lv[f"E{i}"] for i in (1, 4, 5, 12, 13, 24, 25)] == [
        "一等奖",
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        None,
    ]
    third = out.by_entry()["E3"]
    assert text(third.explanation) == "rank 3 of 40 in the group; 4 places for 一等奖: awarded 一等奖"
    assert text(out.by_entry()["E30"].explanation) == "rank 30 of 40 in the group; 24 award places in all: no award"
    assert out.resolved and out.quotas == {"一等奖": 4, "二等奖": 8, "三等奖": 12}


def test_minimum_score_drops_to_the_next_level_without_promoting_others() -> None:
    out = assign_awards(
        group([95, 90, 84, 80, 70, 60, 50, 40, 30, 20]),
        [("一等奖", 0.2), ("二等奖", 0.3)],
        min_scores={"一等奖": 92, "二等奖": 75},
    )
    lv = levels_of(out)
    assert lv == {
        "E1": "一等奖",
        "E2": "二等奖",
        "E3": "二等奖",
        "E4": "二等奖",
        "E5": None,
        "E6": None,
        "E7": None,
        "E8": None,
        "E9": None,
        "E10": None,
    }
    assert "below the 一等奖 minimum of 92.00" in text(out.by_entry()["E2"].explanation)


def test_honourable_mention_goes_to_the_rest_above_its_minimum() -> None:
    out = assign_awards(
        group([95, 90, 80, 70, 60, 50]),
        [("一等奖", 0.2), ("二等奖", 0.2)],
        min_scores={"优秀奖": 55},
        remainder="优秀奖",
    )
    assert levels_of(out) == {
        "E1": "一等奖",
        "E2": "二等奖",
        "E3": "优秀奖",
        "E4": "优秀奖",
        "E5": "优秀奖",
        "E6": None,
    }
    assert text(out.by_entry()["E4"].explanation) == (
        "rank 4 of 6 in the group; outside the 2 places of the levels above: awarded 优秀奖"
    )
    assert "below the 优秀奖 minimum of 55.00" in text(out.by_entry()["E6"].explanation)
    # Without the setting nothing below the levels is awarded.
    assert levels_of(assign_awards(group([95, 90, 80]), [("一等奖", 0.3)]))["E3"] is None


def test_honourable_mention_waits_for_a_tie_at_the_line_above() -> None:
    out = assign_awards(
        group([90, 80, 80, 70]), [("一等奖", 0.5)], remainder="优秀奖", tie_break=[TieBreak("n", lambda r: 0)]
    )
    lv = levels_of(out)
    assert lv["E1"] == "一等奖" and lv["E4"] == "优秀奖"
    assert lv["E2"] is None and lv["E3"] is None and all(out.by_entry()[e].pending for e in ("E2", "E3"))


def test_tie_at_the_line_is_reported_not_broken() -> None:
    out = assign_awards(group([99, 98, 97, 97, 90, 80, 70, 60, 50, 40]), [("一等奖", 0.3)])
    assert out.ties == [CutTie("一等奖", 3, ("E3", "E4"), 1, 97)]
    a = out.by_entry()
    assert a["E1"].level == a["E2"].level == "一等奖"
    assert a["E3"].pending and a["E4"].pending and a["E3"].level is None
    assert "tied with E4 at the 一等奖 line (1 places left): waits for the organizer's decision" in text(
        a["E3"].explanation
    )
    assert a["E5"].level is None and not a["E5"].pending
    # The organizer settles it (here: both get the award).
    settled = assign_awards(
        group([99, 98, 97, 97, 90, 80, 70, 60, 50, 40]), [("一等奖", 0.3)], tie_decisions={"一等奖": ["E3", "E4"]}
    )
    assert settled.resolved
    assert levels_of(settled)["E4"] == "一等奖"
    assert "awarded 一等奖 by the organizer's decision" in text(settled.by_entry()["E4"].explanation)
    # Or only E4: E3 is placed below it and told why it missed the line.
    one = assign_awards(
        group([99, 98, 97, 97, 90, 80, 70, 60, 50, 40]),
        [("一等奖", 0.3), ("二等奖", 0.2)],
        tie_decisions={"一等奖": ["E4"]},
    ).by_entry()
    assert (one["E4"].position, one["E3"].position) == (3, 4) and one["E3"].level == "二等奖"
    assert text(one["E3"].explanation) == (
        "rank 4 of 10 in the group; tied at the 一等奖 line: not awarded 一等奖 by the organizer's decision; "
        "2 places for 二等奖: awarded 二等奖"
    )
    with pytest.raises(ValueError):
        assign_awards(group([99, 98, 97, 97]), [("一等奖", 0.75)], tie_decisions={"一等奖": ["E1"]})
    with pytest.raises(ValueError):  # no tie on that line: a stale decision is refused
        assign_awards(group([99, 98, 97, 97]), [("一等奖", 0.5)], tie_decisions={"一等奖": ["E3"]})


def test_tie_break_chain_resolves_before_reporting() -> None:
    res = group([99, 98, 97, 97, 97, 90, 80, 70, 60, 50])
    novelty = {"E3": 30, "E4": 36, "E5": 30}
    chain = [TieBreak("创新性", novelty), TieBreak("评委人数", "n_judges")]
    out = assign_awards(res, [("一等奖", 0.3), ("二等奖", 0.3)], tie_break=chain)
    assert out.resolved
    a = out.by_entry()
    assert a["E4"].level == "一等奖" and a["E4"].position == 3 and a["E4"].rank == 3
    assert a["E3"].level == a["E5"].level == "二等奖"
    assert "ordered by 创新性, 评委人数" in text(a["E3"].explanation)
    # E3 and E5 stay tied (same novelty, same judges) but both sit below the line: no CutTie.
    assert a["E3"].position == a["E5"].position == 4


def test_real_ranking_grouped_by_section_and_stage() -> None:
    scores = [(e, j, 50 + e + j) for e in range(20) for j in range(3)]
    results = rank(scores).results
    group_of = {e: ("学生科技创新成果", "小学" if e % 2 else "初中") for e in range(20)}
    out = award_groups(results, group_of=group_of, tie_break=[TieBreak("总分", "raw_sum")])
    assert set(out) == {("学生科技创新成果", "小学"), ("学生科技创新成果", "初中")}
    primary = out[("学生科技创新成果", "小学")]
    assert primary.awards[0].entry_id == 19 and primary.awards[0].level == "一等奖"
    assert primary.awards[0].group == ("学生科技创新成果", "小学")
    with pytest.raises(ValueError):
        award_groups(results)  # results carry no section / stage


def test_refuses_results_from_several_components() -> None:
    with pytest.raises(ValueError):
        assign_awards([R("A", 90, 0), R("B", 80, 1)])
