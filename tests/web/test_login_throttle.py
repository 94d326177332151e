"""Failed logins slow down one (account name, client address) pair, with one answer for every
kind of failure; a ceiling over all addresses; sessions that end; no version in Server."""

import re
from datetime import timedelta
from pathlib import Path

from competition.models import LoginThrottle, utcnow
from tests.factories import PASSWORD

HERE = {"REMOTE_ADDR": "203.0.113.7"}
STRANGER = {"REMOTE_ADDR": "198.51.100.9"}
ANSWER = "用户名或密码错误"


class Clock:
    """The services' clock (models.utcnow), set by the test instead of slept through."""

    def __init__(self, monkeypatch):
        self.now = utcnow()
        monkeypatch.setattr("competition.services.accounts.utcnow", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def login(client, username, password, env=HERE):
    return client.post("/login", data={"username": username, "password": password}, environ_base=env)


def answer_of(resp):
    """Status and page of a refused login without what differs anyway (the typed name)."""
    html = resp.get_data(as_text=True).replace('value="teacher1"', "").replace('value="nobody"', "")
    return resp.status_code, re.sub(r'name="csrf_token"[^>]*>', "", html)


def test_unknown_wrong_and_throttled_get_one_answer(client, world, monkeypatch):
    Clock(monkeypatch)
    unknown = login(client, "nobody", "nope1234")
    wrong = login(client, "teacher1", "nope1234")
    for _ in range(4):
        login(client, "teacher1", "nope1234")
    throttled = login(client, "teacher1", PASSWORD)  # the right password, but too soon
    assert ANSWER in throttled.get_data(as_text=True)
    assert answer_of(unknown) == answer_of(wrong) == answer_of(throttled)
    assert throttled.status_code == 200 and "尝试次数过多" not in throttled.get_data(as_text=True)


def test_a_stranger_elsewhere_does_not_lock_the_owner_out(client, app, world, monkeypatch):
    Clock(monkeypatch)
    stranger = app.test_client()
    for _ in range(30):
        login(stranger, "organizer", "guess1234", env=STRANGER)
    assert login(stranger, "organizer", PASSWORD, env=STRANGER).status_code == 200  # still refused there
    resp = login(client, "organizer", PASSWORD)
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"]


def test_the_delay_grows_and_success_clears_the_pair(client, world, db, monkeypatch):
    clock = Clock(monkeypatch)
    for _ in range(5):
        login(client, "teacher1", "wrong-pass1")
    assert login(client, "teacher1", PASSWORD).status_code == 200  # 1 s after the fifth failure
    clock.advance(1.5)
    login(client, "teacher1", "wrong-pass1")  # sixth failure: 2 s
    clock.advance(1.5)
    assert login(client, "teacher1", PASSWORD).status_code == 200
    clock.advance(1)
    login(client, "teacher1", "wrong-pass1")  # seventh: 4 s
    clock.advance(3.5)
    assert login(client, "teacher1", PASSWORD).status_code == 200
    clock.advance(1)
    assert login(client, "teacher1", PASSWORD).status_code == 302
    assert db.session.query(LoginThrottle).count() == 0  # the pair starts afresh
    client.post("/logout")
    for _ in range(4):
        login(client, "teacher1", "wrong-pass1")
    assert login(client, "teacher1", PASSWORD).status_code == 302  # four failures cost nothing


def test_the_global_ceiling_answers_429(world, tmp_root, database_url, db):
    from competition import create_app
    from competition.extensions import limiter
    from tests.conftest import make_test_config

    limited = create_app(
        make_test_config(
            tmp_root, database_url, RATELIMIT_ENABLED=True, LOGIN_GLOBAL_PER_MINUTE=3, VERIFY_GLOBAL_PER_MINUTE=3
        )
    )
    try:
        c = limited.test_client()
        addresses = [f"192.0.2.{i}" for i in range(1, 5)]  # each address far below its own limit
        statuses = [login(c, "nobody", "nope1234", env={"REMOTE_ADDR": a}).status_code for a in addresses]
        assert statuses == [200, 200, 200, 429]
        refused = login(c, "teacher1", PASSWORD, env={"REMOTE_ADDR": "192.0.2.99"})
        assert refused.status_code == 429 and "操作过于频繁" in refused.get_data(as_text=True)
        codes = [c.get("/verify/unknown", environ_base={"REMOTE_ADDR": a}).status_code for a in addresses]
        assert codes == [404, 404, 404, 429]
        lookup = c.post(
            "/verify", data={"number": "2025-XX", "name": "张三"}, environ_base={"REMOTE_ADDR": "192.0.2.50"}
        )
        assert lookup.status_code == 429 and "查验次数过多" in lookup.get_data(as_text=True)
    finally:
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_password_change_ends_the_other_sessions(app, client, world):
    other = app.test_client()
    assert login(other, "teacher1", PASSWORD).status_code == 302
    assert other.get("/account/password").status_code == 200
    login(client, "teacher1", PASSWORD)
    resp = client.post("/account/password", data={"current": PASSWORD, "new": "NewPassw0rd", "confirm": "NewPassw0rd"})
    assert resp.status_code == 302
    assert client.get("/account/password").status_code == 200  # this session goes on
    gone = other.get("/account/password")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]


def test_organizers_reset_ends_the_users_sessions(app, client, login_as, world):
    teacher = app.test_client()
    assert login(teacher, "teacher1", PASSWORD).status_code == 302
    login_as(world.organizer)
    page = client.post(f"/organizer/accounts/{world.teacher1.id}/reset-link").get_data(as_text=True)
    path = re.search(r"(/reset/[A-Za-z0-9_\-.]+)", page).group(1)
    assert app.test_client().post(path, data={"new": "Fresh2026!", "confirm": "Fresh2026!"}).status_code in (200, 302)
    gone = teacher.get("/account/password")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert login(app.test_client(), "teacher1", "Fresh2026!").status_code == 302


def test_remember_cookie_saved_before_logout_no_longer_logs_in(app, client, world):
    resp = client.post("/login", data={"username": "teacher1", "password": PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    remember = client.get_cookie("remember_token")
    assert remember is not None
    fresh = app.test_client()  # a browser with only the saved cookie works before logout
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/account/password").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    resp = thief.get("/account/password")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_app_responses_name_no_server_version(client, world):
    for resp in (client.get("/login"), client.get("/verify"), client.get("/no-such-page")):
        assert "Server" not in resp.headers


def test_gunicorn_sends_its_name_without_a_version():
    import gunicorn
    from gunicorn.http import wsgi

    conf = (Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text()
    assert "server_software" not in conf.lower() and "SERVER_SOFTWARE" not in conf
    source = Path(wsgi.__file__).read_text()
    assert '"Server: %s\\r\\n" % self.version' in source and "self.version = SERVER\n" in source
    assert gunicorn.SERVER == "gunicorn" and gunicorn.__version__ not in gunicorn.SERVER
