"""The message centre (站内消息): the header's unread count, the list, opening and marking read,
someone else's message, and each person's notification settings."""

from __future__ import annotations

from competition.extensions import db
from competition.models import Notification, NotificationDelivery, NotificationPreference
from competition.services.notifications import PENDING_FLAG, notify


def _note(user, n: int, **kw):
    note = notify(
        kw.pop("kind", "entry.accepted"),
        event_key=f"test:{n}",
        subject=f"消息{n}",
        body=f"正文{n}",
        user=user,
        link=kw.pop("link", "/teacher/"),
        **kw,
    )
    db.session.info.pop(PENDING_FLAG, None)
    return note


def test_the_header_counts_unread_messages_and_the_list_shows_them(world, login_as):
    for n in range(3):
        _note(world.teacher1, n)
    _note(world.teacher2, 9)
    db.session.commit()
    client = login_as(world.teacher1)
    page = client.get("/teacher/").get_data(as_text=True)
    assert 'id="nav-messages"' in page and 'aria-label="3 条未读"' in page
    listing = client.get("/messages/").get_data(as_text=True)
    assert "消息0" in listing and "消息2" in listing and "消息9" not in listing  # only one's own
    assert listing.index("消息2") < listing.index("消息0")  # newest first
    assert "3 条未读" in listing


def test_opening_marks_read_and_someone_elses_message_is_missing(world, login_as):
    mine = _note(world.teacher1, 1)
    theirs = _note(world.teacher2, 2)
    db.session.commit()
    client = login_as(world.teacher1)
    assert client.get(f"/messages/{theirs.id}").status_code == 404
    answer = client.get(f"/messages/{mine.id}")
    assert answer.status_code == 302 and answer.headers["Location"] == "/teacher/"
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.read_at is not None and theirs.read_at is None
    page = client.get("/teacher/").get_data(as_text=True)
    assert "条未读" not in page  # no badge once everything is read
    assert "暂无消息" not in client.get("/messages/?unread=1").get_data(as_text=True)
    assert "没有未读消息" in client.get("/messages/?unread=1").get_data(as_text=True)


def test_a_stored_link_never_leads_off_the_site(world, login_as):
    note = _note(world.teacher1, 1, link="//evil.example/")
    db.session.commit()
    answer = login_as(world.teacher1).get(f"/messages/{note.id}")
    assert answer.headers["Location"] == "/messages/"


def test_mark_all_read(world, login_as):
    for n in range(2):
        _note(world.teacher1, n)
    other = _note(world.teacher2, 5)
    db.session.commit()
    client = login_as(world.teacher1)
    page = client.post("/messages/read-all", follow_redirects=True).get_data(as_text=True)
    assert "已将 2 条消息标为已读" in page
    unread = db.session.scalars(db.select(Notification).where(Notification.read_at.is_(None))).all()
    assert [n.id for n in unread] == [other.id]


def test_settings_turn_email_and_the_badge_off_but_not_for_a_return(world, login_as):
    world.teacher1.email = "zhang@school.example"
    db.session.commit()
    client = login_as(world.teacher1)
    page = client.get("/messages/settings").get_data(as_text=True)
    assert "作品通过审查" in page and "作品退回修改" in page and "始终提示（不能关闭）" in page
    assert "邮件尚未设置" not in page and "本系统尚未设置邮件" in page  # no mail server in tests
    assert 'value="entry.returned|in_app"' not in page  # cannot be turned off
    # everything off except the returned kind by email
    client.post("/messages/settings", data={"choice": ["entry.returned|email"]})
    prefs = {(p.kind, p.channel): p.enabled for p in db.session.scalars(db.select(NotificationPreference))}
    assert prefs[("entry.accepted", "email")] is False and prefs[("entry.accepted", "in_app")] is False
    assert prefs[("entry.returned", "email")] is True and ("entry.returned", "in_app") not in prefs
    accepted = _note(world.teacher1, 1, kind="entry.accepted")
    returned = _note(world.teacher1, 2, kind="entry.returned")
    db.session.commit()
    assert accepted.read_at is not None and accepted.deliveries == []  # kept, not new, not emailed
    assert returned.read_at is None and [d.address for d in returned.deliveries] == ["zhang@school.example"]
    assert db.session.scalar(db.select(db.func.count(NotificationDelivery.id))) == 1
    page = client.get("/messages/settings").get_data(as_text=True)
    assert 'value="entry.returned|email" id="pref-2-email" checked' in page
