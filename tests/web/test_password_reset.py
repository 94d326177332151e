"""One-time password reset links made by an organizer."""

import re
from datetime import timedelta

from sqlalchemy import select

from competition.models import AuditEvent, User
from competition.models.accounts import PasswordReset
from tests.factories import PASSWORD


def make_link(client, login_as, world, user):
    login_as(world.organizer)
    resp = client.post(f"/organizer/accounts/{user.id}/reset-link")
    assert resp.status_code == 200
    link = re.search(r'value="(http[^"]+/reset/[^"]+)"', resp.get_data(as_text=True)).group(1)
    client.post("/logout")
    return link.split("localhost", 1)[-1]


def test_link_is_stored_only_as_a_hash(client, login_as, world, db):
    path = make_link(client, login_as, world, world.teacher1)
    token = path.rsplit("/", 1)[-1]
    reset = db.session.scalar(select(PasswordReset))
    assert token not in reset.token_hash and len(reset.token_hash) == 64
    assert timedelta(hours=23) < reset.expires_at - reset.created_at <= timedelta(hours=24, minutes=1)


def test_reset_sets_the_password_once_and_ends_every_session(app, client, login_as, world, db):
    other = app.test_client()
    other.post("/login", data={"username": "teacher1", "password": PASSWORD})
    path = make_link(client, login_as, world, world.teacher1)
    page = client.get(path)
    assert page.status_code == 200 and "张老师" in page.get_data(as_text=True)  # public, no login
    weak = client.post(path, data={"new": "12345678", "confirm": "12345678"})
    assert "字母" in weak.get_data(as_text=True)
    resp = client.post(path, data={"new": "Fresh2026pw", "confirm": "Fresh2026pw"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert "/login" in other.get("/").headers["Location"]  # the old session is gone
    login = client.post("/login", data={"username": "teacher1", "password": "Fresh2026pw"})
    assert login.status_code == 302 and "/account/password" not in login.headers["Location"]
    client.post("/logout")
    # Single use.
    assert client.get(path).status_code == 404
    again = client.post(path, data={"new": "Other2026pw", "confirm": "Other2026pw"})
    assert again.status_code == 404
    assert "Other2026pw" not in again.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.reset_link")) is not None


def test_a_new_link_invalidates_the_older_one(client, login_as, world):
    first = make_link(client, login_as, world, world.teacher2)
    second = make_link(client, login_as, world, world.teacher2)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_expired_and_unknown_links_are_refused(client, login_as, world, db):
    path = make_link(client, login_as, world, world.teacher3)
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 404 and "过期" in page.get_data(as_text=True)
    assert client.get("/reset/not-a-token").status_code == 404
    resp = client.post("/reset/not-a-token", data={"new": "Fresh2026pw", "confirm": "Fresh2026pw"})
    assert resp.status_code == 404


def test_deactivating_the_account_kills_its_link(client, login_as, world, db):
    path = make_link(client, login_as, world, world.judge1)
    login_as(world.organizer)
    client.post(f"/organizer/accounts/{world.judge1.id}/active", data={"active": "0"})
    client.post("/logout")
    assert client.get(path).status_code == 404
    assert not db.session.get(User, world.judge1.id).active


def test_only_organizers_make_links(client, login_as, world, db):
    login_as(world.teacher1)
    assert client.post(f"/organizer/accounts/{world.teacher2.id}/reset-link").status_code == 403
    assert db.session.scalar(select(PasswordReset)) is None
