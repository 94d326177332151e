"""Each ranking method has one name, the same on the settings page, the contest page and the results page."""

from __future__ import annotations

import re

from competition.domain.contest_definition import METHODS
from tests.factories.results import judged_contest

TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def _options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {
        v: re.sub(r"\s+", " ", t).strip()
        for v, t in re.findall(r'<option[^>]*value="([^"]+)"[^>]*>(.*?)</option>', select, re.S)
    }


def test_settings_and_results_pages_name_the_methods_alike(world, login_as) -> None:
    c = judged_contest(world, TEN)
    client = login_as(world.organizer)
    base = f"/organizer/contests/{c.contest.id}"
    settings = _options(client.get(f"{base}/edit").get_data(as_text=True), "ranking_method")
    results = _options(client.get(f"{base}/results").get_data(as_text=True), "method")
    assert set(settings) == set(METHODS) == set(results)
    assert settings == results
    assert settings["calibrated"] == "评委偏差校准（默认）"
    shown = client.get(base).get_data(as_text=True)
    assert settings[c.contest.ranking_method] in shown
