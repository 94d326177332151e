"""Issue #13 in a real (headless) chromium: after a refused account edit and a refused contest
settings form the error summary has the focus, and clicking an item puts the focus on its field."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium, new_tab
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture()
def organizer(live_server, world):
    with chromium(viewport={"width": 1280, "height": 900}) as context:
        tab = new_tab(context)
        tab.goto(f"{live_server}/login")
        tab.fill("#username", world.organizer.username)
        tab.fill("#password", PASSWORD)
        tab.keyboard.press("Enter")
        tab.wait_for_url(f"{live_server}/organizer/")
        yield tab


def submit(tab, button: str) -> None:
    """Click and wait for the answer page's load event (app.js has run by then)."""
    with tab.expect_navigation():
        tab.click(button)


def focused(tab) -> str:
    return tab.evaluate("document.activeElement.id")


def test_account_edit(live_server, world, organizer):
    tab = organizer
    tab.goto(f"{live_server}/organizer/accounts/{world.teacher1.id}")
    tab.fill("#name", "")
    for box in tab.locator("input[name=roles]").all():
        box.uncheck()
    submit(tab, "main form button.btn-primary[type=submit]")
    assert focused(tab) == "form-errors"
    tab.click("#form-errors a[href='#name']")
    assert focused(tab) == "name"
    # Without roles (the service's check, once the name is there) the item leads to the first box.
    tab.fill("#name", "张老师")
    submit(tab, "main form button.btn-primary[type=submit]")
    assert focused(tab) == "form-errors"
    tab.click("#form-errors a[href='#roles-0']")
    assert focused(tab) == "roles-0"


def test_contest_settings(live_server, world, organizer):
    tab = organizer
    tab.goto(f"{live_server}/organizer/contests/{world.contest.id}/edit")
    tab.fill("#judges_per_entry", "0")
    tab.fill("#levels-1-min_score", "120")
    submit(tab, "main form[data-warn-unsaved] button.btn-primary[type=submit]")
    assert focused(tab) == "form-errors"
    link = tab.locator("#form-errors a[href='#levels-1-min_score']")
    assert link.inner_text().startswith("奖项设置 2 最低分")
    link.click()
    assert focused(tab) == "levels-1-min_score"
    assert tab.evaluate("document.activeElement.value") == "120"  # what was typed is still there
    tab.click("#form-errors a[href='#judges_per_entry']")
    assert focused(tab) == "judges_per_entry"
