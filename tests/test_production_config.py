"""Production settings: Secure cookies, and forwarded headers trusted only when PROXY_FIX says so."""
from __future__ import annotations

from flask import request

from competition import create_app
from tests.conftest import make_test_config


def make(tmp_path, **overrides):
    app = create_app(make_test_config(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", **overrides))
    app.add_url_rule("/_whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme} {request.host}")
    return app


FORWARDED = {"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "kjjs.example.cn"}


def test_production_makes_cookies_secure(tmp_path):
    assert make(tmp_path).config["SESSION_COOKIE_SECURE"] is False
    for flag in ({"ENV": "production"}, {"PRODUCTION": True}):
        app = make(tmp_path, WTF_CSRF_ENABLED=True, **flag)  # the login form puts its token in the session
        assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
        cookie = app.test_client().get("/login").headers.get("Set-Cookie", "")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forwarded_headers_only_behind_a_configured_proxy(tmp_path):
    plain = make(tmp_path).test_client().get("/_whoami", headers=FORWARDED).get_data(as_text=True)
    assert plain == "127.0.0.1 http localhost"  # nobody can forge their address without PROXY_FIX
    proxied = make(tmp_path, PROXY_FIX=1).test_client().get("/_whoami", headers=FORWARDED).get_data(as_text=True)
    assert proxied == "10.1.2.3 https kjjs.example.cn"
