"""Logging in and out, throttling, password changes."""

from competition.models import AuditEvent, LoginThrottle
from tests.factories import PASSWORD


def test_login_page_is_chinese(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "登录" in page.get_data(as_text=True)


def test_login_and_logout(client, world):
    resp = client.post("/login", data={"username": "teacher1", "password": PASSWORD})
    assert resp.status_code == 302
    home = client.get("/", follow_redirects=False)
    assert home.status_code in (200, 302)
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client, world):
    wrong = client.post("/login", data={"username": "teacher1", "password": "nope1234"}).get_data(as_text=True)
    unknown = client.post("/login", data={"username": "nobody", "password": "nope1234"}).get_data(as_text=True)
    assert "用户名或密码错误" in wrong
    assert "用户名或密码错误" in unknown


def test_repeated_failures_slow_the_pair_down_with_the_same_answer(client, world, db):
    for _ in range(5):
        client.post("/login", data={"username": "teacher1", "password": "wrong-pass1"})
    resp = client.post("/login", data={"username": "teacher1", "password": PASSWORD})
    assert resp.status_code == 200 and "用户名或密码错误" in resp.get_data(as_text=True)
    assert db.session.query(LoginThrottle).one().failures == 5


def test_change_password_logs_out_other_sessions(app, client, world, db):
    other = app.test_client()
    other.post("/login", data={"username": "teacher1", "password": PASSWORD})
    client.post("/login", data={"username": "teacher1", "password": PASSWORD})
    resp = client.post("/account/password", data={"current": PASSWORD, "new": "NewPassw0rd", "confirm": "NewPassw0rd"})
    assert resp.status_code == 302
    assert client.get("/").status_code != 302 or "/login" not in client.get("/").headers.get("Location", "")
    assert "/login" in other.get("/").headers["Location"]
    assert db.session.query(AuditEvent).filter_by(action="user.password").count() == 1


def test_weak_password_is_refused_with_reason(client, world):
    client.post("/login", data={"username": "teacher1", "password": PASSWORD})
    resp = client.post("/account/password", data={"current": PASSWORD, "new": "12345678", "confirm": "12345678"})
    assert "字母" in resp.get_data(as_text=True)


def test_open_redirect_is_ignored(client, world):
    resp = client.post("/login?next=https://evil.example/", data={"username": "teacher1", "password": PASSWORD})
    assert resp.headers["Location"].startswith("/")


def test_security_headers(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
