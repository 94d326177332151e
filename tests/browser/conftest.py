"""The browser tests' shared pieces: the app served by werkzeug in a thread on a free port, and
Debian's chromium through Playwright (scripts/install installs it: a machine without it fails
here, never skips)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def served(app):
    """The app's address while it is served."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture()
def live_server(app, world):
    """The test app with the standard world, served (a module may define its own world)."""
    with served(app) as address:
        yield address


@contextmanager
def chromium(**context_options):
    """A browser context of its own (so a test can open a second tab in it)."""
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(**context_options)
        finally:
            browser.close()


def new_tab(context):
    """Another tab of the same browser: it shares the session cookie; confirmations are accepted."""
    page = context.new_page()
    page.set_default_timeout(8000)
    page.on("dialog", lambda dialog: dialog.accept())
    return page
