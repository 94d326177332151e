"""Fixtures: one app and one database per test session, emptied after every test.

The database is SQLite by default. With COMPETITION_TEST_DB=postgresql the session creates its
own PostgreSQL database on 127.0.0.1:5432 (dropped at the end); if PostgreSQL cannot be reached
the tests that need a database are skipped, unless COMPETITION_REQUIRE_POSTGRES=1 (set in CI),
which makes that a failure. In the PostgreSQL pass only tests that use the database run.
"""

from __future__ import annotations

import contextvars
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient

from tests.fixtures.database import count_queries  # noqa: F401  (a fixture)

DB_KIND = os.environ.get("COMPETITION_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("COMPETITION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_FIXTURES = {"app", "db", "client", "database_url", "fresh_database_url"}


def redis_url_of_pass(n: int) -> str:
    """Redis database ``n`` (0-2) of this pass: the SQLite and PostgreSQL passes run at the same
    time (scripts/test) and must not flush each other's keys. COMPETITION_TEST_REDIS_BASE moves
    a pass to other databases, for runs beside another checkout's."""
    base = os.environ.get("COMPETITION_TEST_REDIS_BASE")
    return f"redis://127.0.0.1:6379/{(int(base) if base else 13 if DB_KIND == 'sqlite' else 10) + n}"


def pytest_collection_modifyitems(config, items):
    if DB_KIND != "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (keep if DB_FIXTURES.intersection(getattr(item, "fixturenames", ())) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header(config):
    return f"database: {DB_KIND}"


@pytest.fixture(scope="session")
def tmp_root():
    path = Path(tempfile.mkdtemp(prefix="competition-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_root):
    if DB_KIND == "sqlite":
        yield f"sqlite:///{tmp_root / 'test.db'}"
        return
    import psycopg

    name = f"competition_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = PG_ADMIN_URL
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("COMPETITION_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def fresh_database_url(tmp_path):
    """An empty database of the kind under test, for migrations, backups and restores."""
    if DB_KIND == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    import psycopg

    name = f"competition_fresh_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("COMPETITION_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_test_config(tmp_root: Path, database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_root / "uploads"),
        "EXPORT_FOLDER": str(tmp_root / "exports"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production (own `g`, own db session).

    The test's pending changes are committed first, and its objects expired afterwards, so a
    test sees what the request really stored.
    """

    def open(self, *args, **kwargs):
        from competition.extensions import db as _db

        outer = has_app_context()
        if outer:
            _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if outer:
            _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_root, database_url):
    os.environ["COMPETITION_INSTANCE_PATH"] = str(tmp_root / "instance")
    from competition import create_app
    from competition.extensions import db as _db

    app = create_app(make_test_config(tmp_root, database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


_EMPTY_SQL: dict[str, str] = {}


def _empty_all_tables(db) -> None:
    """Delete every row, children first, and start the ids at 1 again (as SQLite does). On
    PostgreSQL one batch of DELETEs and setval()s: TRUNCATE of every table costs about 100 ms
    a test, against 2 ms for this, since nearly all tables are empty or small."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            for table in tables:
                conn.execute(table.delete())
            return
        sql = _EMPTY_SQL.get(str(db.engine.url))
        if sql is None:
            sequences = [
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT pg_get_serial_sequence(c.table_name, c.column_name) FROM information_schema.columns c "
                    "WHERE c.table_schema = current_schema() AND c.column_default LIKE 'nextval%%'"
                )
            ]
            sql = _EMPTY_SQL[str(db.engine.url)] = "; ".join(
                [f'DELETE FROM "{t.name}"' for t in tables] + [f"SELECT setval('{q}', 1, false)" for q in sequences]
            )
        conn.exec_driver_sql(sql)


@pytest.fixture()
def db(app):
    """The database inside an app context; emptied (and uploads removed) after the test."""
    from competition.extensions import db as _db

    ctx = app.app_context()
    ctx.push()
    try:
        yield _db
    finally:
        _db.session.rollback()
        _db.session.remove()
        _empty_all_tables(_db)
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
        ctx.pop()


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def login_as(client):
    """login_as(user) makes the test client that user, as a real session cookie would."""

    def _login(user):
        from competition.extensions import db as _db

        _db.session.commit()
        with client.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return client

    return _login


@pytest.fixture()
def world(db):
    """A small city with the innovation contest open: see tests/factories/__init__.py."""
    from tests import factories

    return factories.build_world()
