"""In a real (headless) chromium: the header's red unread count leads to the message centre,
opening a message goes to its page and the count goes down; the organizer's outbox shows a
failed email with its error and a button to send it again. Screenshots go to
COMPETITION_SCREENSHOTS when set (for a person to look at)."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from competition.extensions import db
from competition.services import review
from tests.browser.conftest import chromium, new_tab
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    folder = os.environ.get("COMPETITION_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.fixture()
def desktop():
    with chromium(viewport={"width": 1280, "height": 800}) as context:
        yield new_tab(context)


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_badge_leads_to_the_messages_and_opening_one_reads_it(live_server, world, desktop):
    world.teacher3.email = "wang@school.example"
    review.return_entry(
        world.entry3.id, actor=world.reviewer2, reason="缺少学校盖章", resubmit_by_local=datetime(2027, 3, 1, 17)
    )
    db.session.commit()
    page = desktop
    _log_in(page, live_server, world.teacher3)
    badge = page.locator("#nav-messages .badge")
    assert badge.inner_text() == "1"
    _shot(page, "header-badge")
    page.click("#nav-messages")
    page.wait_for_url(f"{live_server}/messages/")
    assert page.locator(".message-list li").count() == 1
    assert "缺少学校盖章" in page.locator(".message-list").inner_text()
    assert "2027-03-01 17:00" in page.locator(".message-list").inner_text()
    _shot(page, "message-centre")
    page.click(".message-list a")
    page.wait_for_url(f"{live_server}/teacher/entries/{world.entry3.id}")
    assert page.locator("#nav-messages .badge").count() == 0


def test_the_outbox_shows_a_failed_email_and_sends_it_again(live_server, world, desktop):
    world.teacher3.email = "wang@school.example"
    review.return_entry(
        world.entry3.id, actor=world.reviewer2, reason="缺少学校盖章", resubmit_by_local=datetime(2027, 3, 1, 17)
    )
    db.session.commit()
    from competition.models import NotificationDelivery

    delivery = db.session.scalars(db.select(NotificationDelivery)).one()
    delivery.state, delivery.attempts, delivery.last_error = "failed", 1, "550 5.1.1 No such user here"
    db.session.commit()
    page = desktop
    _log_in(page, live_server, world.organizer)
    page.goto(f"{live_server}/organizer/outbox")
    row = page.locator(f"#delivery-{delivery.id}")
    assert "wang@school.example" in row.inner_text() and "550" in row.inner_text()
    _shot(page, "outbox")
    row.locator("button:has-text('重新发送')").click()
    page.wait_for_load_state()
    assert "已重新排队发送" in page.locator(".alert-success").inner_text()
    db.session.refresh(delivery)
    assert delivery.state == "queued"
