"""What every page carries around its content: the favicon, and the menu that a phone folds
behind the toggle button."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.web.html_check import Page
from tests.web.test_public_notice import published


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


def toggled(page: Page):
    """The button a phone shows instead of the menu, and the element it opens."""
    buttons = page.find_all("button", class_="navbar-toggler")
    if not buttons:
        return None, None
    (button,) = buttons
    target = button.get("data-bs-target")
    assert target and target.startswith("#") and button.get("aria-controls") == target[1:]
    assert button.get("data-bs-toggle") == "collapse"
    return button, page.by_id(target[1:])


def menu_links(element) -> dict[str, str]:
    return {" ".join(a.all_text().split()): a.get("href") for a in element.descendants() if a.tag == "a"}


@pytest.mark.parametrize("path", ["/login", "/verify", "notice"])
def test_the_phone_menu_of_a_public_page_holds_its_links(client, world, db, path):
    """On a phone the public pages showed a menu button that opened an empty menu."""
    if path == "notice":
        path = f"/notice/{published(world, db).contest.code}"
    resp = client.get(path)
    assert resp.status_code == 200, path
    page = Page(resp.get_data(as_text=True))
    button, menu = toggled(page)
    assert button is not None and menu is not None, "no menu button or nothing for it to open"
    assert "collapse" in menu.get("class", "").split()
    links = menu_links(menu)
    assert links, "the menu opens empty"
    assert links.get("查验证书") == "/verify"
    assert links.get("登录") == "/login"
    assert button.get("aria-label") == "菜单"


def test_the_phone_menu_of_a_logged_in_teacher_holds_the_areas_and_the_account(client, world, login_as):
    page = Page(login_as(world.teacher1).get("/teacher/").get_data(as_text=True))
    _button, menu = toggled(page)
    links = menu_links(menu)
    assert links.get("本校项目") == "/teacher/"
    assert "/account/password" in links.values()
    assert "登录" not in links  # logged in: no login link, a logout button instead
    assert any(b.tag == "button" and "退出" in b.all_text() for b in menu.descendants())
