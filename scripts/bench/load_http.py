"""Helpers of the load benchmarks: gunicorn on a free loopback port, a small keep-alive HTTP
client with a cookie jar, and a thread-safe recorder of latencies and errors.

Traffic goes only to 127.0.0.1. The client is plain ``http.client`` (one connection per browser
tab, kept alive), so its own cost stays small next to the server's on a shared machine.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
SLOW_MS = 100.0  # requests at least this slow are listed with their time, to see what they share


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn (the repo's gunicorn.conf.py, settings from GUNICORN_* variables) serving
    ``app_spec`` on a free loopback port, its logs in ``logdir``."""

    def __init__(
        self,
        name: str,
        app_spec: str,
        env: dict[str, str],
        logdir: Path,
        pythonpath: Path | None = None,
        ready_path: str = "/login",
    ):
        self.name, self.app_spec, self.logdir = name, app_spec, logdir
        self.extra_env, self.pythonpath, self.ready_path = env, pythonpath, ready_path
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Server:
        self.port = free_port()
        env = dict(os.environ)
        env.update(self.extra_env)
        env.update(
            {
                "GUNICORN_BIND": f"{HOST}:{self.port}",
                "GUNICORN_ACCESSLOG": str(self.logdir / f"{self.name}-access.log"),
                "GUNICORN_ERRORLOG": str(self.logdir / f"{self.name}-error.log"),
            }
        )
        cmd = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
        if self.pythonpath:
            cmd += ["--pythonpath", str(self.pythonpath)]
        cmd.append(self.app_spec)
        # gunicorn keeps its own copy of the descriptor: ours closes once it has started
        with open(self.logdir / f"{self.name}-stdout.log", "ab") as out:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.logdir}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status == 200 and len(self.worker_pids()) >= self.expected_workers():
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {self.name} did not answer within {timeout} s; see {self.logdir}")

    def expected_workers(self) -> int:
        """How many workers gunicorn.conf.py starts here (the file is the one source)."""
        ns: dict = {}
        saved = {k: os.environ.get(k) for k in self.extra_env}
        os.environ.update(self.extra_env)
        try:
            exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), ns)  # nosec B102
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return int(ns["workers"])

    def settings(self) -> str:
        ns: dict = {}
        exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), ns)  # nosec B102
        return f"{self.expected_workers()} workers x {ns['threads']} threads ({ns['worker_class']})"

    def worker_pids(self) -> list[int]:
        """The master's children (the workers)."""
        if self.proc is None:
            return []
        try:
            return sorted(child.pid for child in psutil.Process(self.proc.pid).children())
        except psutil.Error:
            return []

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers), SIGKILL to its group if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def status_kb(pid: int, key: str) -> int:
    """A ``kB`` figure of /proc/<pid>/status (VmRSS, VmHWM), 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 when it is gone)."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    times = psutil.cpu_times()
    total = sum(times)
    return total - times.idle - getattr(times, "iowait", 0.0), total


# --------------------------------------------------------------------------- recording


@dataclass
class Recorder:
    """Latencies (ms) per kind of request, errors and counters; safe across threads."""

    started: float = field(default_factory=time.monotonic)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    slow: list[tuple[float, str, float]] = field(default_factory=list)  # (seconds since start, kind, ms)

    def add(self, kind: str, ms: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)
            if ms >= SLOW_MS:
                self.slow.append((time.monotonic() - self.started - ms / 1000, kind, ms))

    def error(self, kind: str, text: str) -> None:
        with self.lock:
            self.errors.append((kind, text[:300]))

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counters[name] = self.counters.get(name, 0) + n

    def total(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.latencies.values())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


# --------------------------------------------------------------------------- the client


class Stop(Exception):
    """The run is over (deadline or request budget): the simulated person stops."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict:
        import json

        return json.loads(self.body)

    @property
    def location(self) -> str:
        loc = self.headers.get("Location") or ""
        return re.sub(r"^https?://[^/]+", "", loc)


class Run:
    """What every simulated person shares: the port, the deadline, the budget, the recorder."""

    def __init__(
        self,
        port: int,
        seconds: float,
        recorder: Recorder,
        max_requests: int = 200_000,
        stopped: threading.Event | None = None,
    ):
        self.port = port
        self.deadline = time.monotonic() + seconds
        self.recorder = recorder
        self.max_requests = max_requests
        self.stopped = stopped or threading.Event()

    def on(self, port: int) -> Run:
        """The same run (deadline, budget, recorder) against another server."""
        other = Run(port, 0, self.recorder, self.max_requests, self.stopped)
        other.deadline = self.deadline
        return other

    def over(self) -> bool:
        return self.stopped.is_set() or time.monotonic() >= self.deadline or self.recorder.total() >= self.max_requests

    def sleep(self, seconds: float) -> None:
        """Think time; raises Stop when the run ends meanwhile."""
        end = min(time.monotonic() + seconds, self.deadline)
        while time.monotonic() < end:
            if self.stopped.wait(min(0.25, max(0.0, end - time.monotonic()))):
                break
        if self.over():
            raise Stop


class Browser:
    """A cookie jar and a client address (sent as X-Forwarded-For, as nginx would) shared by
    the tabs of one person."""

    def __init__(self, run: Run, address: str):
        self.run, self.address = run, address
        self.cookies: dict[str, str] = {}

    def tab(self) -> Tab:
        return Tab(self)


class Tab:
    """One keep-alive connection. A request on a reused connection that the server had already
    closed (keep-alive timeout, a recycled worker) is sent again on a new one, as browsers do."""

    def __init__(self, browser: Browser):
        self.browser = browser
        self.conn: http.client.HTTPConnection | None = None

    @property
    def run(self) -> Run:
        return self.browser.run

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _send(self, method: str, path: str, body, headers: dict) -> Response:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.run.port, timeout=60)
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.will_close:
            self.close()
        return Response(resp.status, resp.headers, data)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        expect: tuple[int, ...] = (200,),
        headers: dict | None = None,
    ) -> Response | None:
        """Send one request and record its latency under ``kind``; an unexpected status or a
        failure is recorded as an error and answers None."""
        if self.run.over():
            raise Stop
        jar = self.browser.cookies
        hdrs = {"X-Forwarded-For": self.browser.address, "Accept-Language": "zh-CN"}
        if jar:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if content_type:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        reused = self.conn is not None
        t0 = time.perf_counter()
        try:
            try:
                resp = self._send(method, path, body, hdrs)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused:
                    raise
                self.run.recorder.count("reconnects")
                t0 = time.perf_counter()
                resp = self._send(method, path, body, hdrs)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            self.run.recorder.error(kind, f"{method} {path}: {exc!r}")
            return None
        ms = (time.perf_counter() - t0) * 1000
        self.run.recorder.add(kind, ms)
        for raw in resp.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in raw.lower() or "expires=thu, 01 jan 1970" in raw.lower():
                jar.pop(name.strip(), None)
            else:
                jar[name.strip()] = value
        if resp.status not in expect:
            self.run.recorder.error(kind, f"{method} {path}: HTTP {resp.status} {resp.text[:200]!r}")
            return None
        return resp

    def get(self, kind: str, path: str, **kw) -> Response | None:
        return self.request(kind, "GET", path, **kw)

    def post_form(self, kind: str, path: str, fields: dict, **kw) -> Response | None:
        return self.request(
            kind, "POST", path, body=urlencode(fields).encode(), content_type="application/x-www-form-urlencoded", **kw
        )

    def post_json(self, kind: str, path: str, payload: dict, csrf: str, **kw) -> Response | None:
        import json

        return self.request(
            kind,
            "POST",
            path,
            body=json.dumps(payload).encode(),
            content_type="application/json",
            headers={"Accept": "application/json", "X-CSRFToken": csrf},
            **kw,
        )

    def post_file(
        self, kind: str, path: str, fields: dict, file_field: str, filename: str, data: bytes, file_type: str, **kw
    ) -> Response | None:
        boundary = "----bench" + uuid.uuid4().hex
        parts = []
        for k, v in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                f'filename="{filename}"\r\nContent-Type: {file_type}\r\n\r\n'
            ).encode()
        )
        parts.append(data)
        parts.append(f"\r\n--{boundary}--\r\n".encode())
        return self.request(
            kind, "POST", path, body=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}", **kw
        )


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def login(tab: Tab, username: str, password: str) -> bool:
    """The login form, then the post (302 on success)."""
    page = tab.get("login form", "/login")
    if page is None:
        return False
    token = CSRF_INPUT.search(page.text)
    resp = tab.post_form(
        "login",
        "/login",
        {"csrf_token": token.group(1) if token else "", "username": username, "password": password},
        expect=(302,),
    )
    if resp is None:
        return False
    if resp.location.startswith("/login"):
        tab.run.recorder.error("login", f"{username}: sent back to the login page")
        return False
    return True


def client_address(n: int) -> str:
    """A distinct private address per simulated person (10.x.y.z)."""
    return f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250 + 2}"


def random_secret() -> str:
    return secrets.token_hex(32)
