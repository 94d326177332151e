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
