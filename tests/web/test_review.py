"""Format review pages: queue, entry page, actions, scope and conflicts."""
from __future__ import annotations

from datetime import timedelta

from competition.models import Entry, utcnow
from competition.timeutil import utc_to_local
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


def test_reviewer_outside_district_gets_403_everywhere(world, login_as):
    client = login_as(world.reviewer1)
    eid = world.entry3.id
    assert client.get(f"/review/entries/{eid}").status_code == 403
    assert client.post(f"/review/entries/{eid}/accept").status_code == 403
    assert client.post(f"/review/entries/{eid}/return", data={"reason": "x", "resubmit_by": _when()}).status_code == 403
    assert client.post(f"/review/entries/{eid}/reject", data={"reason": "x"}).status_code == 403
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
    resp = client.post(url, data={"reason": "申报书缺少学校盖章", "resubmit_by": _when(), "version": "1"},
                       follow_redirects=True)
    entry = f.db.session.get(Entry, world.entry3.id)
    assert entry.state == "returned" and entry.review_reason == "申报书缺少学校盖章"
    html = resp.get_data(as_text=True)
    assert "申报书缺少学校盖章" in html  # the reason and the history show it


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
    resp = client.post("/review/bulk-accept", data={"entry_ids": [str(a.id), str(b.id)], "back": "/review/"},
                       follow_redirects=True)
    assert "2" in resp.get_data(as_text=True)
    assert {f.db.session.get(Entry, i).state for i in (a.id, b.id)} == {"accepted"}
    resp = client.post("/review/bulk-accept", data={"back": "https://evil.example/"})
    assert resp.headers["Location"].endswith("/review/")
