"""In a real (headless) chromium: the phone menu of a public page opens with its links, and a
refused entry form puts the focus on its error summary, whose links put it on the fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import chromium, new_tab
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture()
def phone():
    with chromium(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) as context:
        yield new_tab(context)


def test_the_phone_menu_opens_with_its_links(live_server, phone):
    phone.goto(f"{live_server}/verify")
    menu = phone.locator("#nav")
    assert not menu.is_visible()
    phone.click(".navbar-toggler")
    phone.wait_for_selector("#nav.collapse.show")  # the opening animation is over
    link = menu.get_by_role("link", name="登录")
    link.wait_for(state="visible")
    assert menu.get_by_role("link", name="查验证书").is_visible()
    box = menu.bounding_box()
    assert box and box["height"] > 40  # it opened with something in it, not empty


def test_a_refused_form_focuses_its_error_summary_and_links_to_the_fields(live_server, world, phone):
    phone.goto(f"{live_server}/login")
    phone.fill("#username", world.teacher1.username)
    phone.fill("#password", PASSWORD)
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{live_server}/teacher/")
    phone.goto(f"{live_server}/teacher/entries/{world.entry1.id}/edit")
    phone.fill("#title", "")
    phone.fill("#contact_phone", "12345")
    phone.click("button[type=submit]:has-text('保存草稿')")
    phone.locator("#form-errors").wait_for()
    # app.js moves the focus on DOMContentLoaded, which may come just after the summary is drawn;
    # expect() polls from Playwright's own script (wait_for_function would eval, which the CSP refuses)
    expect(phone.locator("#form-errors")).to_be_focused()
    phone.click("#form-errors a:has-text('联系电话')")
    assert phone.evaluate("document.activeElement.name") == "contact_phone"
    phone.click("#form-errors a:has-text('请填写项目名称')")
    assert phone.evaluate("document.activeElement.name") == "title"
