"""Tests of nominations under quotas and caps (推荐名额)."""

from __future__ import annotations

import pytest

from competition.domain.explain import text
from competition.domain.nominations import Candidate, nominate, stage_quotas


def cand(
    i: int, *, stage="高中", school=None, district="D1", award="一等奖", score=None, rank=None, group="G"
) -> Candidate:
    return Candidate(
        i,
        f"P{i}",
        group,
        stage,
        school if school is not None else f"S{i}",
        district,
        award,
        100 - i if score is None else score,
        i if rank is None else rank,
    )


def test_quota_in_rank_order_with_reasons() -> None:
    out = nominate([cand(i) for i in range(1, 36)], 30)
    assert out.nominated == list(range(1, 31))
    d = out.by_entry()
    assert text(d[31].reason) == "place 31 among the eligible entries; quota of 30 is full" and not d[31].nominated
    assert text(d[3].reason) == "place 3 among the eligible entries; nominated within the quota"


def test_only_eligible_awards() -> None:
    out = nominate([cand(1), cand(2, award="二等奖"), cand(3, award=None)], 5)
    d = out.by_entry()
    assert out.nominated == [1]
    assert text(d[2].reason) == "二等奖: not eligible for nomination (only 一等奖)"
    assert (
        text(d[3].reason) == "not eligible for nomination (only 一等奖)"
    )  # "no award" is said once, by the award line


def test_school_and_district_caps() -> None:
    cands = [
        cand(1, school="S"),
        cand(2, school="S"),
        cand(3, school="S"),
        cand(4),
        cand(5, district="D2"),
        cand(6, district="D2"),
    ]
    out = nominate(cands, 5, school_cap=2, district_cap=3)
    d = out.by_entry()
    assert out.nominated == [1, 2, 4, 5, 6]
    assert text(d[3].reason) == "place 3 among the eligible entries; school cap of 2 reached by entries P1, P2"
    out = nominate(cands, 5, district_cap=2)
    assert out.nominated == [1, 2, 5, 6]
    assert "district cap of 2 reached by entries P1, P2" in text(out.by_entry()[3].reason)


def test_stage_shares_and_free_pool() -> None:
    assert stage_quotas(30, {"小学": 0.1, "初中": 0.2, "高中": 0.5}) == ({"小学": 3, "初中": 6, "高中": 15}, 6)
    cands = [cand(i, stage="高中") for i in range(1, 6)] + [cand(i, stage="小学") for i in range(6, 9)]
    out = nominate(cands, 4, stage_shares={"小学": 0.25, "高中": 0.25})  # 1 + 1 fixed, 2 free
    assert out.stage_quotas == {"小学": 1, "高中": 1} and out.free_quota == 2
    assert out.nominated == [1, 2, 3, 6]
    d = out.by_entry()
    assert text(d[6].reason) == "place 6 among the eligible entries; nominated within the 小学 stage quota"
    assert text(d[2].reason) == "place 2 among the eligible entries; nominated within the free quota"
    assert (
        text(d[7].reason)
        == "place 7 among the eligible entries; 小学 stage quota of 1 is full; free quota of 2 is full"
    )


def test_tie_at_the_quota_line_is_reported_then_settled() -> None:
    cands = [cand(1), cand(2), cand(3, rank=3, score=90), cand(4, rank=3, score=90), cand(5)]
    out = nominate(cands, 3)
    assert out.nominated == [1, 2]
    assert [(t.pool, t.entry_ids, t.places, text(t.label)) for t in out.ties] == [("quota", (3, 4), 1, "quota")]
    d = out.by_entry()
    assert d[3].pending and not d[3].nominated and "tied with entries P4 at the line (quota)" in text(d[3].reason)
    assert not d[5].nominated and not d[5].pending  # the open place is not handed down
    settled = nominate(cands, 3, tie_decisions=[4])
    assert settled.nominated == [1, 2, 4] and not settled.ties
    assert "not nominated by the organizer's decision" in text(settled.by_entry()[3].reason)


def test_stage_line_tie_absorbed_by_the_free_pool() -> None:
    cands = [
        cand(1, stage="高中", rank=1, score=90),
        cand(2, stage="高中", rank=1, score=90),
        cand(3, stage="小学"),
        cand(4, stage="高中"),
    ]
    out = nominate(cands, 3, stage_shares={"高中": 1 / 3, "小学": 1 / 3})
    assert not out.ties
    assert out.nominated == [1, 2, 3]


ANHUI = {"小学": 0.1, "初中": 0.2, "高中": 0.5}


def test_stage_shares_are_rounded_half_up_by_default() -> None:
    # 25 x 10% = 2.5 -> 3, 25 x 20% = 5, 25 x 50% = 12.5 -> 13: 21 fixed, 25 - 21 = 4 free
    assert stage_quotas(25, ANHUI) == ({"小学": 3, "初中": 5, "高中": 13}, 4)
    # 17 x 10% = 1.7 -> 2, 17 x 20% = 3.4 -> 3, 17 x 50% = 8.5 -> 9: 14 fixed, 3 free
    assert stage_quotas(17, ANHUI) == ({"小学": 2, "初中": 3, "高中": 9}, 3)
    # 14 x 10% = 1.4 -> 1, 14 x 20% = 2.8 -> 3, 14 x 50% = 7: 11 fixed, 3 free
    assert stage_quotas(14, ANHUI) == ({"小学": 1, "初中": 3, "高中": 7}, 3)


def test_stage_shares_floored_when_the_contest_says_so() -> None:
    # 25 -> 2 / 5 / 12 (2.5, 5, 12.5 floored): 19 fixed, 6 free
    assert stage_quotas(25, ANHUI, "floor") == ({"小学": 2, "初中": 5, "高中": 12}, 6)
    # 17 -> 1 / 3 / 8: 12 fixed, 5 free
    assert stage_quotas(17, ANHUI, "floor") == ({"小学": 1, "初中": 3, "高中": 8}, 5)


def test_rounded_shares_beyond_the_quota_are_refused() -> None:
    # 3 x 50% = 1.5 -> 2 twice: 4 places out of 3
    with pytest.raises(ValueError, match="4 places, more than the quota of 3"):
        stage_quotas(3, {"小学": 0.5, "初中": 0.5})
    assert stage_quotas(3, {"小学": 0.5, "初中": 0.5}, "floor") == ({"小学": 1, "初中": 1}, 1)
    with pytest.raises(ValueError, match="unknown share rounding"):
        stage_quotas(3, ANHUI, "ceiling")


def test_nominate_uses_the_half_up_stage_places() -> None:
    # quota 5: 0.5 -> 1 小学, 1 初中, 2.5 -> 3 高中, no free place; floored it would be 0 / 1 / 2 and 2 free
    cands = [cand(1, stage="高中"), cand(2, stage="高中"), cand(3, stage="高中"), cand(4, stage="高中")]
    cands += [cand(5, stage="小学")]  # last in the order
    out = nominate(cands, 5, stage_shares=ANHUI)
    assert out.stage_quotas == {"小学": 1, "初中": 1, "高中": 3} and out.free_quota == 0
    assert out.nominated == [1, 2, 3, 5]  # 高中 4 waits for a free place there is not
    floored = nominate(cands, 5, stage_shares=ANHUI, share_rounding="floor")
    assert floored.stage_quotas == {"小学": 0, "初中": 1, "高中": 2} and floored.free_quota == 2
    assert floored.nominated == [1, 2, 3, 4]  # 高中 1-2 by share, 3-4 take the free places before 小学 5


def test_a_minimum_score_keeps_low_winners_from_the_next_round() -> None:
    # a lone 一等奖 scoring 58.9 and a 一等奖 scoring 88 with a minimum of 60: only the second goes on
    cands = [cand(1, score=58.9, group="小组"), cand(2, score=88, rank=1)]
    out = nominate(cands, 5, min_score=60)
    assert out.nominated == [2]
    assert text(out.by_entry()[1].reason) == "score 58.9 is under the minimum of 60 for a nomination"
    assert nominate(cands, 5).nominated == [1, 2]  # no minimum: both


def test_the_minimum_message_prints_the_score_as_the_results_table_does() -> None:
    # 79.0567 is shown 79.06 in the table (two decimals), so the skip reason says 79.06, not 79.0567
    out = nominate([cand(1, score=79.0567)], 5, min_score=80)
    assert out.nominated == []
    assert text(out.by_entry()[1].reason) == "score 79.06 is under the minimum of 80 for a nomination"


def test_group_quota() -> None:
    cands = [cand(i, group="A") for i in range(1, 4)] + [cand(i, group="B") for i in range(4, 6)]
    out = nominate(cands, 10, group_quota={"A": 2, "B": 5})
    assert out.nominated == [1, 2, 4, 5]
    assert (
        text(out.by_entry()[3].reason)
        == "place 3 among the eligible entries; group quota of 2 reached by entries P1, P2"
    )
    with pytest.raises(ValueError):
        stage_quotas(10, {"小学": 0.6, "初中": 0.6})
