"""scripts/demo as a newcomer runs it: on another port, the certificates lead to that port."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_on_another_port_prints_certificates_for_that_port(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPETITION_")}
    env.update(PORT=str(port), COMPETITION_INSTANCE_PATH=str(tmp_path / "instance"))
    log = (tmp_path / "demo.log").open("w+")
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "demo")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (tmp_path / "demo.log").read_text()[-3000:]
            try:
                login_page = opener.open(f"{base}/login", timeout=5).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "scripts/demo did not serve in time"
                time.sleep(1)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "username": "organizer", "password": "demo1234"})
        opener.open(f"{base}/login", data=form.encode(), timeout=10).read()
        engine = create_engine(f"sqlite:///{tmp_path / 'instance' / 'competition.db'}")
        with engine.connect() as conn:
            contest_id = conn.execute(text("SELECT id FROM contest WHERE code = 'HB2025-CX'")).scalar_one()
        engine.dispose()
        page = opener.open(f"{base}/organizer/contests/{contest_id}/certificates", timeout=30).read().decode()
        # a loopback address: the page warns, naming the address the QR codes lead to
        assert f"http://127.0.0.1:{port}" in page
        assert "http://127.0.0.1:5000" not in page
        log.seek(0)
        assert f"Serving on http://127.0.0.1:{port}" in log.read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
