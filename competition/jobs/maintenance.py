"""Housekeeping that runs by itself: what interrupted uploads left behind is swept without cron.

Each web process looks, after a request, whether SWEEP_INTERVAL_SECONDS have passed since it last
looked: one comparison with the monotonic clock in memory is all a request pays. When they have,
a daemon thread
  1. takes a non-blocking exclusive flock on UPLOAD_FOLDER/.partial/.sweep.lock, so of all the
     processes of all the hosts sharing the upload folder one sweeps and the others skip;
  2. reads the mtime of UPLOAD_FOLDER/.partial/.last-sweep: if a sweep ran less than an interval
     ago (whichever process ran it) it skips, and looks again when that interval ends;
  3. touches the stamp, runs services.uploads_sweep.sweep() in an app context and logs the result
     (at WARNING when something was removed, since then a process died mid-upload; else INFO).
Failures are logged, never raised into a request. The RQ worker (`flask worker`) runs the same
check in RQ's own maintenance step, in its main process (no thread: the worker forks for jobs).

The lock and the stamp live in `.partial/`, the folder backups skip, so they are neither backed up
nor taken for uploaded files; they are never removed (the sweep only removes `*.part` there).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import math
import os
import threading
import time
from pathlib import Path

from flask import Flask

LOCK_NAME = ".sweep.lock"
STAMP_NAME = ".last-sweep"
DEFAULT_INTERVAL = 3600
_EXT = "competition.maintenance"


def interval_of(app: Flask) -> int:
    """SWEEP_INTERVAL_SECONDS; unset means an hour, but off under TESTING (a test turns it on)."""
    value = app.config.get("SWEEP_INTERVAL_SECONDS")
    if value is None:
        return 0 if app.testing else DEFAULT_INTERVAL
    return max(int(value), 0)


class Sweeper:
    """The per-process schedule of one app: when to look next, and the last sweep thread."""

    def __init__(self, app: Flask, interval: int):
        self.app = app
        self.interval = interval
        self.due = time.monotonic()  # a new process looks at its first request; the stamp decides
        self.thread: threading.Thread | None = None
        self.outcome: str | None = None  # swept, recent, busy, unsupported, failed
        self._claiming = threading.Lock()

    def _claim(self) -> bool:
        """True for exactly one caller once the process's interval has passed."""
        if not self._claiming.acquire(blocking=False):
            return False
        try:
            now = time.monotonic()
            if now < self.due:
                return False
            self.due = now + self.interval
            return True
        finally:
            self._claiming.release()

    def on_request_end(self, exc=None) -> None:
        if time.monotonic() < self.due:  # the hot path: nothing else happens on most requests
            return
        try:
            if self._claim():
                self.outcome = None
                self.thread = threading.Thread(target=self.run, name="competition-sweep", daemon=True)
                self.thread.start()
        except Exception:  # noqa: BLE001 - housekeeping never breaks a request
            self.app.logger.exception("could not start the upload sweep")

    def run_if_due(self) -> str | None:
        """Look now, in this thread (the RQ worker); None when this process looked recently."""
        return self.run() if self._claim() else None

    def run(self) -> str:
        try:
            with self.app.app_context():
                self.outcome = self._sweep_once()
        except Exception:  # noqa: BLE001 - logged for the operator, retried next interval
            self.outcome = "failed"
            self.app.logger.exception("sweeping interrupted uploads failed")
        return self.outcome

    def _sweep_once(self) -> str:
        from ..adapters.storage import get_storage
        from ..services import uploads_sweep

        storage = get_storage(self.app)
        if not uploads_sweep.sweepable(storage):
            self.due = math.inf
            self.app.logger.info(
                "storage backend %s cannot be swept here: automatic upload sweeping is off", type(storage).__name__
            )
            return "unsupported"
        # LocalStorage's partial folder: the one place every host shares that backups skip. With an
        # object store it is each host's own, so each host sweeps on its own: harmless, deletes are idempotent.
        folder = Path(getattr(storage, "partial_dir", None) or Path(self.app.config["UPLOAD_FOLDER"]) / ".partial")
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o660)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                return "busy"  # another process is sweeping right now
            stamp = folder / STAMP_NAME
            try:
                age = time.time() - stamp.stat().st_mtime
            except FileNotFoundError:
                age = math.inf
            if abs(age) < self.interval:  # abs: a host's clock may lag the file server's
                # Another process swept: look again when the installation's interval ends.
                self.due = time.monotonic() + min(max(self.interval - age, 1.0), self.interval)
                return "recent"
            stamp.touch()  # claimed before sweeping: a sweep that dies is not retried at once everywhere
            result = uploads_sweep.sweep(uploads_sweep.MIN_AGE_SECONDS)
            # Leftovers mean a process died mid-upload: worth a line in a log kept at WARNING.
            level = logging.WARNING if result.partials or result.orphans else logging.INFO
            self.app.logger.log(
                level,
                "swept uploads: removed %d partial uploads and %d stored files no record refers to",
                result.partials,
                result.orphans,
            )
            return "swept"
        finally:
            os.close(fd)  # releases the lock

    def wait(self, timeout: float = 60) -> str | None:
        """Tests: wait for the last sweep thread and return its outcome."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError("the upload sweep is still running")
        return self.outcome


def init_app(app: Flask) -> None:
    interval = interval_of(app)
    if not interval:
        return
    sweeper = Sweeper(app, interval)
    app.extensions[_EXT] = sweeper
    app.teardown_request(sweeper.on_request_end)


def sweeper_of(app: Flask) -> Sweeper | None:
    return app.extensions.get(_EXT)


def sweep_if_due(app: Flask) -> str | None:
    sweeper = sweeper_of(app)
    return sweeper.run_if_due() if sweeper is not None else None


def rq_worker_class(base: type, app: Flask) -> type:
    """`base` (an RQ worker class) that also sweeps uploads when due. RQ runs its maintenance at
    start and about every 10 minutes (idle or between jobs), in the worker's main process."""

    class SweepingWorker(base):
        def run_maintenance_tasks(self):
            super().run_maintenance_tasks()
            sweep_if_due(app)

    return SweepingWorker
