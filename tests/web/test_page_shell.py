"""What every page carries around its content: the favicon, and the menu that a phone folds
behind the toggle button."""
from __future__ import annotations

import io

from PIL import Image

from tests.web.html_check import Page


def test_the_favicon_is_linked_and_served(client, db):
    """Every page asked for /favicon.ico and got 404."""
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    icon = Image.open(io.BytesIO(resp.data))
    assert icon.format == "ICO" and (16, 16) in icon.info["sizes"] and (32, 32) in icon.info["sizes"]
    assert "max-age" in resp.headers.get("Cache-Control", "")
    page = Page(client.get("/login").get_data(as_text=True))
    links = {e.get("type"): e.get("href") for e in page.find_all("link") if e.get("rel") == "icon"}
    assert links.get("image/svg+xml", "").endswith("/favicon.svg")
    svg = client.get(links["image/svg+xml"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert links.get("image/x-icon") == "/favicon.ico"
