"""The organizer's rubric editor: overview, editing rows, validation beside the fields, the lock once
judges have scored, creating a section's rubric from a copy, removal with confirmation, audit."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition.models import AuditEvent, Criterion, Rubric
from tests import factories as f
from tests.factories import judging as fj


def _rubric(contest, number=1, section_code="XS"):
    rnd = fj.round_of(contest, number)
    section_id = f.section(contest, section_code).id if section_code else None
    return f.db.session.scalar(select(Rubric).where(Rubric.round_id == rnd.id, Rubric.section_id == section_id))


def _url(contest, number=1, section="XS", **query):
    params = ({"section": section} if section else {}) | query
    joined = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/organizer/contests/{contest.id}/rounds/{number}/rubric" + (f"?{joined}" if joined else "")


def _post_data(html: str, **changes) -> dict:
    """The form as the page rendered it (inputs and textareas), with `changes` applied."""
    data = {}
    for m in re.finditer(r'<input[^>]*?name="([^"]+)"[^>]*>', html):
        tag, name = m.group(0), m.group(1)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name] = value.group(1).replace("&#34;", '"').replace("&amp;", "&") if value else ""
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[m.group(1)] = m.group(2)
    data.pop("note", None) if "note" not in changes else None
    data.update(changes)
    data.setdefault("action", "save")
    return {k: v for k, v in data.items() if v is not None}


def _scored(world, entry_section="XS", state="draft"):
    """One published assignment of round 1 with a sheet holding a score."""
    contest = world.contest
    rnd = fj.round_of(contest, 1)
    entry = fj.accept(f.make_entry(contest, world.s1, section_code=entry_section, state="submitted"))
    fj.add_judges(rnd, [world.judge1])
    a = fj.assign(rnd, world.judge1, entry)
    codes = {"XS": "novelty", "FD": "novelty"}
    fj.sheet(a, {codes[entry_section]: 30}, state=state)
    f.db.session.commit()
    return a


def test_contest_page_links_to_the_overview(world, login_as):
    client = login_as(world.organizer)
    html = client.get(f"/organizer/contests/{world.contest.id}").get_data(as_text=True)
    assert f"/organizer/contests/{world.contest.id}/rubrics" in html
    html = client.get(f"/organizer/contests/{world.contest.id}/rubrics").get_data(as_text=True)
    assert "学生科技创新成果初评" in html and "终评问辩" in html
    assert "创新性 40" in html
    assert "100 × Σ" in html  # how the judge page scales the total


def test_only_organizers(world, login_as):
    for user in (world.teacher1, world.reviewer1, world.judge1):
        client = login_as(user)
        assert client.get(f"/organizer/contests/{world.contest.id}/rubrics").status_code == 403
        assert client.post(_url(world.contest), data={"name": "x"}).status_code == 403


def test_edit_rows_reorder_and_audit(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    assert "novelty" in html and "创新性" in html
    data = _post_data(
        html,
        **{
            "c-0-name": "创新程度",
            "c-0-max": "35",
            "c-2-max": "25",
            "c-1-order": "1",
            "c-0-order": "2",
            "c-3-descriptors": "学生自己选题。",
            "note": "专家组意见",
        },
    )
    resp = client.post(_url(contest), data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    rubric = _rubric(contest)
    assert [(c.code, c.name, c.max_score) for c in rubric.criteria] == [
        ("science", "科学性", 30),
        ("novelty", "创新程度", 35),
        ("practical", "实用性", 25),
        ("selfmade", "三自原则", 10),
    ]
    assert rubric.criteria[3].descriptors == "学生自己选题。"
    event = f.db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.update"))
    assert event.contest_id == contest.id and event.reason == "专家组意见"
    assert event.before["criteria"]["novelty"]["name"] == "创新性"
    assert event.after["criteria"]["novelty"] == {
        "name": "创新程度",
        "max_score": 35.0,
        "weight": 1.0,
        "descriptors": "选题新颖，研究方法或结论有独到之处。",
        "sort_order": 2,
    }
    # readable in the audit log
    page = client.get(f"/organizer/audit/{event.id}").get_data(as_text=True)
    assert "创新程度" in page and "评分标准已修改" in page


def test_invalid_input_shows_errors_beside_fields_and_saves_nothing(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    before = [(c.name, c.max_score) for c in _rubric(contest).criteria]
    data = _post_data(
        html,
        **{
            "c-0-name": "",
            "c-1-name": "实用性",
            "c-1-max": "0",
            "c-2-max": "12.345",
            "c-3-weight": "-1",
            "c-3-max": "abc",
            "name": "改过的名字",
        },
    )
    resp = client.post(_url(contest), data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    for message in (
        "请填写评分项名称",
        "本评分标准中已有名为实用性的评分项",
        "满分必须大于 0",
        "满分最多保留两位小数",
        "满分必须是数字",
        "权重必须大于 0",
    ):
        assert message in page, message
    assert 'value="改过的名字"' in page and 'value="12.345"' in page  # nothing typed is lost
    f.db.session.expire_all()
    assert [(c.name, c.max_score) for c in _rubric(contest).criteria] == before
    assert _rubric(contest).name == "学生科技创新成果初评"


def test_add_and_remove_with_confirmation(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.post(
        _url(contest), data=_post_data(client.get(_url(contest)).get_data(as_text=True), action="add")
    ).get_data(as_text=True)
    assert 'name="c-4-name"' in html  # a blank row was added, nothing saved
    data = _post_data(html, **{"c-4-name": "表达", "c-4-max": "10", "c-3-remove": "1"})
    resp = client.post(_url(contest), data=data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "三自原则" in page and "删除并保存" in page
    assert len(_rubric(contest).criteria) == 4  # not yet
    resp = client.post(_url(contest), data={**data, "action": "confirm"})
    assert resp.status_code == 302
    f.db.session.expire_all()
    crit = _rubric(contest).criteria
    assert [c.name for c in crit] == ["创新性", "科学性", "实用性", "表达"]
    assert re.fullmatch(r"c\d+", crit[-1].code)
    assert (
        f.db.session.scalar(
            select(Criterion).where(Criterion.code == "selfmade", Criterion.rubric_id == _rubric(contest).id)
        )
        is None
    )


def test_no_criteria_left_is_refused(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    data = _post_data(html, **{f"c-{i}-remove": "1" for i in range(4)}, action="confirm")
    resp = client.post(_url(contest), data=data)
    assert resp.status_code == 400 and "评分标准至少要有一个评分项" in resp.get_data(as_text=True)
    assert len(_rubric(contest).criteria) == 4


def test_scored_rubric_allows_wording_only(world, login_as):
    _scored(world)  # a draft with one score
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    assert "已评分：只能修改文字和顺序" in html and "readonly" in html
    assert 'name="c-0-remove"' not in html and 'value="add"' not in html
    # meaning changes are refused, with the reason beside the field
    resp = client.post(
        _url(contest),
        data=_post_data(html, **{"c-0-max": "50", "c-1-weight": "2", "c-2-remove": "1", "action": "confirm"}),
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "满分不能再从 40 改动" in page and "权重不能再从 1 改动" in page and "不能删除" in page
    assert _rubric(contest).criteria[0].max_score == 40
    # wording and order are fine
    resp = client.post(
        _url(contest),
        data=_post_data(html, **{"c-1-name": "科学性与严谨性", "c-1-order": "9", "c-0-descriptors": "新的评分要点"}),
    )
    assert resp.status_code == 302
    f.db.session.expire_all()
    crit = _rubric(contest).criteria
    assert [c.name for c in crit][-1] == "科学性与严谨性" and crit[0].descriptors == "新的评分要点"


def test_judge_page_shows_the_edited_rubric(world, login_as):
    a = _scored(world)
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    client.post(_url(contest), data=_post_data(html, **{"c-0-name": "新颖性", "c-0-descriptors": "看选题是否新颖"}))
    page = login_as(world.judge1).get(f"/judge/a/{a.id}").get_data(as_text=True)
    assert "新颖性" in page and "看选题是否新颖" in page


def test_section_rubric_from_a_copy(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    final = _rubric(contest, 2, None)
    html = client.get(_url(contest, 2, "FD")).get_data(as_text=True)
    assert "全轮通用的评分标准“终评问辩”" in html and 'value="问辩表现"' in html
    data = _post_data(html, **{"c-3-name": "答辩", "name": "辅导员终评"})
    assert client.post(_url(contest, 2, "FD"), data=data).status_code == 302
    own = _rubric(contest, 2, "FD")
    assert own.name == "辅导员终评" and [c.code for c in own.criteria] == ["novelty", "science", "practical", "defence"]
    assert [c.name for c in own.criteria][-1] == "答辩"
    assert [c.name for c in final.criteria][-1] == "问辩表现"  # the source is untouched
    assert f.db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.create")).after["section"] == "FD"
    # copy from another round's rubric explicitly
    src = _rubric(contest, 1, "XS")
    html = client.get(_url(contest, 2, "XS", copy=src.id)).get_data(as_text=True)
    assert 'value="三自原则"' in html


def test_no_section_rubric_over_scores_made_with_the_round_wide_one(world, login_as):
    contest = world.contest
    rnd = fj.round_of(contest, 2)
    entry = fj.accept(f.make_entry(contest, world.s1, section_code="FD", state="submitted", students=[]))
    fj.add_judges(rnd, [world.judge1])
    fj.sheet(fj.assign(rnd, world.judge1, entry), {"defence": 8}, state="draft")
    client = login_as(world.organizer)
    html = client.get(f"/organizer/contests/{contest.id}/rubrics").get_data(as_text=True)
    assert "已按全轮通用评分标准评分" in html
    html = client.get(_url(contest, 2, "FD")).get_data(as_text=True)
    resp = client.post(_url(contest, 2, "FD"), data=_post_data(html))
    assert resp.status_code == 400 and "新的评分标准会使这些分数失去对应的评分项" in resp.get_data(as_text=True)
    assert _rubric(contest, 2, "FD") is None


def test_stale_form_is_refused_and_keeps_input(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    rubric = _rubric(contest)
    rubric.criteria[0].name = "别人改的"
    f.db.session.commit()
    resp = client.post(_url(contest), data=_post_data(html, **{"c-1-name": "我改的"}))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "别人改的" in page and 'value="我改的"' in page
    f.db.session.expire_all()
    assert _rubric(contest).criteria[1].name == "科学性"
    resp = client.post(_url(contest), data=_post_data(page))  # saved again knowingly
    assert resp.status_code == 302


def test_delete_section_rubric(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest, 1, "FD")).get_data(as_text=True)
    assert "删除本类别的评分标准" in html
    resp = client.post(f"/organizer/contests/{contest.id}/rounds/1/rubric/delete?section=FD", data={"note": "改用通用"})
    assert resp.status_code == 302
    assert _rubric(contest, 1, "FD") is None
    event = f.db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.delete"))
    assert event.before["section"] == "FD" and event.reason == "改用通用"


def test_unknown_round_or_section_is_404(world, login_as):
    client = login_as(world.organizer)
    assert client.get(_url(world.contest, 9)).status_code == 404
    assert client.get(_url(world.contest, 1, "NOPE")).status_code == 404


def test_codes_stay_visible_after_a_refused_save(world, login_as):
    client = login_as(world.organizer)
    contest = world.contest
    html = client.get(_url(contest)).get_data(as_text=True)
    page = client.post(_url(contest), data=_post_data(html, **{"c-1-max": "0"})).get_data(as_text=True)
    assert "<code>novelty</code>" in page and "<code>science</code>" in page


def test_overview_warns_about_a_tie_break_naming_no_criterion(world, login_as):
    contest = world.contest
    contest.settings = {**(contest.settings or {}), "tie_break": ["criterion:艺术性", "criterion:novelty"]}
    html = login_as(world.organizer).get(f"/organizer/contests/{contest.id}/rubrics").get_data(as_text=True)
    assert "引用的评分项在本赛事的评分标准中已不存在" in html
    assert (
        "已不存在的评分项得分、创新性得分" in html and "novelty" not in html.split("<main", 1)[-1].split("<form", 1)[0]
    )
