"""Session lifetime settings and production headers."""

from datetime import timedelta

from competition import create_app
from tests.conftest import make_test_config


def test_remember_cookie_lasts_14_days_by_default(app):
    assert app.config["REMEMBER_DAYS"] == 14
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)


def test_remember_cookie_duration_is_configurable(tmp_root, database_url):
    config = make_test_config(tmp_root, database_url)
    config["REMEMBER_DAYS"] = 3
    other = create_app(config)
    assert other.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=3)


def test_https_gets_hsts_and_permissions_policy(client):
    response = client.get("/", base_url="https://example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_plain_http_gets_no_hsts(client):
    response = client.get("/")
    assert "Strict-Transport-Security" not in response.headers
    assert "Permissions-Policy" in response.headers


def test_logout_kills_a_copied_session_cookie(client, login_as, db):
    from tests.factories import make_user

    user = make_user("teacher")
    login_as(user)
    with client.session_transaction() as sess:
        copied = dict(sess)
    assert client.get("/account/password").status_code == 200
    client.post("/logout")
    with client.session_transaction() as sess:
        sess.update(copied)
    response = client.get("/account/password")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
