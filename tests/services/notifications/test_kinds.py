"""Each kind of message, hooked where its event happens: delivered through the real SMTP server
and shown in the person's message centre, with a link that opens."""

from __future__ import annotations

import io
from datetime import datetime

from competition.adapters.storage import get_storage
from competition.domain.objections import ObjectionFiling
from competition.extensions import db
from competition.jobs import notify as job
from competition.models import Entry, Notification
from competition.services import objections, review, submissions
from tests.factories.accounts import sample
from tests.factories.results import on_notice
from tests.factories.teacher import ready_entry


def _mail_of(smtp, address):
    return [m for m in smtp.messages if m["To"] == address]


def _opens(client, note):
    """The message centre lists it; opening it marks it read and lands on its page."""
    listing = client.get("/messages/").get_data(as_text=True)
    assert note.subject in listing
    answer = client.get(f"/messages/{note.id}")
    assert answer.status_code == 302 and answer.headers["Location"] == note.link
    assert client.get(note.link).status_code == 200
    db.session.refresh(note)
    assert note.read_at is not None


def test_entry_received_gives_the_receipt(world, smtp, login_as):
    world.teacher1.email = "zhang@school.example"
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    db.session.commit()
    job.wait_all()
    (mail,) = _mail_of(smtp, "zhang@school.example")
    receipt = f"{world.contest.code}-{entry.id}"
    assert mail["Subject"] == f"作品已收到：{entry.title}"
    assert f"回执号：{receipt}" in mail.get_body(("plain",)).get_content()
    note = db.session.scalars(db.select(Notification).where(Notification.kind == "entry.received")).one()
    assert note.user_id == world.teacher1.id and receipt in note.body
    _opens(login_as(world.teacher1), note)


def test_entry_accepted_gives_its_number(world, smtp, login_as):
    world.teacher3.email = "wang@school.example"
    entry = review.accept(world.entry3.id, actor=world.reviewer2)
    db.session.commit()
    job.wait_all()
    assert entry.number
    (mail,) = _mail_of(smtp, "wang@school.example")
    # a long Chinese subject is folded after its first encoded word, not right after "Subject:"
    assert b"\r\nSubject: =?utf-8?b?" in smtp.raw[0]
    assert mail["Subject"] == f"作品已通过形式审查：{entry.title}（编号 {entry.number}）"
    assert f"作品编号为 {entry.number}" in mail.get_body(("html",)).get_content()
    note = db.session.scalars(db.select(Notification).where(Notification.kind == "entry.accepted")).one()
    _opens(login_as(world.teacher3), note)


def test_entry_rejected_gives_the_reason(world, smtp, login_as):
    world.teacher3.email = "wang@school.example"
    review.reject(world.entry3.id, actor=world.reviewer2, reason="不属于本赛事范围")
    db.session.commit()
    job.wait_all()
    (mail,) = _mail_of(smtp, "wang@school.example")
    assert mail["Subject"].startswith("作品未通过形式审查：")
    assert "原因：不属于本赛事范围" in mail.get_body(("plain",)).get_content()
    note = db.session.scalars(db.select(Notification).where(Notification.kind == "entry.rejected")).one()
    _opens(login_as(world.teacher3), note)


def test_each_return_is_its_own_message_but_one_event_is_told_once(world, smtp):
    world.teacher3.email = "wang@school.example"
    when = datetime(2027, 3, 1, 17, 0)
    review.return_entry(world.entry3.id, actor=world.reviewer2, reason="缺少盖章", resubmit_by_local=when)
    db.session.commit()
    entry = db.session.get(Entry, world.entry3.id)
    # the same event told again (a job run twice) makes nothing new
    from competition.services.notifications import compose

    compose.entry_returned(entry)
    db.session.commit()
    entry.state = "submitted"  # resubmitted, then returned once more: a second message
    db.session.commit()
    review.return_entry(world.entry3.id, actor=world.reviewer2, reason="仍缺少盖章", resubmit_by_local=when)
    db.session.commit()
    job.wait_all()
    subjects = [n.body for n in db.session.scalars(db.select(Notification).order_by(Notification.id))]
    assert len(subjects) == 2 and "缺少盖章" in subjects[0] and "仍缺少盖章" in subjects[1]
    assert len(_mail_of(smtp, "wang@school.example")) == 2


def test_every_organizer_is_told_of_each_objection_as_it_arrives(world, smtp, login_as):
    w = on_notice(world)
    world.organizer.email = "sun@kexie.example"
    filing = ObjectionFiling(
        kind="person",
        name="王芳",
        unit="淮北市第一中学",
        phone="13905610001",
        entry_number="CX2026-XS-001",
        facts="该项目研究报告第3页的数据与2021年外省获奖作品完全一致，附两份报告的对照页。",
    )
    photo = objections.Upload("identity_document", "photo_sample.jpg", io.BytesIO(sample("photo_sample.jpg")))
    obj = objections.file_online(w.contest, filing, [photo], storage=get_storage())
    db.session.commit()
    job.wait_all()
    (mail,) = _mail_of(smtp, "sun@kexie.example")
    assert mail["Subject"] == f"收到新的异议：{w.contest.name}"
    assert obj.receipt in mail.get_body(("plain",)).get_content()
    note = db.session.scalars(db.select(Notification).where(Notification.kind == "objection.received")).one()
    assert note.user_id == world.organizer.id
    _opens(login_as(world.organizer), note)
