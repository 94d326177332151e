"""The entry form's order in a real browser: a student row moved up from the keyboard comes back
in its new place with the focus on the same button, and the photo-less row says what to do."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import chromium, new_tab
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("COMPETITION_SCREENSHOTS")  # a folder to keep the pages in, for looking at them


def test_a_row_moves_up_from_the_keyboard(live_server, world):
    with chromium(viewport={"width": 1280, "height": 1000}) as context:
        tab = new_tab(context)
        tab.goto(f"{live_server}/login")
        tab.fill("#username", world.teacher1.username)
        tab.fill("#password", PASSWORD)
        tab.keyboard.press("Enter")
        tab.wait_for_url(f"{live_server}/teacher/")
        tab.goto(f"{live_server}/teacher/entries/{world.entry1.id}/edit")
        tab.check("input[name='is_team'][value='1']")
        tab.click("[data-add-row='students']")
        tab.fill("#students-1-name", "李明")
        tab.fill("#students-1-id_number", "34060320110501016X")
        if SHOTS:
            tab.screenshot(path=os.path.join(SHOTS, "entry_form.png"), full_page=True)
        tab.focus("button[name='move'][value='students-1-up']")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        assert tab.input_value("#students-0-name") == "李明"
        assert tab.input_value("#students-0-id_number") == "34060320110501016X"
        assert tab.evaluate("document.activeElement.value") == "students-0-up"
        # the first row says it is the first author (a ::after of its number, wherever rows move)
        after = "el => getComputedStyle(el, '::after').content"
        assert tab.eval_on_selector("#students-table tbody tr:first-child .row-no", after) == '"第一作者"'
        assert tab.eval_on_selector("#students-table tbody tr:nth-child(2) .row-no", after) == "none"
        if SHOTS:
            tab.screenshot(path=os.path.join(SHOTS, "entry_form_moved.png"), full_page=True)
