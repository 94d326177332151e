"""Configuration layers: defaults here, then instance/config.py, then COMPETITION_* variables."""

from __future__ import annotations

import json
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

ENV_PREFIX = "COMPETITION_"


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from the instance path when empty
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    UPLOAD_FOLDER: str | None = None  # instance/uploads when empty
    EXPORT_FOLDER: str | None = None  # instance/exports when empty
    # The request body limit; per-material limits come from each contest.
    MAX_CONTENT_LENGTH = 600 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    # The zone people read and type times in (stored times are UTC); Babel's default follows it.
    DISPLAY_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None  # judges keep one page open all day
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    # How long "remember me" keeps a browser logged in (days); Flask-Login's own default is 365.
    REMEMBER_DAYS = 14
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins per (account name, client address): after LOGIN_THROTTLE_FREE_FAILURES the
    # pair waits BASE seconds, doubling with each further failure up to MAX; a pair quiet for
    # FORGET seconds starts again.
    LOGIN_THROTTLE_FREE_FAILURES = 5
    LOGIN_THROTTLE_BASE_SECONDS = 1
    LOGIN_THROTTLE_MAX_SECONDS = 15 * 60
    LOGIN_THROTTLE_FORGET_SECONDS = 24 * 3600
    # Ceilings over all addresses together (a botnet has many), per minute.
    LOGIN_GLOBAL_PER_MINUTE = 300
    VERIFY_GLOBAL_PER_MINUTE = 600
    REDIS_URL: str | None = None  # background jobs use RQ when set, else run in-process
    # Remove what interrupted uploads left behind at most this often (seconds), from whichever web
    # process or worker gets there first (competition/jobs/maintenance.py); 0 turns it off. Unset: an
    # hour, but off under TESTING so tests' upload folders change only when a test asks.
    SWEEP_INTERVAL_SECONDS: int | None = None
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Email (Flask-Mailman over SMTP): on when MAIL_SERVER is set; the message centre works without it.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "竞赛平台 <noreply@localhost>"
    MAIL_TIMEOUT = 30
    # Uploads: "local" (UPLOAD_FOLDER), "s3" (the S3_* settings below) or a dotted class path.
    STORAGE_BACKEND = "local"
    S3_BUCKET: str | None = None
    S3_PREFIX = ""  # objects are named <prefix>/<key>
    S3_ENDPOINT_URL: str | None = None  # MinIO, Ceph ...; unset for AWS
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None  # unset: boto3's own chain (environment, instance role)
    S3_SECRET_ACCESS_KEY: str | None = None
    PASSWORD_MIN_LENGTH = 8
    # Production (COMPETITION_ENV=production or COMPETITION_PRODUCTION=true): Secure cookies.
    PRODUCTION = False
    # How many proxies (nginx) sit in front: trust that many X-Forwarded-For/-Proto/-Host hops.
    PROXY_FIX = 0
    # Level of the competition.* loggers (backups, imports, rankings, publications log at INFO).
    # Unset: INFO in production, else Python's default (WARNING; DEBUG under flask --debug).
    LOG_LEVEL: str | None = None
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: count per process rather than fail


def _coerce(value: str):
    """Environment values are strings; accept JSON literals for numbers and booleans."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def load_secret_key(instance_path: str) -> str:
    """Read the secret key from the instance folder, generating it on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure(app, test_config: dict | None = None) -> None:
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    for key, value in os.environ.items():
        if key.startswith(ENV_PREFIX):
            app.config[key[len(ENV_PREFIX) :]] = _coerce(value)
    if test_config:
        app.config.update(test_config)
    # Short aliases for the environment: COMPETITION_DATABASE_URL, COMPETITION_SECRET_KEY.
    if app.config.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'competition.db'}"
    app.config.setdefault("UPLOAD_FOLDER", None)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    if not app.config.get("EXPORT_FOLDER"):
        app.config["EXPORT_FOLDER"] = str(instance / "exports")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        app.config["SQLALCHEMY_DATABASE_URI"] = uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    if uri.startswith("sqlite"):
        opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    else:
        opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    _display_timezone(app)
    if not app.config.get("REMEMBER_COOKIE_DURATION"):
        app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=float(app.config["REMEMBER_DAYS"]))
    if str(app.config.get("ENV") or "").lower() == "production":
        app.config["PRODUCTION"] = True
    _logging(app)
    _production(app)


def _display_timezone(app) -> None:
    """One setting: BABEL_DEFAULT_TIMEZONE (format_datetime) is derived from DISPLAY_TIMEZONE
    (timeutil, templates), which must name a zone of the tz database."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = app.config.get("DISPLAY_TIMEZONE") or Defaults.DISPLAY_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"DISPLAY_TIMEZONE={name!r} is not a time zone name such as 'Asia/Shanghai'") from None
    app.config["DISPLAY_TIMEZONE"] = app.config["BABEL_DEFAULT_TIMEZONE"] = name


def _logging(app) -> None:
    """The level of the "competition" logger, parent of every competition.* module's logger. The
    level is set before Flask makes app.logger, which adds its one stderr handler only when no
    handler up the tree takes the records already (gunicorn's default logging configures no root
    handler; a logconfig_dict that gives root one gets each line once, through it)."""
    logger = logging.getLogger(app.name)
    level = app.config.get("LOG_LEVEL")
    if level:
        logger.setLevel(str(level).upper())
    elif app.config.get("PRODUCTION") and logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    app.logger  # noqa: B018  (creates Flask's logger now, with the level above)


def _production(app) -> None:
    if not app.config.get("PRODUCTION"):
        return
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = True
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.logger.warning("production with SQLite: use PostgreSQL for several workers or hosts")
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        app.logger.warning("production with in-memory rate limits: set RATELIMIT_STORAGE_URI=redis://...")
