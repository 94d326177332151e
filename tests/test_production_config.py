"""Production settings: Secure cookies, and forwarded headers trusted only when PROXY_FIX says so."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import request

from competition import create_app
from tests.conftest import make_test_config


@pytest.fixture(autouse=True)
def _keep_log_level():
    """Production apps set the process-wide "competition" logger to INFO: put it back, so later
    tests' command output holds no log lines."""
    logger = logging.getLogger("competition")
    level = logger.level
    yield
    logger.setLevel(level)


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


REPO = Path(__file__).resolve().parent.parent

# A gunicorn worker's logging, set up by gunicorn itself from the repository's gunicorn.conf.py
# (plus LOGCONFIG, a logconfig_dict, when given), then the app as gunicorn loads it, then one line
# from a service's logger and one below INFO.
GUNICORN_WORKER = """
import json, logging, runpy, sys
from gunicorn.config import Config
from gunicorn.glogging import Logger

conf = runpy.run_path("gunicorn.conf.py")
cfg = Config()
for key in ("errorlog", "accesslog", "loglevel"):
    cfg.set(key, conf[key])
if sys.argv[1:]:
    cfg.set("logconfig_dict", json.loads(sys.argv[1]))
Logger(cfg)

from competition import create_app

create_app()
log = logging.getLogger("competition.services.results")
log.info("ranking run: contest=PROBE-INFO")
log.debug("ranking details: contest=PROBE-DEBUG")
"""


def gunicorn_worker_output(tmp_path, *args: str) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COMPETITION_ENV": "production",
        "COMPETITION_INSTANCE_PATH": str(tmp_path / "instance"),
        "COMPETITION_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "COMPETITION_SWEEP_INTERVAL_SECONDS": "0",
    }
    env.pop("COMPETITION_LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-c", GUNICORN_WORKER, *args],
        cwd=REPO,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(
    "logconfig", [None, {"root": {"level": "INFO", "handlers": ["console"]}}], ids=["gunicorn-defaults", "root-handler"]
)
def test_production_logs_info_of_competition_loggers_once_under_gunicorn(tmp_path, logconfig):
    out = gunicorn_worker_output(tmp_path, *([json.dumps(logconfig)] if logconfig else []))
    assert out.count("ranking run: contest=PROBE-INFO") == 1, out
    assert out.count("production with SQLite") == 1, out  # app.logger's own warnings, once too
    assert "PROBE-DEBUG" not in out


def test_log_level_setting_changes_the_level(tmp_path):
    make(tmp_path, LOG_LEVEL="warning")
    assert logging.getLogger("competition.services.backup").getEffectiveLevel() == logging.WARNING
    make(tmp_path, PRODUCTION=True)  # production keeps a level set explicitly
    assert logging.getLogger("competition").level == logging.WARNING
