"""DISPLAY_TIMEZONE is the one setting for the zone people read: pages, command-line exports,
Babel's format_datetime and form input all follow it (stored times stay UTC)."""

from __future__ import annotations

import contextvars
from datetime import datetime

import pytest
from flask_babel import format_datetime
from openpyxl import load_workbook
from sqlalchemy import update

from competition import create_app
from competition.i18n import timeutil
from competition.models import ScoreSheet
from tests.conftest import make_test_config
from tests.factories.exports import build_ranked

UTC_TIME = datetime(2026, 5, 1, 4, 0)  # 12:00 in Beijing, 10:00 in Urumqi (UTC+6)


@pytest.fixture
def urumqi_app(tmp_root, database_url):
    """A second app on the test database whose config names another zone."""
    from competition.extensions import db as _db

    app = create_app(make_test_config(tmp_root, database_url, DISPLAY_TIMEZONE="Asia/Urumqi"))
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_the_setting_feeds_babel_and_timeutil(app, urumqi_app):
    assert urumqi_app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Urumqi"
    with urumqi_app.test_request_context():
        assert format_datetime(UTC_TIME, "yyyy-MM-dd HH:mm") == "2026-05-01 10:00"
        assert timeutil.utc_to_local(UTC_TIME).strftime("%H:%M") == "10:00"
        assert timeutil.local_to_utc(datetime(2026, 5, 1, 10, 0)) == UTC_TIME
    with app.test_request_context():  # the default: Beijing time
        assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"
        assert format_datetime(UTC_TIME, "yyyy-MM-dd HH:mm") == "2026-05-01 12:00"
        assert timeutil.utc_to_local(UTC_TIME).strftime("%H:%M") == "12:00"
    # Outside an app, or given explicitly from the edge.
    assert timeutil.utc_to_local(UTC_TIME).strftime("%H:%M") == "12:00"
    assert timeutil.utc_to_local(UTC_TIME, timeutil.ZoneInfo("UTC")).strftime("%H:%M") == "04:00"


def test_a_page_shows_the_configured_zone(world, db, urumqi_app):
    world.contest.submission_closes_at = UTC_TIME
    db.session.commit()
    client = urumqi_app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = world.organizer.get_id(), True
    page = client.get("/organizer/").get_data(as_text=True)
    assert "2026-05-01 10:00" in page and "2026-05-01 12:00" not in page


def test_a_command_line_export_shows_the_configured_zone(world, db, urumqi_app, tmp_path):
    ranked = build_ranked(world)
    db.session.execute(update(ScoreSheet).where(ScoreSheet.submitted_at.is_not(None)).values(submitted_at=UTC_TIME))
    db.session.commit()
    out = tmp_path / "scores.xlsx"
    # A fresh context, as a real `flask export-scores` has: else the command finds the test's app.
    result = contextvars.Context().run(
        urumqi_app.test_cli_runner().invoke, args=["export-scores", ranked.contest.code, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    times = {row[11] for row in ws.iter_rows(min_row=3, values_only=True) if row[11]}
    assert times == {"2026-05-01 10:00"}


def test_an_unknown_zone_is_refused_at_start(tmp_root, database_url):
    with pytest.raises(RuntimeError, match="DISPLAY_TIMEZONE='Beijing'"):
        create_app(make_test_config(tmp_root, database_url, DISPLAY_TIMEZONE="Beijing"))
