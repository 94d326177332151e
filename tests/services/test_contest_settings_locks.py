"""The eligibility rules on the settings form (services/contests/settings.py): changed while only
drafts exist, refused once an entry was submitted under them, checked in range; and which
edition's subject list a contest takes."""

from __future__ import annotations

import pytest

from competition.extensions import db
from competition.models import AuditEvent
from competition.services import ServiceError
from competition.services import contests as service
from competition.services.contests import SettingsInvalid
from competition.services.contests.settings import submitted_entries
from tests import factories as f

OFF = {
    "team_same_district": False,
    "one_entry_per_student": False,
    "team_fixed_once_submitted": False,
    "one_counselor_entry_per_teacher": False,
    "vocational_own_stage": False,
    "work_completed_within_years": 3,
}


def test_the_eligibility_rules_change_while_only_drafts_exist(world):
    world.entry3.state = "draft"
    db.session.commit()
    assert service.eligibility_refusal(world.contest) is None
    service.update_settings(world.contest, OFF, actor=world.organizer)
    view = world.contest.settings_view
    assert [getattr(view, k) for k in OFF] == [False, False, False, False, False, 3]
    event = db.session.query(AuditEvent).filter_by(action="contest.settings").one()
    assert event.after["settings"]["team_same_district"] is False
    assert "team_same_district" not in event.before["settings"]


@pytest.mark.parametrize("key", sorted(OFF))
def test_a_submitted_entry_fixes_the_eligibility_rules(world, key):
    # world.entry3 is submitted: turning any rule off (or the window to 3 years) is refused,
    # naming how many entries were checked under the rules; nothing is written
    with pytest.raises(ServiceError) as refused:
        service.update_settings(world.contest, {key: OFF[key], "name": "改名"}, actor=world.organizer)
    assert "已有 1 个项目按这些规则提交" in refused.value.message and refused.value.field == key
    assert world.contest.settings_view.get(key) == (2 if key == "work_completed_within_years" else True)
    db.session.rollback()
    # the same values again are no change, and the rest of the page still saves
    same = {k: world.contest.settings_view.get(k) for k in OFF}
    service.update_settings(world.contest, {**same, "name": "改名"}, actor=world.organizer)
    assert world.contest.name == "改名"


def test_returned_accepted_and_rejected_entries_count_but_drafts_and_withdrawn_do_not(world):
    for state, counted in (("returned", 1), ("accepted", 1), ("rejected", 1), ("withdrawn", 0), ("draft", 0)):
        world.entry3.state = state
        db.session.commit()
        assert submitted_entries(world.contest) == counted, state


def test_the_eligibility_rules_are_closed_after_the_entry_phase(world):
    world.entry3.state = "draft"
    world.contest.state = "results"
    db.session.commit()
    assert "成绩阶段" in service.eligibility_refusal(world.contest)
    with pytest.raises(ServiceError):
        service.update_settings(world.contest, {"one_entry_per_student": False}, actor=world.organizer)


def test_the_work_window_is_a_whole_number_of_years(world):
    world.entry3.state = "draft"
    db.session.commit()
    for bad in (11, -1, 2.5, True):
        with pytest.raises(SettingsInvalid) as refused:
            service.update_settings(world.contest, {"work_completed_within_years": bad}, actor=world.organizer)
        assert refused.value.problems[0][0] == "work_completed_within_years"
    service.update_settings(world.contest, {"work_completed_within_years": 0}, actor=world.organizer)
    assert world.contest.settings_view.work_completed_within_years == 0  # 0: not checked


@pytest.mark.parametrize("year,edition,primary", [(2026, 2024, "地球环境与宇宙科学"), (2023, 2022, "地球与空间科学")])
def test_the_contest_records_which_edition_of_the_subject_list_it_uses(db, year, edition, primary):
    # innovation.yaml keeps the 2022 list and the 2024 one: 2026 takes 2024's, 2023 takes 2022's
    text = (f.CONTESTS / "innovation.yaml").read_text(encoding="utf-8").replace("year: 2026", f"year: {year}")
    contest = service.save_definition(service.load_definition_text(text))
    assert contest.settings_view.subject_editions == {"XS": edition}
    student = next(s for s in contest.sections if s.code == "XS")
    assert primary in student.subjects["小学"]
    assert "FD" not in contest.settings_view.subject_editions  # the counselor list is not per edition
