"""Two tabs opened at the same instant must not lose autosaves to a CSRF mismatch.

Flask-WTF keeps one raw token in the (cookie) session and signs it per page. A session without a
raw token lets two pages loading at once each create their own and set their own cookie: the last
cookie wins and the other tab's saves are refused. Login (and logout, and a password reset) hand
out a session that already holds the raw token, and a save refused for CSRF answers a JSON code the
page uses to fetch the session's token and send again (the browser side: tests/browser).

Here a "tab" is a test client holding the browser's session cookie; tabs opened "at the same
instant" both leave with the same cookie, and the browser keeps the cookie of the last answer.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import ScoreSheet
from competition.services import users
from competition.services.judging import sheets as judging_sheets
from tests.factories import PASSWORD
from tests.factories import judging as fj

FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture()
def csrf_on(app, monkeypatch):
    # The test app switches CSRF off for every other test; here it is the subject.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture()
def assignment(world, csrf_on):
    fj.planned(world, fj.judging_world(world))
    a = judging_sheets.judge_assignments(world.judge2)[0]
    db.session.commit()
    return a


def cookie_name(app) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def tab(app, cookie: str | None):
    client = app.test_client()
    if cookie:
        client.set_cookie(cookie_name(app), cookie)
    return client


def cookie_of(app, client) -> str | None:
    cookie = client.get_cookie(cookie_name(app))
    return cookie.value if cookie else None


def session_of(app, cookie: str) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(cookie)


def form_token(response) -> str:
    return FORM_TOKEN.search(response.get_data(as_text=True)).group(1)


def log_in(app, username: str, client=None) -> str:
    """A real login through the form (with its CSRF token); the cookie the browser then holds."""
    client = client or tab(app, None)
    page = client.get("/login")
    resp = client.post("/login", data={"csrf_token": form_token(page), "username": username, "password": PASSWORD})
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"]
    return cookie_of(app, client)


def two_tabs_at_once(app, cookie: str, path: str, token=META_TOKEN):
    """Both tabs send the same cookie; the browser ends with the cookie of the last answer."""
    first, second = tab(app, cookie), tab(app, cookie)
    pages = [first.get(path), second.get(path)]
    assert [p.status_code for p in pages] == [200, 200]
    tokens = [token.search(p.get_data(as_text=True)).group(1) for p in pages]
    return tokens, cookie_of(app, second)


def save(app, cookie: str, a, token: str, value: str, version: int):
    key = {c.code: str(c.id) for c in judging_sheets.criteria_of(a)}["novelty"]
    return tab(app, cookie).post(
        f"/judge/a/{a.id}/sheet",
        headers={"X-CSRFToken": token, "Accept": "application/json"},
        json={"version": version, "scores": {key: value}, "comment": ""},
    )


def stored_novelty(a) -> str | None:
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == a.id))
    key = {c.code: str(c.id) for c in judging_sheets.criteria_of(a)}["novelty"]
    return None if sheet is None else f"{sheet.scores.get(key):g}"


def test_the_login_response_carries_the_raw_token_so_two_tabs_opened_at_once_both_save(app, world, assignment):
    cookie = log_in(app, world.judge2.username)
    assert "csrf_token" in session_of(app, cookie)  # already in the answer that completed the login

    (first, second), last_cookie = two_tabs_at_once(app, cookie, f"/judge/a/{assignment.id}")
    r1 = save(app, last_cookie, assignment, first, "30", version=0)
    assert r1.status_code == 200, r1.get_json()
    r2 = save(app, last_cookie, assignment, second, "31", version=r1.get_json()["version"])
    assert r2.status_code == 200, r2.get_json()
    assert stored_novelty(assignment) == "31"


def test_login_still_rotates_the_session(app, world, csrf_on):
    client = tab(app, None)
    client.get("/login")
    before = session_of(app, cookie_of(app, client))["csrf_token"]
    after = session_of(app, log_in(app, world.judge2.username, client))
    assert after["csrf_token"] != before  # no fixation: not even the raw token survives
    assert after["_user_id"] == world.judge2.get_id()


def test_a_session_without_raw_token_races_and_the_losing_tab_heals_with_a_fresh_token(app, world, assignment):
    # A session that logged in without the raw token (as the remember-me cookie does after the
    # browser restarts): the race happens, and the JSON answer tells the page how to recover.
    bare = tab(app, None)
    with bare.session_transaction() as sess:
        sess["_user_id"] = world.judge2.get_id()
        sess["_fresh"] = True
    cookie = cookie_of(app, bare)

    (loser, _winner), last_cookie = two_tabs_at_once(app, cookie, f"/judge/a/{assignment.id}")
    refused = save(app, last_cookie, assignment, loser, "30", version=0)
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["code"] == "csrf" and body["ok"] is False and body["refresh"] == "/auth/csrf-token"
    assert "表单已过期" in body["error"]  # shown in the banner if even the retry fails
    assert stored_novelty(assignment) is None

    fresh = tab(app, last_cookie).get(body["refresh"], headers={"Accept": "application/json"})
    assert fresh.status_code == 200 and fresh.is_json
    assert "no-store" in fresh.headers["Cache-Control"]
    retried = save(app, last_cookie, assignment, fresh.get_json()["csrf_token"], "30", version=0)
    assert retried.status_code == 200, retried.get_json()
    assert stored_novelty(assignment) == "30"


def test_a_foreign_token_gets_the_json_code_and_plain_forms_keep_their_error_page(app, world, assignment):
    mine = log_in(app, world.judge2.username)
    elsewhere = log_in(app, world.judge2.username)  # the same judge on another laptop: another raw token
    (foreign, _), _cookie = two_tabs_at_once(app, elsewhere, f"/judge/a/{assignment.id}")

    refused = save(app, mine, assignment, foreign, "30", version=0)
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf"
    no_token = save(app, mine, assignment, "", "30", version=0)
    assert no_token.status_code == 400 and no_token.get_json()["code"] == "csrf"

    # The plain form (no script) still gets the HTML page it always got.
    page = tab(app, mine).post(f"/judge/a/{assignment.id}/submit", data={"csrf_token": foreign, "version": "0"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "表单已过期" in page.get_data(as_text=True)
    assert stored_novelty(assignment) is None


def test_the_fresh_token_endpoint_needs_a_login(app, world, csrf_on):
    resp = tab(app, None).get("/auth/csrf-token", headers={"Accept": "application/json"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def two_login_tabs_both_log_in(app, cookie: str, username: str, password: str = PASSWORD) -> None:
    (first, second), last_cookie = two_tabs_at_once(app, cookie, "/login", token=FORM_TOKEN)
    for token in (first, second):
        resp = tab(app, last_cookie).post(
            "/login", data={"csrf_token": token, "username": username, "password": password}
        )
        assert resp.status_code == 302 and "/login" not in resp.headers["Location"]


def test_after_logout_two_login_tabs_share_the_token(app, world, csrf_on):
    client = tab(app, log_in(app, world.judge2.username))
    home = client.get("/judge/")  # any page with the logout form
    resp = client.post("/logout", data={"csrf_token": form_token(home)})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    cookie = cookie_of(app, client)
    assert "csrf_token" in session_of(app, cookie) and "_user_id" not in session_of(app, cookie)
    two_login_tabs_both_log_in(app, cookie, world.judge2.username)


def test_after_a_password_reset_two_login_tabs_share_the_token(app, world, csrf_on):
    token = users.create_reset_link(world.judge2, actor=world.organizer)
    db.session.commit()
    client = tab(app, None)
    page = client.get(f"/reset/{token}")
    resp = client.post(
        f"/reset/{token}", data={"csrf_token": form_token(page), "new": "Fresh2026pw", "confirm": "Fresh2026pw"}
    )
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    cookie = cookie_of(app, client)
    assert "csrf_token" in session_of(app, cookie)
    two_login_tabs_both_log_in(app, cookie, world.judge2.username, "Fresh2026pw")
