"""Format review pages: queue, entry page, actions, scope and conflicts."""

from __future__ import annotations

from datetime import timedelta

from competition.i18n.timeutil import utc_to_local
from competition.models import Entry, utcnow
from competition.services import review
from tests import factories as f


def _when(days=5):
    return utc_to_local(utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_queue_shows_only_own_district(world, login_as):
    client = login_as(world.reviewer1)
    mine = f.make_entry(world.contest, world.s1, state="submitted", title="<b>本区项目</b>")
    html = client.get("/review/").get_data(as_text=True)
    assert "&lt;b&gt;本区项目&lt;/b&gt;" in html and "<b>本区项目</b>" not in html
    assert "濉溪土壤调查" not in html
    assert f"/review/entries/{mine.id}" in html
    html = login_as(world.reviewer2).get("/review/").get_data(as_text=True)
    assert "濉溪土壤调查" in html and "本区项目" not in html


def test_queue_filters_and_state_tabs(world, login_as):
    client = login_as(world.organizer)
    f.make_entry(world.contest, world.s1, state="submitted", title="小学作品", stage="小学", subject="物质科学")
    html = client.get("/review/?stage=小学").get_data(as_text=True)
    assert "小学作品" in html and "濉溪土壤调查" not in html
    html = client.get(f"/review/?district={world.d2.id}&state=").get_data(as_text=True)
    assert "濉溪土壤调查" in html and "小学作品" not in html
    html = client.get("/review/?state=accepted").get_data(as_text=True)
    assert "濉溪土壤调查" not in html
    assert client.get("/review/?contest=abc&page=x").status_code == 200


def test_roles_and_anonymous(world, client, login_as):
    assert client.get("/review/").status_code == 302
    assert login_as(world.teacher1).get("/review/").status_code == 403
    assert login_as(world.judge1).get(f"/review/entries/{world.entry3.id}").status_code == 403


def test_reviewer_outside_district_gets_404_everywhere(world, login_as):
    """404 as for a missing id: a 403 would tell the reviewer the entry exists."""
    client = login_as(world.reviewer1)
    eid = world.entry3.id
    assert client.get(f"/review/entries/{eid}").status_code == 404
    assert client.post(f"/review/entries/{eid}/accept").status_code == 404
    assert client.post(f"/review/entries/{eid}/return", data={"reason": "x", "resubmit_by": _when()}).status_code == 404
    assert client.post(f"/review/entries/{eid}/reject", data={"reason": "x"}).status_code == 404
    assert client.get("/review/entries/999999").status_code == 404
    client.post("/review/bulk-accept", data={"entry_ids": [str(eid)]})
    assert f.db.session.get(Entry, eid).state == "submitted"


def test_entry_page_and_accept(world, login_as):
    client = login_as(world.reviewer2)
    html = client.get(f"/review/entries/{world.entry3.id}").get_data(as_text=True)
    assert "濉溪土壤调查" in html and "研究报告" in html
    resp = client.post(f"/review/entries/{world.entry3.id}/accept", data={"version": "1"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "CX2026-XS-001" in html
    entry = f.db.session.get(Entry, world.entry3.id)
    assert entry.state == "accepted" and entry.reviewed_by_id == world.reviewer2.id
    # The same form sent again (a second reviewer, or a double click): a clear message, no new number.
    resp = client.post(f"/review/entries/{world.entry3.id}/accept", data={"version": "1"}, follow_redirects=True)
    assert "濉溪审查员" in resp.get_data(as_text=True)
    assert f.db.session.get(Entry, world.entry3.id).number == "CX2026-XS-001"


def test_return_keeps_typed_text_on_error(world, login_as):
    client = login_as(world.reviewer2)
    url = f"/review/entries/{world.entry3.id}/return"
    resp = client.post(url, data={"reason": "申报书缺少学校盖章", "resubmit_by": _when(-2), "version": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "申报书缺少学校盖章" in html
    assert f.db.session.get(Entry, world.entry3.id).state == "submitted"
    resp = client.post(url, data={"reason": "", "resubmit_by": _when(), "version": "1"})
    assert resp.status_code == 400
    resp = client.post(url, data={"reason": "缺盖章", "resubmit_by": "明天", "version": "1"})
    assert resp.status_code == 400 and "2026-04-20 17:00" in resp.get_data(as_text=True)
    resp = client.post(
        url, data={"reason": "申报书缺少学校盖章", "resubmit_by": _when(), "version": "1"}, follow_redirects=True
    )
    entry = f.db.session.get(Entry, world.entry3.id)
    assert entry.state == "returned" and entry.review_reason == "申报书缺少学校盖章"
    html = resp.get_data(as_text=True)
    assert "申报书缺少学校盖章" in html  # the reason and the history show it


def test_the_reviewer_may_let_the_school_change_the_team_when_returning(world, login_as):
    client = login_as(world.reviewer2)
    page = client.get(f"/review/entries/{world.entry3.id}").get_data(as_text=True)
    assert "允许学校更换项目成员" in page and 'name="allow_team_change"' in page
    url = f"/review/entries/{world.entry3.id}/return"
    data = {"reason": "成员转学，可更换", "resubmit_by": _when(), "version": "1", "allow_team_change": "y"}
    assert client.post(url, data=data).status_code == 302
    entry = f.db.session.get(Entry, world.entry3.id)
    assert entry.state == "returned" and review.team_change_allowed(entry)
    # Not ticked: the next return gives no leave.
    entry.state = "submitted"
    f.db.session.commit()
    data = {"reason": "申报书缺少签字", "resubmit_by": _when(), "version": str(entry.version)}
    assert client.post(url, data=data).status_code == 302
    assert not review.team_change_allowed(f.db.session.get(Entry, world.entry3.id))


def test_reject_requires_reason(world, login_as):
    client = login_as(world.reviewer2)
    url = f"/review/entries/{world.entry3.id}/reject"
    assert client.post(url, data={"reason": "  ", "version": "1"}).status_code == 400
    client.post(url, data={"reason": "不属于本赛事范围", "version": "1"})
    entry = f.db.session.get(Entry, world.entry3.id)
    assert entry.state == "rejected" and entry.review_reason == "不属于本赛事范围"


def test_bulk_accept(world, login_as):
    a = f.make_entry(world.contest, world.s1, state="submitted")
    b = f.make_entry(world.contest, world.s2, state="submitted")
    client = login_as(world.reviewer1)
    resp = client.post(
        "/review/bulk-accept", data={"entry_ids": [str(a.id), str(b.id)], "back": "/review/"}, follow_redirects=True
    )
    assert "2" in resp.get_data(as_text=True)
    assert {f.db.session.get(Entry, i).state for i in (a.id, b.id)} == {"accepted"}
    resp = client.post("/review/bulk-accept", data={"back": "https://evil.example/"})
    assert resp.headers["Location"].endswith("/review/")


def test_search_by_title_student_school_or_number(world, login_as):
    client = login_as(world.organizer)
    a = f.make_entry(
        world.contest,
        world.s1,
        state="submitted",
        title="校园噪声地图",
        students=[{"name": "欧阳晓", "gender": "女", "grade": "八年级", "school_name": world.s1.name}],
    )
    f.make_entry(world.contest, world.s1, state="accepted", title="已编号项目", number="CX2026-XS-042")
    f.db.session.commit()
    html = client.get("/review/?q=噪声").get_data(as_text=True)
    assert "校园噪声地图" in html and "濉溪土壤调查" not in html
    html = client.get("/review/?q=欧阳").get_data(as_text=True)
    assert f"/review/entries/{a.id}" in html and "濉溪土壤调查" not in html
    html = client.get("/review/?state=&q=XS-042").get_data(as_text=True)
    assert "已编号项目" in html and "校园噪声地图" not in html
    html = client.get(f"/review/?q={world.s3.name}").get_data(as_text=True)
    assert "濉溪土壤调查" in html and "校园噪声地图" not in html
    # two words must both match; % and _ are plain characters
    assert "校园噪声地图" in client.get("/review/?q=噪声 欧阳").get_data(as_text=True)
    assert "校园噪声地图" not in client.get("/review/?q=噪声 濉溪").get_data(as_text=True)
    assert "没有符合筛选条件的项目" in client.get("/review/?q=%25").get_data(as_text=True)
    assert "没有符合筛选条件的项目" in client.get("/review/?q=_").get_data(as_text=True)


def test_search_stays_within_the_reviewers_district(world, login_as):
    html = login_as(world.reviewer1).get("/review/?state=&q=濉溪").get_data(as_text=True)
    assert "濉溪土壤调查" not in html


def test_history_is_in_chinese_and_names_the_files(world, login_as):
    from tests.factories.teacher import attach

    world.entry3.state = "draft"
    attach(world.entry3, "report", actor=world.teacher3)
    world.entry3.state = "submitted"
    f.db.session.commit()
    html = login_as(world.reviewer2).get(f"/review/entries/{world.entry3.id}").get_data(as_text=True)
    assert "attachment.upload" not in html
    assert "上传材料：research_report_sample.pdf" in html


def test_after_a_decision_the_next_waiting_entry_is_offered(world, login_as):
    older = world.entry3
    newer = f.make_entry(world.contest, world.s3, state="submitted", title="濉溪第二个项目")
    newer.submitted_at = older.submitted_at + timedelta(hours=1)
    f.db.session.commit()
    client = login_as(world.reviewer2)
    html = client.get(f"/review/entries/{older.id}").get_data(as_text=True)
    assert "下一个待审项目" not in html  # not before this one is decided
    back = "/review/?state=submitted&school=" + str(world.s3.id)
    resp = client.post(f"/review/entries/{older.id}/accept", data={"version": "1", "back": back})
    assert resp.status_code == 302 and "back=" in resp.headers["Location"]
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "下一个待审项目" in html and f"/review/entries/{newer.id}?back=" in html
    assert f'href="{back}"'.replace("&", "&amp;") in html  # back to the queue as it was filtered
    client.post(f"/review/entries/{newer.id}/reject", data={"version": "1", "reason": "不符合要求"})
    html = client.get(f"/review/entries/{newer.id}").get_data(as_text=True)
    assert "没有其他待审项目了" in html
    # an address outside the site is never used as the way back
    resp = client.get(f"/review/entries/{newer.id}?back=//evil.example/")
    assert "evil.example" not in resp.get_data(as_text=True)


def test_common_return_reasons_are_offered(world, login_as):
    html = login_as(world.reviewer2).get(f"/review/entries/{world.entry3.id}").get_data(as_text=True)
    assert 'class="btn btn-outline-secondary btn-sm mb-1 text-start reason-pick"' in html
    assert "申报书未逐页签字或未加盖学校公章。" in html and "/static/review.js" in html


def test_a_search_looks_in_every_tab_and_says_where_the_matches_are(world, login_as):
    """The search only searched the open tab (待审查) while the match sat in another one."""
    from urllib.parse import parse_qs, urlsplit

    from tests.web.html_check import Page

    client = login_as(world.organizer)
    f.make_entry(world.contest, world.s1, state="accepted", title="校园噪声地图", number="CX2026-XS-007")
    f.make_entry(world.contest, world.s2, state="returned", title="噪声与睡眠")
    f.make_entry(world.contest, world.s1, state="returned", title="公园噪声调查")
    f.db.session.commit()
    # The search box carries the filters but not the tab: a new search looks in every tab.
    page = Page(client.get(f"/review/?state=submitted&contest={world.contest.id}").get_data(as_text=True))
    box = page.find_all("input", name="q")[0]
    sent = {e.get("name") for e in box.form().descendants() if e.get("name")}
    assert "q" in sent and "state" not in sent and "contest" in sent
    html = client.get("/review/?q=噪声").get_data(as_text=True)
    for title in ("校园噪声地图", "噪声与睡眠", "公园噪声调查"):
        assert title in html
    assert "濉溪土壤调查" not in html
    # In a tab without a match the page says which tabs hold them, with links there.
    html = client.get("/review/?state=submitted&q=噪声").get_data(as_text=True)
    assert "没有符合筛选条件的项目" in html
    where = Page(html).by_id("search-tabs")
    assert where is not None
    text = " ".join(where.all_text().split())
    assert "“噪声”" in text and "3 个项目" in text
    assert "已通过审查 1 个" in text and "已退回修改 2 个" in text
    links = {
        parse_qs(urlsplit(a.get("href")).query)["state"][0]: parse_qs(urlsplit(a.get("href")).query)["q"][0]
        for a in where.descendants()
        if a.tag == "a"
    }
    assert links == {"accepted": "噪声", "returned": "噪声"}
    assert "公园噪声调查" in client.get("/review/?state=returned&q=噪声").get_data(as_text=True)
    # The scope of a reviewer holds for the counts too.
    html = login_as(world.reviewer2).get("/review/?q=噪声").get_data(as_text=True)
    assert "search-tabs" in html and "没有符合筛选条件的项目" in html and "已通过审查 1" not in html
