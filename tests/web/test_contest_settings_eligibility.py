"""The organizer's settings page: the eligibility rules with their defaults and explanations, the
subject list's edition, and what is read-only when (eligibility once an entry was submitted, the
result rules once published, everything once final), refused on the server too."""

from __future__ import annotations

import re

from competition.models import Contest
from tests import factories as f
from tests.web.html_check import Page
from tests.web.test_organizer_contests import _settings_form

ELIGIBILITY = (
    "team_same_district",
    "one_entry_per_student",
    "team_fixed_once_submitted",
    "one_counselor_entry_per_teacher",
    "vocational_own_stage",
)


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def _page(client, cid) -> str:
    resp = client.get(f"/organizer/contests/{cid}/edit")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_the_page_shows_each_eligibility_rule_with_its_default_and_the_subject_list(world, login_as):
    world.entry3.state = "draft"
    f.db.session.commit()
    page = _page(login_as(world.organizer), world.contest.id)
    assert "参赛资格（全国规则）" in page
    for name in ELIGIBILITY:
        assert "checked" in _input(page, name) and "disabled" not in _input(page, name)
    assert 'value="2"' in _input(page, "work_completed_within_years")
    for text in (
        "团队成员须来自同一区县",
        "每名学生每届限报一项",
        "允许学校更换项目成员",
        "每位科技辅导员每届限报一项",
    ):
        assert text in page
    assert page.count("默认：开启。") == 5
    # the contest of 2026 takes work completed from 2024-07-01, at the latest 2026-06-30
    assert "本届（2026 年）接受 2024-07-01 至提交当日完成的作品，最晚至 2026-06-30" in page
    subjects = page[page.index('id="subject-lists"') :]
    assert "学生科技创新成果" in subjects and "采用 2024 年起施行的学科目录" in subjects
    assert "物质科学、生命科学、地球环境与宇宙科学、技术、行为与社会科学" in subjects
    assert "采用竞赛定义中给出的目录（不分届次）" in subjects  # the counselor section
    assert "eligibility-closed" not in page and "settings-closed" not in page
    parsed = Page(page)
    assert not parsed.duplicate_ids() and not parsed.label_problems()


def test_the_rules_are_changed_from_the_page_while_only_drafts_exist(world, login_as):
    world.entry3.state = "draft"
    f.db.session.commit()
    client = login_as(world.organizer)
    cid = world.contest.id
    form = _settings_form(world.contest, work_completed_within_years="3")
    for name in ("team_same_district", "one_entry_per_student"):
        del form[name]  # an unticked box is not sent
    assert client.post(f"/organizer/contests/{cid}/edit", data=form).status_code == 302
    view = f.db.session.get(Contest, cid).settings_view
    assert view.team_same_district is False and view.one_entry_per_student is False
    assert view.team_fixed_once_submitted is True and view.work_completed_within_years == 3
    page = _page(client, cid)
    assert "checked" not in _input(page, "team_same_district")
    assert "本届（2026 年）接受 2023-07-01" in page
    bad = client.post(
        f"/organizer/contests/{cid}/edit", data=_settings_form(world.contest, work_completed_within_years="12")
    )
    assert bad.status_code == 400 and 'value="12"' in bad.get_data(as_text=True)
    assert f.db.session.get(Contest, cid).settings_view.work_completed_within_years == 3


def test_a_submitted_entry_makes_the_eligibility_rules_read_only(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    page = _page(client, cid)  # world.entry3 is submitted
    assert 'id="eligibility-closed"' in page and "已有 1 个项目按这些规则提交" in page
    for name in (*ELIGIBILITY, "work_completed_within_years"):
        assert "disabled" in _input(page, name)
    assert "disabled" not in _input(page, "name")  # the rest of the page still edits
    # the browser does not send disabled boxes: they keep their stored values, the rest is saved
    form = _settings_form(world.contest, name="淮北市科创大赛")
    for name in (*ELIGIBILITY, "work_completed_within_years"):
        del form[name]
    assert client.post(f"/organizer/contests/{cid}/edit", data=form).status_code == 302
    contest = f.db.session.get(Contest, cid)
    assert contest.name == "淮北市科创大赛"
    assert all(contest.settings_view.get(n) is True for n in ELIGIBILITY)
    assert contest.settings_view.work_completed_within_years == 2


def test_published_results_make_the_result_rules_read_only(world, login_as):
    world.contest.state = "published"
    f.db.session.commit()
    client = login_as(world.organizer)
    cid = world.contest.id
    page = _page(client, cid)
    assert page.count("rules-closed") == 2 and "公示" in page
    for name in ("award_max_share", "nomination_quota", "nomination_min_score", "judges_per_entry"):
        assert "disabled" in _input(page, name)
    assert "disabled" not in _input(page, "notice_contact")
    form = _settings_form(world.contest, notice_contact="市科协 0561-3000000")
    assert client.post(f"/organizer/contests/{cid}/edit", data=form).status_code == 302
    contest = f.db.session.get(Contest, cid)
    assert contest.setting("notice_contact") == "市科协 0561-3000000"
    assert contest.setting("nomination_quota") == 30  # the posted 20 is not taken: the rule is read-only


def test_a_final_contest_shows_its_settings_read_only_and_refuses_a_post(world, login_as):
    world.contest.state = "final"
    f.db.session.commit()
    client = login_as(world.organizer)
    cid = world.contest.id
    page = _page(client, cid)
    assert 'id="settings-closed"' in page and "本页设置为只读" in page and "最终确定" in page
    for name in ("name", "full_name", "notice_contact", "notice_days", *ELIGIBILITY):
        assert "disabled" in _input(page, name)
    assert 'type="submit">保存</button>' not in page and "返回竞赛" in page
    name = world.contest.name
    resp = client.post(f"/organizer/contests/{cid}/edit", data=_settings_form(world.contest, name="改名"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/organizer/contests/{cid}/edit")
    assert "最终确定" in client.get(resp.headers["Location"]).get_data(as_text=True)  # the flash says why
    assert f.db.session.get(Contest, cid).name == name
