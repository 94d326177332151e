"""ContestSettings: each setting's one default, overrides, and keys it does not know."""

from competition.domain.contest_settings import DEFAULT_CERTIFICATE, DEFAULT_SETTINGS, ContestSettings


def test_defaults_fill_an_empty_mapping():
    s = ContestSettings.from_mapping({})
    assert s == ContestSettings.from_mapping(None) == ContestSettings()
    assert s.award_levels == [["一等奖", 0.10], ["二等奖", 0.20], ["三等奖", 0.30]]
    assert s.ranking_group_by == ["section", "stage"]
    assert s.tie_break == ["criterion:创新性", "n_judges", "final_round"]
    assert s.nomination_levels == ["一等奖"]
    assert s.nomination_quota is None and s.nomination_school_cap is None
    assert s.notice_days == 7 and s.notice_contact == "" and s.notice_show_names is False
    assert s.number_pattern == "{year}-{contest}-{section}-{seq:04d}"
    assert s.entry_number_pattern == "{contest}-{section}-{seq:03d}"
    assert s.work_completed_within_years == 2
    assert s.round_combination == {"mode": "last"}
    assert s.certificate == DEFAULT_CERTIFICATE
    assert s.excellence_award is False and s.recusal is True and s.exclude_same_district is False
    assert s.extra == {}


def test_every_key_has_one_default():
    assert set(DEFAULT_SETTINGS) == set(ContestSettings.keys())
    assert DEFAULT_SETTINGS["notice_days"] == 7


def test_overrides_win_and_none_means_the_default():
    s = ContestSettings.from_mapping(
        {
            "notice_days": 10,
            "nomination_quota": 20,
            "notice_contact": None,
            "ranking_group_by": ["section"],
            "award_levels": [],
        }
    )
    assert s.notice_days == 10 and s.nomination_quota == 20
    assert s.notice_contact == ""
    assert s.ranking_group_by == ["section"]
    assert s.award_levels == []  # an empty list is kept: no award levels


def test_the_certificate_merges_over_its_defaults():
    s = ContestSettings.from_mapping({"certificate": {"page_size": "A3", "unit_min_awards": 5}})
    assert s.certificate == {**DEFAULT_CERTIFICATE, "page_size": "A3", "unit_min_awards": 5}


def test_unknown_keys_are_kept_and_round_trip():
    stored = {"notice_days": 5, "tie_break": ["raw_sum"], "future_rule": {"x": 1}}
    s = ContestSettings.from_mapping(stored)
    assert s.extra == {"future_rule": {"x": 1}}
    assert s.get("future_rule") == {"x": 1} and s.get("no_such_key") is None
    mapping = s.to_mapping()
    assert mapping["future_rule"] == {"x": 1} and mapping["notice_days"] == 5
    assert ContestSettings.from_mapping(mapping) == s


def test_values_are_copies():
    stored = {"tie_break": ["raw_sum"]}
    s = ContestSettings.from_mapping(stored)
    s.tie_break.append("n_judges")
    assert stored == {"tie_break": ["raw_sum"]}
    assert ContestSettings().award_levels is not ContestSettings().award_levels
    got = s.get("tie_break")
    got.append("x")
    assert s.tie_break == ["raw_sum", "n_judges"]


def test_the_defaults_keep_small_and_weak_groups_from_a_first_prize() -> None:
    """The issue's cases with the default settings alone: a 3-entry group gets one award, not three
    (60% of 3 = 1.8, floored: 1); a lone entry scoring 58.9 gets neither 一等奖 nor a nomination."""
    from competition.domain.awards import assign_awards
    from competition.domain.nominations import Candidate, nominate

    s = ContestSettings()
    levels = [(str(n), float(p)) for n, p in s.award_levels]

    class R:
        def __init__(self, entry_id: str, score: float) -> None:
            self.entry_id, self.score, self.component = entry_id, score, 0

    three = assign_awards(
        [R("A", 91), R("B", 85), R("C", 82)],
        levels,
        min_scores=s.award_min_scores,
        max_share=s.award_max_share,
        min_group_size=s.award_min_group_size,
    )
    assert [a.level for a in three.awards] == ["一等奖", None, None]
    # 3 entries at 10%: 0.3 -> "at least one place" would give 1 place; the cap of floor(1.8) = 1 keeps it at 1.
    lone = assign_awards(
        [R("L", 58.9)], levels, min_scores=s.award_min_scores, max_share=s.award_max_share, min_group_size=1
    )
    assert [a.level for a in lone.awards] == [None]  # floor(1 x 60%) = 0 places; and 58.9 < 80 for 一等奖
    # Even given 一等奖 by hand, 58.9 is under the nomination minimum of 80.
    out = nominate([Candidate("L", "L", "g", "高中", 1, 1, "一等奖", 58.9, 1)], 5, min_score=s.nomination_min_score)
    assert [d.nominated for d in out.decisions] == [False]
