"""The write rules in the services that check them themselves, beyond one route per kind
(tests/web/test_write_rules_routes.py): a contest's result rules, and the phase a contest is in."""

from __future__ import annotations

import pytest

from competition.extensions import db
from competition.models import utcnow
from competition.models.results import RankingRun
from competition.services import contests, write_guard


def test_result_rules_freeze_but_names_and_notice_wording_do_not(world):
    contest = world.contest
    contest.state = "published"
    db.session.commit()
    contests.update_settings(
        contest,
        {"name": "淮北市青少年科技创新大赛（更正）", "notice_contact": "市科协 0561-1234567"},
        actor=world.organizer,
    )
    assert contest.name == "淮北市青少年科技创新大赛（更正）"
    quota = contest.setting("nomination_quota")
    with pytest.raises(write_guard.PhaseClosed):
        contests.update_settings(contest, {"nomination_quota": (quota or 0) + 5}, actor=world.organizer)
    # the same value again is not a change
    contests.update_settings(contest, {"nomination_quota": quota}, actor=world.organizer)


def test_a_final_contest_keeps_every_setting(world):
    # a final record stays final: not even its name or the notice's wording changes
    contest = world.contest
    contest.state = "final"
    db.session.commit()
    name = contest.name
    for values in ({"name": "改名"}, {"notice_contact": "市科协"}, {"notice_days": 7}):
        with pytest.raises(write_guard.PhaseClosed, match="最终确定"):
            contests.update_settings(contest, values, actor=world.organizer)
    assert contest.name == name and contest.setting("notice_contact") == ""


def test_locking_is_a_phase_of_its_own(world):
    contest = world.contest
    contest.state = "results"
    db.session.add(RankingRun(contest_id=contest.id, method="mean"))
    db.session.commit()
    assert write_guard.phase(contest) == "ranking" and write_guard.refusal(contest, "score") is None
    run = db.session.query(RankingRun).one()
    run.locked_at = utcnow()
    db.session.commit()
    assert write_guard.phase(contest) == "locked"
    assert write_guard.refusal(contest, "score") and write_guard.refusal(contest, "result_decision") is None
    assert "解除锁定" in write_guard.refusal(contest, "assignment")
