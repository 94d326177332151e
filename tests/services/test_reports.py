"""Statistics for the dashboard and the annual report; provincial outcomes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.models import AuditEvent
from competition.services import ServiceError, reports
from tests.factories import make_contest, make_entry
from tests.factories.exports import build_ranked


@pytest.fixture()
def ranked(world):
    return build_ranked(world)


def test_contest_report_counts(ranked, world):
    rep = reports.contest_report(world.contest)
    # entry1 is a draft (not counted); entry3 submitted; five accepted.
    assert (rep.total, rep.drafts, rep.accepted, rep.awarded, rep.nominated) == (6, 1, 5, 4, 3)
    assert rep.by_state == [("draft", 1), ("submitted", 1), ("accepted", 5)]
    assert rep.by_section == [("学生科技创新成果", 5), ("科技辅导员科技教育创新成果", 1)]
    assert rep.by_stage == [("小学", 1), ("初中", 4), ("高中", 1)]
    assert rep.awards == [("一等奖", 3), ("二等奖", 1), ("三等奖", 0)]
    # (district, entries, accepted, awards, nominated, provincial awards), most entries first.
    assert rep.by_district == [("相山区", 4, 4, 3, 2, 0), ("濉溪县", 2, 1, 1, 1, 0)]
    schools = {row[0]: row[1:] for row in rep.by_school}
    assert schools["淮北市第一中学"] == ("相山区", 2, 2, 2, 2, 0)
    assert schools["濉溪县第一中学"] == ("濉溪县", 2, 1, 1, 1, 0)
    assert rep.by_school[0][0] in ("淮北市第一中学", "淮北市第二中学", "濉溪县第一中学")


def test_judging_progress(ranked, world):
    rep = reports.contest_report(world.contest)
    first = rep.rounds[0]
    assert (first.name, first.assignments, first.final, first.draft, first.not_started, first.percent) == (
        "初评",
        4,
        2,
        1,
        1,
        50,
    )
    assert rep.rounds[1].assignments == 0
    # Least finished judge first.
    assert rep.judges == [("赵评委", 2, 0), ("钱评委", 2, 2)]


def test_withdrawn_award_is_not_counted(ranked, world, db):
    ranked.res_team.withdrawn = True
    db.session.commit()
    rep = reports.contest_report(world.contest)
    assert (rep.awarded, rep.nominated) == (3, 2)


def test_provincial_outcomes(ranked, world, db):
    world.contest.state = "final"
    changed = reports.record_provincial_outcomes(
        world.contest, {ranked.team.id: "省一等奖", ranked.evil.id: "未获奖", ranked.counselor.id: ""}, world.organizer
    )
    db.session.commit()
    assert changed == 2
    rep = reports.contest_report(world.contest)
    assert (rep.nominated, rep.provincial_known, rep.provincial_won, rep.provincial_rate) == (3, 2, 1, 33)
    assert rep.provincial == [("省一等奖", 1), ("未获奖", 1)]
    assert rep.by_district[0][5] == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry.provincial_outcome")).all()
    assert {(e.object_id, e.before["provincial_outcome"], e.after["provincial_outcome"]) for e in events} == {
        (ranked.team.id, None, "省一等奖"),
        (ranked.evil.id, None, "未获奖"),
    }
    assert all(e.actor_id == world.organizer.id and e.contest_id == world.contest.id for e in events)
    # Saving the same values again changes nothing and writes no audit event.
    assert reports.record_provincial_outcomes(world.contest, {ranked.team.id: "省一等奖"}, world.organizer) == 0


def test_provincial_outcomes_wait_for_the_final_results(ranked, world, db):
    for state in ("judging", "results", "published"):
        world.contest.state = state
        with pytest.raises(ServiceError) as exc:
            reports.record_provincial_outcomes(world.contest, {ranked.team.id: "省一等奖"}, world.organizer)
        assert "最终确定" in exc.value.message
    db.session.rollback()
    assert ranked.team.provincial_outcome is None


def test_provincial_outcome_refusals_change_nothing(ranked, world, db):
    world.contest.state = "final"
    with pytest.raises(ServiceError) as exc:
        reports.record_provincial_outcomes(
            world.contest, {ranked.team.id: "省一等奖", ranked.plain.id: "省二等奖"}, world.organizer
        )
    assert str(ranked.plain.id) in exc.value.message
    with pytest.raises(ServiceError):
        reports.record_provincial_outcomes(world.contest, {ranked.team.id: "金奖"}, world.organizer)
    db.session.rollback()
    assert ranked.team.provincial_outcome is None


def test_overview_and_years(ranked, world, db):
    other = make_contest("film", code="HB2025-YX", year=2025)
    make_entry(other, world.s3, section_code=other.sections[0].code, state="submitted", stage="小学", subject=None)
    db.session.commit()
    assert reports.years() == [2026, 2025]
    assert [r.contest.code for r in reports.overview()] == [world.contest.code, "HB2025-YX"]
    (only,) = reports.overview(2025)
    assert (only.total, only.nominated, only.rounds[0].assignments if only.rounds else 0) == (1, 0, 0)


def test_empty_contest(world, db):
    contest = make_contest("invention", code="EMPTY")
    db.session.commit()
    rep = reports.contest_report(contest)
    assert (rep.total, rep.awarded, rep.nominated, rep.provincial_rate) == (0, 0, 0, 0)
    assert rep.by_district == [] and rep.by_school == []
