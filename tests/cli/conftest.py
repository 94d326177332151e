"""Commands run through Flask's CLI runner against the test app and its database."""

from __future__ import annotations

import pytest


@pytest.fixture
def runner(app):
    """Invoke `flask <command>` in-process: ``runner.invoke(args=["rank", "CODE"])``."""
    return app.test_cli_runner()
