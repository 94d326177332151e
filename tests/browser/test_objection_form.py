"""In a real (headless) chromium on a phone: from the public notice to a filed objection, its
files chosen in the browser, and the receipt page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium, new_tab, served
from tests.factories import SAMPLES
from tests.factories.results import on_notice

pytestmark = pytest.mark.browser


def test_a_parent_files_an_objection_from_a_phone(app, world, tmp_path) -> None:
    w = on_notice(world)
    with served(app) as server, chromium(viewport={"width": 390, "height": 844}, is_mobile=True) as context:
        phone = new_tab(context)
        phone.goto(f"{server}/notice/{w.contest.code}")
        phone.click("#file-objection")
        phone.wait_for_url(f"{server}/notice/{w.contest.code}/objection")
        phone.screenshot(path=str(tmp_path / "objection-form.png"), full_page=True)
        phone.fill("#name", "王芳")
        phone.fill("#unit", "淮北市第一中学")
        phone.fill("#phone", "13905610001")
        phone.fill("#entry_number", "CX2026-XS-001")
        phone.click("button[type=submit]")  # no identity document, no facts
        phone.locator("#form-errors").wait_for()
        summary = phone.locator("#form-errors").inner_text()
        assert "请上传身份证明的扫描件或照片" in summary and "请用至少20个字写明事实" in summary
        assert phone.input_value("#name") == "王芳"  # what was typed is still there
        phone.screenshot(path=str(tmp_path / "objection-refused.png"), full_page=True)
        phone.fill("#facts", "该项目研究报告第3页的数据与2021年外省获奖作品完全一致，附两份报告的对照页。")
        phone.set_input_files("#identity_document", str(SAMPLES / "photo_sample.jpg"))
        phone.set_input_files(
            "#evidence", [str(SAMPLES / "research_report_sample.pdf"), str(SAMPLES / "diagram_sample.png")]
        )
        phone.click("button[type=submit]")
        phone.locator("#objection-filed").wait_for()
        receipt = phone.locator(".objection-receipt").inner_text()
        assert receipt.startswith(f"{w.contest.code}-YY-")
        assert "王芳" not in phone.content()
        phone.screenshot(path=str(tmp_path / "objection-filed.png"), full_page=True)
