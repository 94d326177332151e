"""The stage shares of the nomination quota as the organizer sets them (services/contests)."""

from __future__ import annotations

import pytest

from competition.extensions import db
from competition.services import contests


def test_rounded_shares_must_fit_the_quota(world) -> None:
    contest = world.contest
    values = {"nomination_quota": 3, "nomination_stage_shares": {"小学": 0.5, "初中": 0.5}}
    with pytest.raises(contests.SettingsInvalid) as err:  # 1.5 -> 2 twice: 4 of 3
        contests.update_settings(contest, values, actor=world.organizer)
    assert err.value.problems == [
        (
            "nomination_stage_shares",
            "按四舍五入，名额3个时各学段比例得出小学 2、初中 2，共4个名额，超过总名额。请降低比例，或改为向下取整。",
        )
    ]
    contests.update_settings(contest, {**values, "nomination_share_rounding": "floor"}, actor=world.organizer)
    assert contest.settings_view.nomination_share_rounding == "floor"
    with pytest.raises(contests.SettingsInvalid) as err:
        contests.update_settings(contest, {"nomination_share_rounding": "ceiling"}, actor=world.organizer)
    assert err.value.field == "nomination_share_rounding"


def test_no_stage_shares_is_kept_rather_than_the_default(world) -> None:
    contest = world.contest
    assert contest.settings_view.nomination_stage_shares == {"小学": 0.1, "初中": 0.2, "高中": 0.5}  # Anhui's
    contests.update_settings(contest, {"nomination_stage_shares": {}}, actor=world.organizer)
    db.session.commit()
    db.session.refresh(contest)
    assert contest.settings_view.nomination_stage_shares == {}
