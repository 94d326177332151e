"""In a real (headless) chromium: the organizer reads the objections, is told why a withdrawal
with a not-founded finding is refused, settles one as founded with the withdrawal, and the
public notice shows the outcome."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium, new_tab, served
from tests.factories import PASSWORD
from tests.web.test_objection_desk import desk_world

pytestmark = pytest.mark.browser


def test_the_organizer_settles_an_objection_and_withdraws_the_award(app, world, tmp_path) -> None:
    w = desk_world(world)
    pid = w.person.id
    with served(app) as server, chromium(viewport={"width": 1280, "height": 900}) as context:
        page = new_tab(context)
        page.goto(f"{server}/login")
        page.fill("#username", w.organizer.username)
        page.fill("#password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{server}{w.url}")
        assert page.inner_text("#waiting-count") == "2 件待处理"
        assert page.locator(".objection-card").count() == 2
        page.screenshot(path=str(tmp_path / "objection-desk.png"), full_page=True)

        card = page.locator(f"#objection-{pid}")
        card.locator(f"#o{pid}-finding-1").check()  # 不属实
        card.locator(f"#o{pid}-reasoning").fill("数据有出处。")
        card.locator(f"#o{pid}-withdraw").check()
        card.locator("button[type=submit]").click()
        page.locator("#form-errors").wait_for()
        assert "只有异议属实才能撤销奖项" in page.inner_text("#form-errors")
        assert page.input_value(f"#o{pid}-reasoning") == "数据有出处。"
        page.screenshot(path=str(tmp_path / "objection-desk-refused.png"), full_page=True)

        page.locator(f"#o{pid}-finding-0").check()  # 属实
        page.locator(f"#o{pid}-reasoning").fill("经核查，研究报告第3页数据系抄袭。")
        page.locator(f"#objection-{pid} button[type=submit]").click()
        page.wait_for_url(f"**/objections#objection-{pid}")
        shown = page.inner_text(f"#objection-{pid}")
        assert "处理结论：属实" in shown and "奖项和推荐资格已撤销" in shown
        assert page.inner_text("#waiting-count") == "1 件待处理"
        page.screenshot(path=str(tmp_path / "objection-desk-settled.png"), full_page=True)

        page.goto(f"{server}/notice/{w.contest.code}")
        outcomes = page.inner_text(".notice-objections")
        assert "CX2026-XS-001" in outcomes and "异议属实，已撤销奖项" in outcomes and "王芳" not in page.content()
        page.screenshot(path=str(tmp_path / "notice-outcome.png"), full_page=True)
