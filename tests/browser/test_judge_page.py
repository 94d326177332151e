"""A judge scores an entry with the keyboard only in a real (headless) chromium: autosave,
reload, submit, locked, and saves that survive a stale CSRF token. The app is served by
werkzeug in a thread on a free port."""

from __future__ import annotations

import re

import pytest

from competition.extensions import db
from competition.services.judging import sheets as judging_sheets
from tests.browser.conftest import chromium, new_tab, served
from tests.factories import PASSWORD, SAMPLES
from tests.factories import judging as fj

pytestmark = pytest.mark.browser


@pytest.fixture()
def scored_world(world):
    j = fj.judging_world(world)
    fj.planned(world, j)
    first = judging_sheets.judge_assignments(world.judge2)[0]
    fj.attach(first.entry, name="王小明的研究报告.pdf", data=(SAMPLES / "research_report_sample.pdf").read_bytes())
    db.session.commit()
    return world, first.id


@pytest.fixture()
def live_server(app, scored_world):
    with served(app) as address:
        yield address


@pytest.fixture()
def page():
    with chromium(viewport={"width": 1400, "height": 900}) as context:
        yield new_tab(context)


def log_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/judge/")


def test_judge_scores_with_keyboard_autosave_reload_submit(live_server, scored_world, page):
    world, assignment_id = scored_world
    log_in(page, live_server, world.judge2)
    assert "已评" in page.inner_text(".judge-progress")

    # "n" opens the next unscored entry; the first score field has the focus
    page.keyboard.press("n")
    page.wait_for_url(f"{live_server}/judge/a/{assignment_id}")
    assert page.locator("iframe.viewer-frame").count() == 1
    assert "王小明" not in page.content()  # blind: not even the file name
    inputs = page.locator("input.score")
    assert inputs.count() == 4
    assert page.evaluate("document.activeElement.id") == inputs.nth(0).get_attribute("id")

    # out of bounds is flagged while typing, and not saved
    page.keyboard.type("45")
    assert "最多40分" in page.inner_text(f"#err-{inputs.nth(0).get_attribute('data-key')}")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    for value in ("30", "22", "15", "8"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    page.keyboard.type("结构清楚")
    assert page.inner_text("#total") == "75"
    page.locator("#save-status", has_text="已保存").wait_for()

    page.reload()
    assert [inputs.nth(i).input_value() for i in range(4)] == ["30", "22", "15", "8"]
    assert page.input_value("#comment") == "结构清楚"
    assert page.inner_text("#total") == "75"

    # Ctrl+Enter submits (after the confirmation), and the sheet is locked
    page.focus("#comment")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=已提交 · 已锁定")
    assert inputs.nth(0).is_disabled()
    assert page.locator("#submit-sheet").count() == 0


def test_failed_saves_are_retried_and_a_stale_save_shows_the_newer_values(live_server, scored_world, page):
    world, assignment_id = scored_world
    log_in(page, live_server, world.judge2)

    failures = {"left": 2}

    def flaky(route):
        if failures["left"] > 0:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/judge/a/*/sheet", flaky)
    page.goto(f"{live_server}/judge/a/{assignment_id}")
    page.keyboard.type("30")
    page.locator("#save-status", has_text="保存失败").wait_for()
    page.locator("#save-status", has_text="已保存").wait_for(timeout=10000)
    assert failures["left"] == 0

    # the same judge on another laptop saves a newer version meanwhile
    a = db.session.get(fj.Assignment, assignment_id)
    key = {c.code: str(c.id) for c in judging_sheets.criteria_of(a)}
    judging_sheets.save_draft(a, scores={key["novelty"]: "12"}, comment="另一台电脑", version=1, actor=world.judge2)
    db.session.commit()
    page.keyboard.press("Enter")
    page.keyboard.type("20")
    page.locator("#conflict-banner").wait_for(state="visible")
    assert "另一台电脑" in page.inner_text("#conflict-banner")
    page.click("#use-newer")
    assert page.input_value(f"#score-{key['novelty']}") == "12"
    assert page.input_value(f"#score-{key['science']}") == ""
    assert page.input_value("#comment") == "另一台电脑"


@pytest.fixture()
def csrf_on(app, monkeypatch):
    # The test app switches CSRF off; these tests are about the page living with it.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def watch_token_refresh(page) -> dict:
    """Counts the CSRF-refused saves and the page's token refreshes."""
    seen = {"refused": 0, "refreshed": 0}

    def on_response(response):
        if response.url.endswith("/auth/csrf-token") and response.status == 200:
            seen["refreshed"] += 1
        elif response.request.method == "POST" and response.status == 400 and "/judge/a/" in response.url:
            seen["refused"] += 1

    page.on("response", on_response)
    return seen


def stored_scores(assignment_id: int) -> dict:
    db.session.expire_all()
    sheet = db.session.get(fj.Assignment, assignment_id).sheet
    return {} if sheet is None else {k: f"{v:g}" for k, v in sheet.scores.items()}


def test_a_broken_page_token_is_refreshed_and_the_autosave_goes_through(live_server, scored_world, page, csrf_on):
    world, assignment_id = scored_world
    log_in(page, live_server, world.judge2)
    page.goto(f"{live_server}/judge/a/{assignment_id}")
    key = page.locator("input.score").nth(0).get_attribute("data-key")
    seen = watch_token_refresh(page)
    page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'broken'")

    page.keyboard.type("30")
    page.locator("#save-status", has_text="已保存").wait_for()
    assert seen == {"refused": 1, "refreshed": 1}
    assert page.get_attribute("meta[name=csrf-token]", "content") != "broken"
    assert page.locator("#error-banner").is_hidden()
    assert stored_scores(assignment_id) == {key: "30"}


def test_logging_in_again_in_another_tab_does_not_cost_the_first_tab_its_saves(
    live_server, scored_world, page, csrf_on
):
    world, assignment_id = scored_world
    log_in(page, live_server, world.judge2)
    page.goto(f"{live_server}/judge/a/{assignment_id}")
    inputs = page.locator("input.score")
    keys = [inputs.nth(i).get_attribute("data-key") for i in range(4)]
    seen = watch_token_refresh(page)

    def log_in_again_elsewhere():
        # Logging out and in again in a second tab gives the session a new raw token, so the
        # token this tab was loaded with no longer matches.
        other = new_tab(page.context)
        other.goto(f"{live_server}/judge/")
        other.evaluate("document.querySelector('form[action$=\"/logout\"]').submit()")
        other.wait_for_url(f"{live_server}/login")
        log_in(other, live_server, world.judge2)
        other.close()

    log_in_again_elsewhere()
    page.bring_to_front()
    page.focus(f"#score-{keys[0]}")
    page.keyboard.type("30")
    page.locator("#save-status", has_text="已保存").wait_for()
    assert seen == {"refused": 1, "refreshed": 1}
    assert stored_scores(assignment_id) == {keys[0]: "30"}

    # Once more, and this time the first request of the tab is the submit.
    for value in ("22", "15", "8"):
        page.keyboard.press("Enter")
        page.keyboard.type(value)
    page.locator("#save-status", has_text="已保存").wait_for()
    log_in_again_elsewhere()
    page.bring_to_front()
    page.focus("#comment")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=已提交 · 已锁定")
    assert seen == {"refused": 2, "refreshed": 2}
    assert stored_scores(assignment_id) == dict(zip(keys, ["30", "22", "15", "8"], strict=True))
    assert db.session.get(fj.Assignment, assignment_id).sheet.state == "final"


def test_locked_results_turn_the_open_page_read_only_and_times_are_beijing_time(live_server, scored_world, page):
    """The judge's page is open while the organizer locks the results: the next autosave is
    refused (409), the page stops saving and turns read-only, and Ctrl+Enter submits nothing.
    The saved time is the server's Beijing time, not the laptop's clock (here New York)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from competition.services import results

    world, assignment_id = scored_world
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 900}, timezone_id="America/New_York")
    page = new_tab(context)
    log_in(page, live_server, world.judge2)
    page.goto(f"{live_server}/judge/a/{assignment_id}")
    page.keyboard.type("30")
    status = page.locator("#save-status", has_text="已保存")
    status.wait_for()
    shown = re.search(r"(\d\d):(\d\d):(\d\d)", status.inner_text()).groups()
    beijing = datetime.now(ZoneInfo("Asia/Shanghai"))
    seconds = int(shown[0]) * 3600 + int(shown[1]) * 60 + int(shown[2])
    now = beijing.hour * 3600 + beijing.minute * 60 + beijing.second
    assert min((now - seconds) % 86400, (seconds - now) % 86400) < 120, (shown, beijing)

    # another sheet is submitted, the ranking run and the results locked with the open sheet
    other = next(a for a in judging_sheets.judge_assignments(world.judge2) if a.id != assignment_id)
    key = {c.code: str(c.id) for c in judging_sheets.criteria_of(other)}
    judging_sheets.submit(
        other, scores={key[k]: str(v) for k, v in fj.full_scores().items()}, comment=None, version=0, actor=world.judge2
    )
    db.session.commit()
    results.run_ranking(world.contest, actor=world.organizer)
    results.lock(world.contest, actor=world.organizer, reason="截止时间已到")
    db.session.commit()

    page.keyboard.press("Enter")
    page.keyboard.type("22")
    page.locator("#error-banner", has_text="成绩已锁定").wait_for()
    assert page.inner_text("#sheet-state") == "评审已结束"
    assert "未保存" in page.inner_text("#save-status")
    inputs = page.locator("input.score")
    assert all(inputs.nth(i).is_disabled() for i in range(inputs.count()))
    assert page.locator("#submit-sheet").count() == 0
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(500)
    assert stored_scores(assignment_id) == {inputs.nth(0).get_attribute("data-key"): "30"}
    db.session.expire_all()
    assert db.session.get(fj.Assignment, assignment_id).sheet.state == "draft"

    page.reload()
    assert "成绩已锁定" in page.inner_text("#closed-reason")
    assert inputs.nth(0).is_disabled()
    context.close()
