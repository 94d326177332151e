"""The audit log viewer: organizers read and filter it; nobody can change it through the app."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from competition.models import AuditEvent
from competition.services import audit
from tests import factories


def add_event(
    world,
    *,
    actor=None,
    action="entry.update",
    obj=None,
    at=None,
    before=None,
    after=None,
    reason=None,
    contest_id=None,
):
    event = audit.record(
        actor or world.teacher1,
        action,
        obj or world.entry1,
        before=before,
        after=after,
        reason=reason,
        contest_id=contest_id,
    )
    if at is not None:
        event.at = at
    return event


def only_these_events(db) -> None:
    """Setting up the world records events of its own; tests that count rows start from none."""
    db.session.execute(delete(AuditEvent))


def rows_of(page) -> int:
    body = page.get_data(as_text=True)
    return len(re.findall(r'href="/organizer/audit/\d+"', body))


def test_no_route_can_change_the_audit_log(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/organizer/audit")]
    assert rules, "the audit log pages exist"
    for rule in rules:
        assert set(rule.methods) <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
    # And no other route of the app is named after audit events with a writing method.
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert not set(rule.methods) & {"POST", "PUT", "PATCH", "DELETE"}, rule.rule


def test_writing_methods_are_refused(client, login_as, world, db):
    event = add_event(world, after={"title": "x"})
    login_as(world.organizer)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/organizer/audit").status_code == 405
        assert getattr(client, method)(f"/organizer/audit/{event.id}").status_code == 405
    assert db.session.get(AuditEvent, event.id).after == {"title": "x"}


@pytest.mark.parametrize("who", ["teacher1", "judge1", "reviewer1"])
def test_other_roles_cannot_read_it(client, login_as, world, who):
    event = add_event(world)
    login_as(getattr(world, who))
    assert client.get("/organizer/audit").status_code == 403
    assert client.get(f"/organizer/audit/{event.id}").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    event = add_event(world)
    for url in ("/organizer/audit", f"/organizer/audit/{event.id}"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_list_shows_a_readable_diff_and_details(client, login_as, world):
    event = add_event(
        world,
        before={"title": "旧题目", "stage": "初中"},
        after={"title": "新题目", "stage": "初中"},
        reason="教师更正题目",
    )
    login_as(world.organizer)
    page = client.get("/organizer/audit")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "审计日志" in body
    assert "旧题目" in body and "新题目" in body and "教师更正题目" in body and "张老师" in body
    assert 'class="audit-changed"' in body
    detail = client.get(f"/organizer/audit/{event.id}").get_data(as_text=True)
    assert "旧题目" in detail and "新题目" in detail and "初中" in detail
    assert 'class="audit-same"' in detail and 'class="audit-changed"' in detail
    assert client.get("/organizer/audit/999999").status_code == 404


def test_filters(client, login_as, world, db):
    other = factories.make_contest("innovation", code="OTHER-2025")
    only_these_events(db)
    now = datetime(2025, 5, 20, 4, 0)  # 12:00 Beijing time
    add_event(
        world, actor=world.teacher1, action="entry.update", at=now - timedelta(days=10), after={"title": "十天前"}
    )
    add_event(world, actor=world.teacher3, action="entry.create", obj=world.entry3, at=now, after={"title": "今天"})
    add_event(
        world,
        actor=world.organizer,
        action="contest.state",
        obj=other,
        at=now,
        before={"state": "draft"},
        after={"state": "open"},
        contest_id=other.id,
    )
    db.session.commit()
    login_as(world.organizer)

    def count(**args):
        resp = client.get("/organizer/audit", query_string=args)
        assert resp.status_code == 200
        return rows_of(resp)

    assert count() == 3
    assert count(contest=world.contest.id) == 2
    assert count(contest=other.id) == 1
    assert count(actor="teacher3") == 1
    assert count(actor="老师") == 2  # part of a name: 张老师 and 王老师
    assert count(action="contest.state") == 1
    assert count(object_type="entry", object_id=world.entry3.id) == 1
    assert count(date_from="2025-05-20", date_to="2025-05-20") == 2
    assert count(date_to="2025-05-19") == 1
    assert count(date_from="2025-05-21") == 0
    empty = client.get("/organizer/audit", query_string={"date_from": "2025-05-21"}).get_data(as_text=True)
    assert "没有符合" in empty
    bad = client.get("/organizer/audit", query_string={"date_from": "20th of May"})
    assert bad.status_code == 200 and "is-invalid" in bad.get_data(as_text=True)
    assert client.get("/organizer/audit", query_string={"object_id": "abc", "before": "junk"}).status_code == 200


def test_keyset_pages_cover_every_event_once(client, login_as, world, db):
    only_these_events(db)
    start = datetime(2025, 1, 1)
    ids = [add_event(world, at=start + timedelta(minutes=i // 2), after={"n": i}).id for i in range(120)]
    db.session.commit()
    login_as(world.organizer)
    seen, url = [], "/organizer/audit"
    while url:
        body = client.get(url).get_data(as_text=True)
        seen += [int(x) for x in re.findall(r'href="/organizer/audit/(\d+)"', body)]
        older = re.search(r'href="([^"]+)">较早', body)
        url = older.group(1).replace("&amp;", "&") if older else None
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)) == 120
    assert seen[0] == max(ids)  # newest first


def rows_of_text(body: str) -> int:
    return len(re.findall(r'href="/organizer/audit/\d+"', body))


def test_newer_link_returns_to_the_previous_page(client, login_as, world, db):
    only_these_events(db)
    start = datetime(2025, 1, 1)
    for i in range(60):
        add_event(world, at=start + timedelta(minutes=i), after={"n": i})
    db.session.commit()
    login_as(world.organizer)
    first = client.get("/organizer/audit").get_data(as_text=True)
    older = re.search(r'href="([^"]+)">较早', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert rows_of_text(second) == 10
    newer = re.search(r'href="([^"]+)">较新', second).group(1).replace("&amp;", "&")
    again = client.get(newer).get_data(as_text=True)
    assert re.findall(r'href="/organizer/audit/(\d+)"', again) == re.findall(r'href="/organizer/audit/(\d+)"', first)


def test_keys_get_chinese_labels_and_stored_times_show_in_beijing_time(client, login_as, world):
    event = add_event(
        world,
        actor=world.organizer,
        action="contest.settings",
        obj=world.contest,
        before={
            "submission_closes_at": "2026-04-15T09:00:00",
            "settings": {"notice_days": 7, "nomination_stage_shares": {"初中": 0.2}},
        },
        after={
            "submission_closes_at": "2026-04-16T09:00:00",
            "settings": {"notice_days": 5, "nomination_stage_shares": {"初中": 0.3}},
        },
    )
    login_as(world.organizer)
    detail = client.get(f"/organizer/audit/{event.id}").get_data(as_text=True)
    assert "申报截止" in detail and "2026-04-15 17:00" in detail and "2026-04-16 17:00" in detail
    assert "公示天数" in detail and "各学段推荐比例 · 初中" in detail
    assert "2026-04-15T09:00:00" not in detail


def test_an_import_by_the_logged_in_organizer_is_recorded_against_their_account(client, login_as, world, db):
    import io

    from sqlalchemy import select

    login_as(world.organizer)
    data = "区县,学校名称,学段\r\n相山区,淮北市第二实验小学,小学\r\n".encode("gb18030")
    resp = client.post(
        "/organizer/imports",
        data={"kind": "schools", "file": (io.BytesIO(data), "schools.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    client.post(resp.headers["Location"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.schools"))
    assert event.object_type == "user" and event.object_id == world.organizer.id
    detail = client.get(f"/organizer/audit/{event.id}").get_data(as_text=True)
    assert "localproxy" not in detail and "文件" in detail and "新建" in detail


def test_rubric_changes_are_labelled_as_rubric_fields(app):
    from competition.web.organizer.audit import field_label

    with app.test_request_context():
        assert field_label("name", "rubric") == "评分标准名称"
        assert field_label("name", "user") == "姓名"  # a person's name everywhere else
        assert field_label("criteria.c1.name", "rubric") == "评分项 c1 · 评分项名称"
        assert field_label("criteria.novelty.max_score", "rubric") == "评分项 novelty · 满分"
        assert field_label("full_scale", "rubric").startswith("满分合计")
