"""Email through a real SMTP server (aiosmtpd, started in the test): what arrives, a refused
recipient, a server that is down and then up, a crash between sending and marking."""

from __future__ import annotations

from datetime import timedelta

from competition.domain.notifications import DeliveryState
from competition.extensions import db
from competition.jobs import notify as job
from competition.models import Notification, NotificationDelivery, utcnow
from competition.services import review
from competition.services.notifications import deliver


def _return_entry3(world):
    world.teacher3.email = "wang@school.example"
    db.session.commit()
    return review.return_entry(
        world.entry3.id, actor=world.reviewer2, reason="申报书缺少学校盖章", resubmit_by_local=_beijing(2027, 3, 1, 17)
    )


def _beijing(*parts):
    from datetime import datetime

    return datetime(*parts)


def test_a_return_arrives_by_email_with_a_chinese_subject_both_parts_and_a_working_link(world, smtp, login_as):
    entry = _return_entry3(world)
    assert smtp.raw == []  # nothing is sent inside the transaction (nor the request)
    db.session.commit()  # the commit starts the delivery pass, off this thread
    job.wait_all()
    assert len(smtp.messages) == 1
    # every header is 7-bit: the Chinese subject is RFC 2047 encoded (the body may be 8-bit UTF-8)
    raw = smtp.raw[0].split(b"\r\n\r\n", 1)[0].decode("ascii")
    subject_line = next(line for line in raw.splitlines() if line.startswith("Subject:"))
    assert "=?utf-8?" in subject_line.lower() and "申报书" not in subject_line
    msg = smtp.messages[0]
    assert msg["Subject"] == f"作品已退回修改：{entry.title}"
    assert msg["To"] == "wang@school.example"
    assert smtp.envelopes[0] == ("noreply@kexie.example", ["wang@school.example"])
    assert msg["From"].addresses[0].display_name == "市科协竞赛平台"
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@kexie.example>")
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "申报书缺少学校盖章" in text and "2027-03-01 17:00" in text  # the reason and the Beijing deadline
    assert "申报书缺少学校盖章" in html and "2027-03-01 17:00" in html
    link = f"http://contest.example/teacher/entries/{entry.id}"
    assert link in text and f'href="{link}"' in html
    client = login_as(world.teacher3)
    page = client.get(link.removeprefix("http://contest.example"))
    assert page.status_code == 200 and entry.title in page.get_data(as_text=True)
    delivery = db.session.scalars(db.select(NotificationDelivery)).one()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 1 and delivery.sent_at is not None
    # run again: nothing is sent twice
    assert job.run_due()["sent"] == 0 and len(smtp.raw) == 1


def test_a_refused_recipient_fails_at_once_and_shows_on_the_outbox(world, smtp, login_as):
    smtp.refuse.add("wang@school.example")
    _return_entry3(world)
    db.session.commit()
    job.wait_all()
    delivery = db.session.scalars(db.select(NotificationDelivery)).one()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert "550" in delivery.last_error and delivery.next_attempt_at is None
    assert job.run_due(now=utcnow() + timedelta(days=1))["sent"] == 0  # never retried by itself
    client = login_as(world.organizer)
    page = client.get("/organizer/outbox?state=failed").get_data(as_text=True)
    assert "wang@school.example" in page and "550" in page and "重新发送" in page
    assert "wang@school" in client.get("/organizer/outbox?q=wang").get_data(as_text=True)
    assert "wang@school" not in client.get("/organizer/outbox?q=nobody").get_data(as_text=True)
    # the organizer corrects the address at the server and sends it again
    smtp.refuse.clear()
    assert client.post(f"/organizer/outbox/{delivery.id}/resend").status_code == 302
    job.wait_all()
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.SENT and len(smtp.raw) == 1
    # a sent email cannot be "sent again"
    assert client.post(f"/organizer/outbox/{delivery.id}/resend").status_code == 302
    assert len(smtp.raw) == 1


def test_a_server_that_is_down_is_tried_again_with_backoff_then_delivers_once(world, smtp_down):
    _return_entry3(world)
    db.session.commit()
    job.wait_all()
    delivery = db.session.scalars(db.select(NotificationDelivery)).one()
    assert delivery.state == DeliveryState.QUEUED and delivery.attempts == 1 and delivery.last_error
    first_retry = delivery.next_attempt_at
    t0 = utcnow()
    assert job.run_due(now=t0)["sent"] == 0  # not due yet: the backoff waits a minute
    db.session.refresh(delivery)
    assert delivery.attempts == 1
    counts = job.run_due(now=first_retry)  # due, still down: the wait grows to five minutes
    db.session.refresh(delivery)
    assert counts["retry"] == 1 and delivery.attempts == 2
    assert delivery.next_attempt_at == first_retry + timedelta(minutes=5)
    smtp_down.start()
    assert job.run_due(now=delivery.next_attempt_at)["sent"] == 1
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 3
    assert len(smtp_down.raw) == 1
    assert job.run_due(now=utcnow() + timedelta(days=2))["sent"] == 0 and len(smtp_down.raw) == 1


def test_a_server_down_for_good_is_given_up_after_the_last_attempt(world, smtp_down):
    _return_entry3(world)
    db.session.commit()
    job.wait_all()
    delivery = db.session.scalars(db.select(NotificationDelivery)).one()
    while delivery.state == DeliveryState.QUEUED:
        job.run_due(now=delivery.next_attempt_at)
        db.session.refresh(delivery)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 6
    assert "6" in delivery.last_error


def test_a_crash_between_sending_and_marking_is_not_resent_by_itself(world, smtp):
    """The worker died with the row SENDING: the message may have gone out, so it waits for an
    organizer instead of going out a second time."""
    _return_entry3(world)
    db.session.info.pop("notifications_pending", None)  # no pass starts: the test plays the worker that died
    db.session.commit()
    claimed = deliver.claim_next(utcnow(), "email")
    assert claimed is not None
    db.session.commit()
    assert job.run_due()["sent"] == 0  # still SENDING: left alone
    later = utcnow() + timedelta(minutes=20)
    counts = job.run_due(now=later)
    db.session.refresh(claimed)
    assert counts == {"sent": 0, "failed": 0, "retry": 0, "interrupted": 1}
    assert claimed.state == DeliveryState.FAILED and "可能已经送达" in claimed.last_error
    assert smtp.raw == []


def test_without_a_mail_server_the_message_centre_still_has_it(world, login_as):
    entry = _return_entry3(world)
    db.session.commit()
    assert job.run_due() == {"sent": 0, "failed": 0, "retry": 0, "interrupted": 0}
    note = db.session.scalars(db.select(Notification)).one()
    assert note.user_id == world.teacher3.id and note.entry_id == entry.id
    page = login_as(world.organizer).get("/organizer/outbox").get_data(as_text=True)
    assert "邮件尚未设置" in page
