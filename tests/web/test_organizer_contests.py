"""The organizer's home and contest setup: create, import, edit settings and definition, states."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from competition.models import Assignment, AuditEvent, Contest, RoundJudge, ScoreSheet
from competition.services import ServiceError
from competition.services import contests as service
from tests import factories as f


def _new_form(**over):
    data = {
        "template": "invention",
        "code": "HB2027-FM",
        "name": "淮北市青少年科技发明大赛",
        "full_name": "2027年淮北市青少年科技发明大赛",
        "year": "2027",
        "edition": "",
        "kind": "invention",
        "submission_opens_at": "2027-05-06T08:00",
        "submission_closes_at": "2027-06-10T17:00",
        "judging_opens_at": "",
        "judging_closes_at": "",
        "blind_judging": "y",
        "judges_per_entry": "3",
        "ranking_method": "trimmed_mean",
    }
    data.update(over)
    return data


def test_only_organizers(world, client, login_as):
    assert client.get("/organizer/").status_code == 302
    for user in (world.teacher1, world.reviewer1, world.judge1):
        assert login_as(user).get("/organizer/").status_code == 403
        assert (
            login_as(user).post(f"/organizer/contests/{world.contest.id}/state", data={"target": "closed"}).status_code
            == 403
        )
    assert f.db.session.get(Contest, world.contest.id).state == "open"


def test_home_shows_contests_counts_and_links(world, login_as):
    html = login_as(world.organizer).get("/organizer/").get_data(as_text=True)
    assert "淮北市青少年科技创新大赛" in html and "HB2026-CX" in html
    assert f"/organizer/contests/{world.contest.id}" in html
    assert "/review/?contest=" in html  # one entry is waiting for format review


def test_home_empty_state(db, login_as):
    organizer = f.make_user("organizer")
    html = login_as(organizer).get("/organizer/").get_data(as_text=True)
    assert "/organizer/contests/new" in html


def test_create_from_template(world, login_as):
    client = login_as(world.organizer)
    assert client.get("/organizer/contests/new").status_code == 200
    resp = client.post("/organizer/contests/new", data=_new_form())
    assert resp.status_code == 302
    contest = service.get_by_code("HB2027-FM")
    assert contest.state == "draft" and contest.judges_per_entry == 3 and contest.ranking_method == "trimmed_mean"
    assert [s.code for s in contest.sections] == ["FM", "CY"] and contest.rounds
    assert contest.submission_closes_at.hour == 9  # 17:00 Beijing time is 09:00 UTC
    assert contest.judging_opens_at is None


def test_create_refuses_bad_input_and_keeps_it(world, login_as):
    client = login_as(world.organizer)
    resp = client.post("/organizer/contests/new", data=_new_form(code="HB2026-CX"))
    html = resp.get_data(as_text=True)
    assert "HB2026-CX" in html and "已存在" in html
    resp = client.post(
        "/organizer/contests/new", data=_new_form(code="坏 代码", submission_closes_at="2027-01-01T00:00")
    )
    assert resp.status_code == 400 and "2027年淮北市青少年科技发明大赛" in resp.get_data(as_text=True)
    assert f.db.session.scalar(select(Contest).where(Contest.year == 2027)) is None


def test_create_checks_the_windows_beside_their_fields(world, login_as):
    client = login_as(world.organizer)
    resp = client.post(
        "/organizer/contests/new",
        data=_new_form(
            submission_opens_at="2027-06-20T08:00",
            judging_opens_at="2027-06-01T08:00",
            judging_closes_at="2027-05-01T08:00",
            judges_per_entry="0",
        ),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "1 到 30" in html or "1到30" in html  # a typed 0 is out of range, not "required"
    resp = client.post(
        "/organizer/contests/new",
        data=_new_form(
            submission_opens_at="2027-06-20T08:00",
            judging_opens_at="2027-06-01T08:00",
            judging_closes_at="2027-05-01T08:00",
        ),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "申报开始时间必须早于截止时间" in html and "评审开始时间必须早于截止时间" in html
    assert "申报截止（2027-06-10 17:00）之前开始" in html
    assert "windows：" not in html and 'value="2027-06-20T08:00"' in html
    assert service.get_by_code("HB2027-FM") is None


def test_new_contest_form_starts_from_the_innovation_contest(world, login_as):
    html = login_as(world.organizer).get("/organizer/contests/new").get_data(as_text=True)
    assert '<option selected value="innovation">' in html.split('name="template"')[1].split("</select>")[0]
    assert '<option selected value="innovation">' in html.split('name="kind"')[1].split("</select>")[0]
    assert 'data-kind-follows="kind"' in html


def test_import_paste_and_problems(world, login_as):
    client = login_as(world.organizer)
    text = (f.CONTESTS / "film.yaml").read_text(encoding="utf-8").replace("HB2026-YX", "HB2030-YX")
    bad = text.replace("max_team_size: 5", "max_team_size: 50", 1).replace("kinds: [mp4]", "kinds: [exe]", 1)
    resp = client.post("/organizer/contests/import", data={"text": bad})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "sections[0].max_team_size" in html and "exe" in html
    assert service.get_by_code("HB2030-YX") is None
    resp = client.post("/organizer/contests/import", data={"text": text})
    assert resp.status_code == 302 and service.get_by_code("HB2030-YX") is not None
    resp = client.post("/organizer/contests/import", data={"text": "code: [unclosed"})
    assert resp.status_code == 400 and "YAML" in resp.get_data(as_text=True)
    problems = client.post("/organizer/contests/definition/check", data={"text": bad}).get_json()["problems"]
    assert len(problems) == 2


def test_import_upload_file(world, login_as):
    import io

    client = login_as(world.organizer)
    text = (f.CONTESTS / "invention.yaml").read_text(encoding="utf-8").replace("HB2026-FM", "HB2031-FM")
    resp = client.post(
        "/organizer/contests/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(text.encode()), "fm.yaml")},
    )
    assert resp.status_code == 302 and service.get_by_code("HB2031-FM") is not None
    resp = client.post(
        "/organizer/contests/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.yaml")},
    )
    assert resp.status_code == 400 and "UTF-8" in resp.get_data(as_text=True)


def _settings_form(contest, **over):
    data = {
        "name": contest.name,
        "full_name": contest.full_name,
        "year": str(contest.year),
        "edition": "39",
        "kind": contest.kind,
        "description": "",
        "submission_opens_at": "2026-03-01T08:00",
        "submission_closes_at": "2026-04-15T17:00",
        "judging_opens_at": "",
        "judging_closes_at": "",
        "blind_judging": "y",
        "judges_per_entry": "5",
        "ranking_method": "calibrated",
        "levels-0-name": "一等奖",
        "levels-0-percent": "8",
        "levels-1-name": "二等奖",
        "levels-1-percent": "17",
        "levels-2-name": "三等奖",
        "levels-2-percent": "25",
        "levels-2-min_score": "60",
        "levels-3-name": "",
        "levels-3-percent": "",
        "excellence_award": "y",
        "excellence_min": "50",
        "nomination_quota": "20",
        "nomination_levels": "一等奖、二等奖",
        "share_primary": "10",
        "share_junior": "20",
        "share_senior": "50",
        "share_vocational": "",
        "nomination_share_rounding": "half_up",
        "nomination_min_score": "0",
        "award_max_share": "60",
        "award_min_group_size": "3",
        "vocational_own_stage": "y",
        "team_same_district": "y",
        "one_entry_per_student": "y",
        "team_fixed_once_submitted": "y",
        "one_counselor_entry_per_teacher": "y",
        "work_completed_within_years": "2",
        "nomination_school_cap": "2",
        "nomination_district_cap": "",
        "entry_number_pattern": "CX{year}-{section}-{seq:04d}",
        "material_file_pattern": "{section}+{school}+{title}+{authors}",
        "number_pattern": "{year}-{contest}-{seq:05d}",
        "notice_days": "5",
        "notice_contact": " 市科协青少年部 0561-3000000 ",
        "notice_show_names": "y",
    }
    data.update(over)
    return data


def test_edit_settings(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    page = client.get(f"/organizer/contests/{cid}/edit").get_data(as_text=True)
    assert "CX{year}-{section}-{seq:03d}" in page and 'value="一等奖"' in page
    resp = client.post(f"/organizer/contests/{cid}/edit", data=_settings_form(world.contest))
    assert resp.status_code == 302
    contest = f.db.session.get(Contest, cid)
    assert contest.setting("award_levels") == [["一等奖", 0.08], ["二等奖", 0.17], ["三等奖", 0.25]]
    assert contest.setting("nomination_quota") == 20
    assert contest.setting("nomination_levels") == ["一等奖", "二等奖"]
    assert contest.setting("nomination_stage_shares") == {"小学": 0.1, "初中": 0.2, "高中": 0.5}
    assert contest.setting("nomination_school_cap") == 2 and contest.setting("nomination_district_cap") is None
    assert contest.setting("notice_days") == 5 and contest.edition == 39
    assert contest.setting("notice_contact") == "市科协青少年部 0561-3000000"
    assert contest.setting("excellence_award") is True
    assert contest.setting("award_min_scores") == {"三等奖": 60.0, "优秀奖": 50.0}
    assert contest.setting("notice_show_names") is True
    page = client.get(f"/organizer/contests/{cid}/edit").get_data(as_text=True)
    assert 'value="市科协青少年部 0561-3000000"' in page
    assert re.search(
        r'name="levels-2-min_score"[^>]*value="60(\.0)?"|value="60(\.0)?"[^>]*name="levels-2-min_score"', page
    )
    assert re.search(r'name="excellence_min"[^>]*value="50(\.0)?"|value="50(\.0)?"[^>]*name="excellence_min"', page)
    bad = client.post(f"/organizer/contests/{cid}/edit", data=_settings_form(contest, **{"levels-0-min_score": "120"}))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'value="120"' in html  # the typed value is kept ...
    assert re.search(r'invalid-feedback d-block mt-0">[^<]*100', html)  # ... and the range is said beside it
    assert f.db.session.get(Contest, cid).setting("award_min_scores") == {"三等奖": 60.0, "优秀奖": 50.0}
    assert re.search(
        r'<input[^>]*checked[^>]*name="notice_show_names"|<input[^>]*name="notice_show_names"[^>]*checked', page
    )
    assert contest.submission_closes_at.hour == 9
    assert f.db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.settings")) is not None


def test_edit_settings_of_the_province_rules(world, login_as):
    """The award cap, the smallest group, 中专's share, the rounding and the nomination minimum
    are saved from the page, shown again, and kept as typed when refused (中专's own stage is an
    eligibility rule: tests/web/test_contest_settings_eligibility.py)."""
    client = login_as(world.organizer)
    cid = world.contest.id
    form = _settings_form(
        world.contest,
        award_max_share="50",
        award_min_group_size="5",
        share_vocational="10",
        nomination_share_rounding="floor",
        nomination_min_score="75",
    )
    assert client.post(f"/organizer/contests/{cid}/edit", data=form).status_code == 302
    contest = f.db.session.get(Contest, cid)
    assert contest.setting("award_max_share") == 0.5 and contest.setting("award_min_group_size") == 5
    assert contest.setting("nomination_stage_shares") == {"小学": 0.1, "初中": 0.2, "高中": 0.5, "中专": 0.1}
    assert contest.setting("nomination_share_rounding") == "floor"
    assert contest.setting("nomination_min_score") == 75.0
    page = client.get(f"/organizer/contests/{cid}/edit").get_data(as_text=True)
    assert re.search(r'name="award_max_share"[^>]*value="50"|value="50"[^>]*name="award_max_share"', page)
    assert re.search(r'<option selected value="floor">|<option value="floor" selected', page)
    assert "四舍五入" in page and "中专" in page
    # Shares beyond the quota when rounded half up: 20 × 0.1 + 20 × 0.2 + 20 × 0.5 + 20 × 0.3 = 2 + 4 + 10 + 6 = 22 > 20
    bad = _settings_form(contest, share_vocational="30", nomination_share_rounding="half_up")
    resp = client.post(f"/organizer/contests/{cid}/edit", data=bad)
    assert resp.status_code == 400 and 'value="30"' in resp.get_data(as_text=True)
    assert f.db.session.get(Contest, cid).setting("nomination_stage_shares")["中专"] == 0.1


def test_edit_settings_refuses_bad_values_and_keeps_them(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    resp = client.post(
        f"/organizer/contests/{cid}/edit",
        data=_settings_form(
            world.contest,
            **{
                "levels-0-percent": "60",
                "entry_number_pattern": "{contest}-{nope}",
                "submission_opens_at": "2026-05-01T08:00",
            },
        ),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "百分之百" in html and "nope" in html and "{contest}-{nope}" in html
    contest = f.db.session.get(Contest, cid)
    assert contest.setting("entry_number_pattern") == "CX{year}-{section}-{seq:03d}"


def test_edit_settings_refuses_nomination_levels_that_are_no_award(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    resp = client.post(
        f"/organizer/contests/{cid}/edit",
        data=_settings_form(
            world.contest, nomination_levels="特等奖、一等奖", judging_opens_at="2026-04-01T08:00", notice_days="0"
        ),
    )
    assert resp.status_code == 400 and "1 到 60" in resp.get_data(as_text=True)
    resp = client.post(
        f"/organizer/contests/{cid}/edit",
        data=_settings_form(world.contest, nomination_levels="特等奖、一等奖", judging_opens_at="2026-04-01T08:00"),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "特等奖 不是已设的奖项等级（一等奖、二等奖、三等奖）" in html
    assert "申报截止（2026-04-15 17:00）之前开始" in html
    assert f.db.session.get(Contest, cid).setting("nomination_levels") != ["特等奖", "一等奖"]


def test_settings_audit_compares_windows_in_the_same_time_zone(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    data = _settings_form(world.contest)
    assert client.post(f"/organizer/contests/{cid}/edit", data=data).status_code == 302
    assert client.post(f"/organizer/contests/{cid}/edit", data=data).status_code == 302
    last = f.db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contest.settings").order_by(AuditEvent.id.desc())
    ).first()
    assert last.before["submission_closes_at"] == last.after["submission_closes_at"] == "2026-04-15T09:00:00"


def test_definition_editor_round_trip_and_rubric_lock(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    text = client.get(f"/organizer/contests/{cid}/definition").get_data(as_text=True)
    assert "rubrics" in text
    yaml_text = service.definition_yaml(world.contest)
    assert service.definition_problems(yaml_text) == []
    changed = yaml_text.replace("name: 学生科技创新成果", "name: 学生科技创新成果项目")
    assert client.post(f"/organizer/contests/{cid}/definition", data={"text": changed}).status_code == 302
    assert f.section(f.db.session.get(Contest, cid), "XS").name == "学生科技创新成果项目"
    # A score exists in round 1: its rubric can no longer change.
    contest = f.db.session.get(Contest, cid)
    rnd = contest.rounds[0]
    a = Assignment(round_id=rnd.id, judge_id=world.judge2.id, entry_id=world.entry3.id, published=True)
    f.db.session.add_all([a, RoundJudge(round_id=rnd.id, judge_id=world.judge2.id)])
    f.db.session.flush()
    f.db.session.add(ScoreSheet(assignment_id=a.id, state="draft", scores={}))
    f.db.session.commit()
    locked = changed.replace("max: 40", "max: 50", 1)
    resp = client.post(f"/organizer/contests/{cid}/definition", data={"text": locked})
    assert resp.status_code == 400 and "第 1 轮" in resp.get_data(as_text=True)
    contest = f.db.session.get(Contest, cid)
    assert [c.max_score for c in contest.rounds[0].rubrics[0].criteria][0] == 40
    assert "评分标准已锁定" in client.get(f"/organizer/contests/{cid}").get_data(as_text=True)
    other_code = changed.replace("code: HB2026-CX", "code: HB2099-CX")
    assert client.post(f"/organizer/contests/{cid}/definition", data={"text": other_code}).status_code == 400
    assert client.get(f"/organizer/contests/{cid}/definition.yaml").status_code == 200


def test_state_moves_with_audit(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    html = client.get(f"/organizer/contests/{cid}").get_data(as_text=True)
    assert "申报中" in html
    client.post(f"/organizer/contests/{cid}/state", data={"target": "closed", "reason": "截止"})
    assert f.db.session.get(Contest, cid).state == "closed"
    resp = client.post(f"/organizer/contests/{cid}/state", data={"target": "judging"}, follow_redirects=True)
    resp = client.post(f"/organizer/contests/{cid}/state", data={"target": "open"}, follow_redirects=True)
    assert f.db.session.get(Contest, cid).state == "judging"
    assert "alert-danger" in resp.get_data(as_text=True)
    event = f.db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "contest.state").order_by(AuditEvent.id).limit(1)
    )
    assert event.before == {"state": "open"} and event.after == {"state": "closed"} and event.reason == "截止"
    assert client.get("/organizer/contests/999999").status_code == 404


def test_publishing_and_finalizing_go_through_the_results_page(world, login_as):
    """The contest page never skips the checks of ties, notice period and objections."""
    client = login_as(world.organizer)
    cid = world.contest.id
    world.contest.state = "results"
    f.db.session.commit()
    html = client.get(f"/organizer/contests/{cid}").get_data(as_text=True)
    assert 'value="published"' not in html and f"/organizer/contests/{cid}/results" in html
    for target in ("published", "final"):
        resp = client.post(f"/organizer/contests/{cid}/state", data={"target": target}, follow_redirects=True)
        assert "请在结果页面公示和定稿结果" in resp.get_data(as_text=True)
        assert f.db.session.get(Contest, cid).state == "results"


def test_contest_list(world, login_as):
    html = login_as(world.organizer).get("/organizer/contests").get_data(as_text=True)
    assert "HB2026-CX" in html


def test_edit_settings_refuses_a_number_pattern_longer_than_its_column(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    # 4 (year) + 4 x 9 (seq) + 1 = 41 characters, Entry.number holds 40
    resp = client.post(
        f"/organizer/contests/{cid}/edit",
        data=_settings_form(world.contest, entry_number_pattern="{year}{seq:09d}{seq:09d}{seq:09d}{seq:09d}X"),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "项目编号格式：可生成的最长编号有 41 个字符，超过了数据库可存储的 40 个字符" in html
    resp = client.post(
        f"/organizer/contests/{cid}/edit", data=_settings_form(world.contest, number_pattern="{seq:300000000d}")
    )
    assert resp.status_code == 400 and "编号格式中的宽度最大为 9。" in resp.get_data(as_text=True)
    contest = f.db.session.get(Contest, cid)
    assert contest.setting("entry_number_pattern") == "CX{year}-{section}-{seq:03d}"
    assert contest.setting("number_pattern") == world.contest.setting("number_pattern")


def test_loading_a_definition_refuses_a_number_pattern_too_long_for_the_column(world):
    text = (Path(__file__).resolve().parents[2] / "competition" / "contests" / "film.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.setdefault("settings", {})["entry_number_pattern"] = "{contest}-{seq:09d}{seq:09d}{seq:09d}{seq:09d}"
    with pytest.raises(ServiceError) as exc:
        service.load_definition_text(yaml.safe_dump(data, allow_unicode=True))
    length = len(data["code"]) + 1 + 36  # HB2026-YX: 9 + 1 + 4 x 9 = 46
    assert (
        f"entry_number_pattern：可生成的最长编号有 {length} 个字符，超过了数据库可存储的 40 个字符" in exc.value.message
    )


def test_the_material_file_pattern_is_checked_and_shown_with_an_example(world, login_as):
    client = login_as(world.organizer)
    cid = world.contest.id
    page = client.get(f"/organizer/contests/{cid}/edit").get_data(as_text=True)
    assert 'value="{section}+{school}+{title}+{authors}"' in page
    section = world.contest.sections[0].name
    assert f"{section}+某某学校+某某项目+张三、李四_研究报告.pdf" in page  # the example under the pattern
    bad = client.post(
        f"/organizer/contests/{cid}/edit", data=_settings_form(world.contest, material_file_pattern="{teacher}")
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'value="{teacher}"' in html and "只能使用" in html
    assert f.db.session.get(Contest, cid).setting("material_file_pattern") == "{section}+{school}+{title}+{authors}"
    ok = _settings_form(world.contest, material_file_pattern="{number}_{material}")
    assert client.post(f"/organizer/contests/{cid}/edit", data=ok).status_code == 302
    assert f.db.session.get(Contest, cid).setting("material_file_pattern") == "{number}_{material}"


def test_the_award_cap_and_the_nomination_minimum_can_be_lifted(world, login_as):
    """Their defaults (60, 80) are not empty: 100 lifts the cap and 0 the minimum, and both stay so."""
    client = login_as(world.organizer)
    cid = world.contest.id
    page = client.get(f"/organizer/contests/{cid}/edit").get_data(as_text=True)
    assert re.search(
        r'name="nomination_min_score"[^>]*value="80(\.0)?"|value="80(\.0)?"[^>]*name="nomination_min_score"', page
    )
    form = _settings_form(world.contest, award_max_share="100", nomination_min_score="0")
    assert client.post(f"/organizer/contests/{cid}/edit", data=form).status_code == 302
    contest = f.db.session.get(Contest, cid)
    assert contest.settings_view.award_max_share == 1.0 and contest.settings_view.nomination_min_score == 0.0
    page = client.get(f"/organizer/contests/{cid}/edit").get_data(as_text=True)
    assert re.search(r'name="award_max_share"[^>]*value="100"|value="100"[^>]*name="award_max_share"', page)
    empty = client.post(f"/organizer/contests/{cid}/edit", data=_settings_form(contest, award_max_share=""))
    assert empty.status_code == 400  # an empty box would have brought the default back: it is refused instead
