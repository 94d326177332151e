"""What each award and nomination rule did (domain/rule_effects), from real award and nomination runs."""

from __future__ import annotations

from dataclasses import dataclass

from competition.domain.awards import assign_awards
from competition.domain.explain import decode, encode
from competition.domain.nominations import Candidate, nominate
from competition.domain.rule_effects import CappedGroup, ResultFacts, RuleEffect, rule_effects

LEVELS = [("一等奖", 0.10), ("二等奖", 0.20), ("三等奖", 0.30)]
MIN_SCORES = {"一等奖": 92.0, "二等奖": 85.0}
SCHOOL_S1 = {"A1", "A2", "B1"}


@dataclass(frozen=True)
class R:
    entry_id: str
    score: float
    component: int = 0


def _facts(groups: dict[str, list[float]], **nominate_kw) -> list[ResultFacts]:
    """Award every group, nominate from all of them, and keep the facts as the Result rows do
    (the parts go through encode/decode, as they do through the database)."""
    awarded, cands = {}, []
    for g, scores in groups.items():
        rows = [R(f"{g}{i + 1}", s) for i, s in enumerate(scores)]
        out = assign_awards(rows, LEVELS, min_scores=MIN_SCORES, max_share=0.6, min_group_size=3, group=g)
        score = {r.entry_id: r.score for r in rows}
        for a in out.awards:
            awarded[a.entry_id] = (g, a)
            school = "S1" if a.entry_id in SCHOOL_S1 else a.entry_id
            cands.append(Candidate(a.entry_id, a.entry_id, g, "高中", school, "D1", a.level, score[a.entry_id], a.rank))
    decisions = {d.entry_id: d for d in nominate(cands, **nominate_kw).decisions}
    return [
        ResultFacts(e, g, decode(encode(a.explanation)), decode(encode(decisions[e].reason)))
        for e, (g, a) in awarded.items()
    ]


def _effects(facts: list[ResultFacts], **rules) -> list[RuleEffect]:
    """rule_effects with no rule set but those given."""
    unset = {
        "min_scores": {},
        "max_share": None,
        "min_group_size": 0,
        "nomination_min_score": None,
        "school_cap": None,
        "district_cap": None,
        "group_quota": None,
    }
    return rule_effects(facts, levels=LEVELS, **{**unset, **rules})


def test_each_rule_lists_what_it_held_back() -> None:
    # A, 10 entries: lines after 1, 3 and 6 places (10 x 10%, 30%, 60%); the cap floor(10 x 60%) = 6 takes
    #   nothing. A3 (84) is above the 二等奖 line but under its minimum of 85: it drops to 三等奖.
    # B, 3 entries: uncapped 0.3 -> 1, 0.9 -> 2, 1.8 -> 2 places ("at least one place per level",
    #   never the group's last entry); the cap floor(3 x 60%) = floor(1.8) = 1 leaves the 一等奖 only.
    # C, 2 entries: under the smallest group of 3: the organizer decides.
    # Nominations of 一等奖 and 二等奖 (A1 95, A2 90, B1 99; quota 5), minimum 91, one per school:
    #   B1 (rank 1, 99) first, A1 (rank 1, 95) finds S1's one place taken by B1; A2 (90 < 91) is under the minimum.
    facts = _facts(
        {"A": [95, 90, 84, 80, 78, 70, 65, 60, 55, 50], "B": [99, 88, 77], "C": [97, 60]},
        quota=5,
        eligible_awards=("一等奖", "二等奖"),
        min_score=91.0,
        school_cap=1,
    )
    effects = _effects(
        facts, min_scores=MIN_SCORES, max_share=0.6, min_group_size=3, nomination_min_score=91.0, school_cap=1
    )
    assert effects == [
        RuleEffect("level_minimum", 92.0, level="一等奖"),
        RuleEffect("level_minimum", 85.0, level="二等奖", entries=("A3",)),
        RuleEffect("award_cap", 0.6, capped=(CappedGroup("B", 3, 1, 2),)),
        RuleEffect("small_group", 3, groups=("C",)),
        RuleEffect("nomination_minimum", 91.0, entries=("A2",)),
        RuleEffect("school_cap", 1, entries=("A1",)),
    ]


def test_rules_not_set_have_no_row() -> None:
    facts = _facts({"A": [95, 90, 84]}, quota=1)
    effects = _effects(facts, group_quota={})
    assert effects == []


def test_a_district_cap_and_per_group_quotas_get_their_rows() -> None:
    # Group A of 10: 一等奖 A1 only, 二等奖 A2 (A3 is under 85). One per district (all in D1): A1 (rank 1)
    # is taken first, A2 finds D1 full.
    facts = _facts(
        {"A": [95, 90, 84, 80, 78, 70, 65, 60, 55, 50]}, quota=5, eligible_awards=("一等奖", "二等奖"), district_cap=1
    )
    effects = _effects(facts, district_cap=1, group_quota={"A": 4})
    assert effects == [RuleEffect("district_cap", 1, entries=("A2",)), RuleEffect("group_quota", "A: 4")]
