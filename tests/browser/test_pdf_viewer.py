"""The judges' viewer still shows a PDF in Debian's chromium although every file is served with
`Content-Security-Policy: sandbox` (and nosniff)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import chromium, new_tab, served
from tests.browser.test_judge_page import log_in, scored_world  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def test_the_judges_pdf_viewer_shows_a_sandboxed_pdf(app, scored_world):  # noqa: F811
    world, assignment_id = scored_world
    with served(app) as base, chromium(viewport={"width": 1400, "height": 900}) as context:
        page = new_tab(context)
        log_in(page, base, world.judge2)
        responses = []
        page.on("response", lambda r: responses.append(r) if "/files/" in r.url else None)
        page.goto(f"{base}/judge/a/{assignment_id}")
        page.wait_for_timeout(3000)
        pdf = next(r for r in responses if "inline=1" in r.url and r.status == 200)
        assert "sandbox" in pdf.header_value("content-security-policy")
        assert pdf.header_value("x-content-type-options") == "nosniff"
        # Chromium's PDF viewer took the document: its embed is there and the page sizer has the
        # height of the report's pages (0 when the viewer refuses a sandboxed document).
        viewers = [f.content() for f in page.frames if "inline=1" in f.url]
        shown = [c for c in viewers if 'type="application/x-google-chrome-pdf"' in c]
        assert shown, viewers
        height = re.search(r'id="sizer" style="[^"]*height: (\d+)px', shown[0])
        assert height and int(height.group(1)) > 500
