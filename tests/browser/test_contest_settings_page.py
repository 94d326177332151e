"""The contest settings page in chromium: the eligibility card is editable while only drafts
exist; once the entries are submitted it is read-only with the reason; a final contest's page
is read-only as a whole, with no save button. Full-page screenshots go to the test's tmp_path."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.browser.test_error_summary import organizer  # noqa: F401  (the logged-in tab)

pytestmark = pytest.mark.browser

BOXES = (
    "#team_same_district",
    "#one_entry_per_student",
    "#team_fixed_once_submitted",
    "#one_counselor_entry_per_teacher",
)


def test_the_eligibility_rules_edit_until_an_entry_is_submitted(live_server, world, organizer, tmp_path):  # noqa: F811
    tab = organizer
    world.entry3.state = "draft"
    # the world's contest closes its submissions in ten days: judging opens after that
    world.contest.judging_opens_at = world.contest.judging_closes_at = None
    f.db.session.commit()
    tab.goto(f"{live_server}/organizer/contests/{world.contest.id}/edit")
    assert all(tab.is_checked(box) and tab.is_enabled(box) for box in BOXES)
    tab.uncheck("#team_same_district")
    with tab.expect_navigation():
        tab.click("main form[data-warn-unsaved] button.btn-primary[type=submit]")
    tab.goto(f"{live_server}/organizer/contests/{world.contest.id}/edit")
    assert not tab.is_checked("#team_same_district")
    tab.locator("#eligibility").screenshot(path=str(tmp_path / "eligibility-open.png"))
    tab.screenshot(path=str(tmp_path / "settings-open.png"), full_page=True)
    world.entry3.state = "submitted"
    f.db.session.commit()
    tab.reload()
    assert tab.locator("#eligibility-closed").is_visible()
    assert all(tab.is_disabled(box) for box in (*BOXES, "#work_completed_within_years"))
    assert tab.is_enabled("#name")
    tab.locator("#eligibility").screenshot(path=str(tmp_path / "eligibility-closed.png"))


def test_a_final_contest_is_read_only(live_server, world, organizer, tmp_path):  # noqa: F811
    tab = organizer
    world.contest.state = "final"
    f.db.session.commit()
    tab.goto(f"{live_server}/organizer/contests/{world.contest.id}/edit")
    assert tab.locator("#settings-closed").is_visible()
    assert all(tab.is_disabled(s) for s in ("#name", "#notice_contact", "#award_max_share", *BOXES))
    assert tab.locator("main form[data-warn-unsaved] button[type=submit]").count() == 0
    tab.screenshot(path=str(tmp_path / "settings-final.png"), full_page=True)
