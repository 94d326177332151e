"""Uploads left behind by crashes are swept by the app itself (competition/jobs/maintenance.py).

Each test builds a real app on the database under test with its own upload folder and
SWEEP_INTERVAL_SECONDS set (the shared test app has it off), makes real requests, and waits for
the sweep thread with Sweeper.wait(). "Another process" is either another app instance (its own
schedule in memory) or a real subprocess; the lock is a real flock held by a real subprocess.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from competition import create_app
from competition.adapters.storage import LocalStorage, Storage
from competition.jobs import maintenance
from tests.conftest import make_test_config, redis_url_of_pass
from tests.factories.judging import attach

ROOT = Path(__file__).resolve().parent.parent.parent
HOUR = 3600
SWEEP_REDIS = redis_url_of_pass(0)


@pytest.fixture()
def make_app(tmp_path, database_url, db):
    """make_app(**config): a real app with the sweep on (hourly) and tmp_path/uploads as its folder."""
    from competition.extensions import db as _db

    made = []

    def _make(**overrides):
        overrides.setdefault("SWEEP_INTERVAL_SECONDS", HOUR)
        overrides.setdefault("UPLOAD_FOLDER", str(tmp_path / "uploads"))
        instance = create_app(make_test_config(tmp_path, database_url, **overrides))
        made.append(instance)
        return instance

    yield _make
    for instance in made:
        sweeper = maintenance.sweeper_of(instance)
        if sweeper is not None:
            sweeper.wait()
        with instance.app_context():
            _db.session.remove()
            _db.engine.dispose()


def folder_of(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def stored_file(app, age: float = 2 * HOUR, key: str | None = None) -> Path:
    """A file under a real storage key, as an upload leaves it; with `key`, at that key."""
    storage = LocalStorage(folder_of(app))
    if key is None:
        key = storage.save_stream(io.BytesIO(b"%PDF-1.4\n" + os.urandom(64))).key
    else:
        storage.local_path(key).parent.mkdir(parents=True, exist_ok=True)
        storage.local_path(key).write_bytes(b"%PDF-1.4\n")
    return aged(storage.local_path(key), age)


def partial_file(app, age: float = 2 * HOUR) -> Path:
    """What a process killed mid-copy leaves in .partial/."""
    partial_dir = folder_of(app) / ".partial"
    partial_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=partial_dir, suffix=".part")
    os.write(fd, b"%PDF-1.4\n" + b"0" * 4096)
    os.close(fd)
    return aged(Path(name), age)


def request(app) -> None:
    assert app.test_client().get("/login").status_code == 200


def test_a_request_sweeps_old_leftovers_and_keeps_files_in_use_and_young_ones(make_app, world, db, caplog):
    caplog.set_level(logging.INFO, logger="competition")
    app = make_app()
    in_use = attach(world.entry1)  # a row naming a stored file
    db.session.commit()
    kept = stored_file(app, key=in_use.storage_key)
    orphan, young_orphan = stored_file(app), stored_file(app, age=60)
    partial, young_partial = partial_file(app), partial_file(app, age=60)

    request(app)
    sweeper = maintenance.sweeper_of(app)
    assert sweeper.wait() == "swept"
    assert not orphan.exists() and not partial.exists()
    assert kept.exists(), "a file a row refers to was removed"
    assert young_orphan.exists() and young_partial.exists()  # their upload may still be running
    assert (folder_of(app) / ".partial" / ".last-sweep").is_file()
    swept = [r for r in caplog.records if r.getMessage().startswith("swept uploads")]
    assert [(r.levelno, r.getMessage()) for r in swept] == [
        (logging.WARNING, "swept uploads: removed 1 partial uploads and 1 stored files no record refers to")
    ]

    # Within the interval a request only compares two numbers: no thread, not even a folder made.
    first = sweeper.thread
    for path in (folder_of(app) / ".partial").iterdir():
        path.unlink()
    (folder_of(app) / ".partial").rmdir()
    request(app)
    assert sweeper.thread is first
    assert not (folder_of(app) / ".partial").exists()
    assert 0.9 * HOUR < sweeper.due - time.monotonic() <= HOUR


def test_another_process_within_the_interval_does_not_sweep_again(make_app, db):
    first = make_app()
    request(first)
    assert maintenance.sweeper_of(first).wait() == "swept"

    orphan = stored_file(first)
    second = make_app()  # a second worker or host: its own schedule, the same folder
    request(second)
    sweeper = maintenance.sweeper_of(second)
    assert sweeper.wait() == "recent"
    assert orphan.exists()
    # It looks again when the installation's interval ends, not a full interval from now.
    stamp = folder_of(first) / ".partial" / ".last-sweep"
    aged(stamp, HOUR / 2)
    sweeper.due = time.monotonic()
    request(second)
    assert sweeper.wait() == "recent"
    assert 0.4 * HOUR < sweeper.due - time.monotonic() <= 0.5 * HOUR

    # Once the stamp is an interval old, whichever process looks next sweeps.
    aged(stamp, HOUR + 1)
    sweeper.due = time.monotonic()
    request(second)
    assert sweeper.wait() == "swept"
    assert not orphan.exists()


HOLD_LOCK = textwrap.dedent("""
    import fcntl, sys
    with open(sys.argv[1], "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        print("held", flush=True)
        sys.stdin.read()  # until the test closes our stdin
""")


def test_a_sweep_running_elsewhere_makes_this_process_skip(make_app, db):
    app = make_app()
    orphan = stored_file(app)
    lock = folder_of(app) / ".partial" / ".sweep.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        request(app)
        sweeper = maintenance.sweeper_of(app)
        assert sweeper.wait() == "busy"
        assert orphan.exists()
        assert not (lock.parent / ".last-sweep").exists()
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
        holder.stdout.close()
    sweeper.due = time.monotonic()  # an interval later
    request(app)
    assert sweeper.wait() == "swept"
    assert not orphan.exists()


ONE_WORKER = textwrap.dedent("""
    import json, sys
    from competition import create_app
    from competition.jobs import maintenance
    app = create_app()
    print("ready", flush=True)
    sys.stdin.readline()  # all start together
    assert app.test_client().get("/login").status_code == 200
    print(json.dumps(maintenance.sweeper_of(app).wait()), flush=True)
""")


def test_several_processes_at_once_sweep_once(make_app, db, tmp_path, database_url):
    app = make_app()  # only for its folder and helpers here
    orphans = [stored_file(app) for _ in range(3)]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COMPETITION_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "COMPETITION_DATABASE_URL": database_url,
        "COMPETITION_SECRET_KEY": "test-secret-key",
        "COMPETITION_UPLOAD_FOLDER": str(folder_of(app)),
        "COMPETITION_SWEEP_INTERVAL_SECONDS": str(HOUR),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ONE_WORKER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-3000:]
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outcomes = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-3000:]
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert sorted(outcomes).count("swept") == 1, outcomes
    assert set(outcomes) <= {"swept", "recent", "busy"}, outcomes
    assert not any(path.exists() for path in orphans)


@pytest.mark.parametrize("interval", [0, None])
def test_interval_zero_turns_it_off_and_tests_have_it_off_unless_they_ask(make_app, db, interval):
    app = make_app(SWEEP_INTERVAL_SECONDS=interval)  # None: the default, which TESTING turns off
    orphan, partial = stored_file(app), partial_file(app)
    request(app)
    assert maintenance.sweeper_of(app) is None
    assert orphan.exists() and partial.exists()
    assert not (folder_of(app) / ".partial" / ".sweep.lock").exists()


def test_unset_means_hourly_outside_tests(tmp_path, database_url):
    app = create_app(make_test_config(tmp_path, database_url, TESTING=False))
    assert maintenance.sweeper_of(app).interval == HOUR
    with app.app_context():
        from competition.extensions import db as _db

        _db.engine.dispose()


def test_a_failing_sweep_is_logged_and_the_request_still_answers(make_app, fresh_database_url, caplog):
    caplog.set_level(logging.INFO, logger="competition")
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)  # no tables: reading the rows fails
    orphan = stored_file(app)
    request(app)
    assert maintenance.sweeper_of(app).wait() == "failed"
    failure = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure and failure[0].getMessage() == "sweeping interrupted uploads failed"
    assert failure[0].exc_info is not None
    assert orphan.exists(), "a file was removed although the rows could not be read"


class ObjectStore(Storage):
    """A backend that cannot list its keys as local files (an object store, say)."""

    def __init__(self, config):
        self.blobs: dict[str, bytes] = {}

    def save_stream(self, fileobj, *, max_size=None):
        raise OSError("read-only here")

    def open(self, key):
        return io.BytesIO(self.blobs[key])

    def delete(self, key):
        self.blobs.pop(key, None)

    def exists(self, key):
        return key in self.blobs


def test_a_backend_that_cannot_be_listed_is_never_swept(make_app, db):
    app = make_app(STORAGE_BACKEND="tests.jobs.test_maintenance.ObjectStore")
    request(app)
    sweeper = maintenance.sweeper_of(app)
    assert sweeper.wait() == "unsupported"
    assert sweeper.due == float("inf")  # not looked at again
    assert not folder_of(app).exists()  # no lock, no stamp: the folder may mean nothing here
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["sweep-uploads"])
    assert result.exit_code == 1 and "这种存储后端无法在此清理。" in result.output


def test_the_worker_sweeps_in_its_own_maintenance(make_app, db):
    from tests.jobs.test_workers import redis_or_skip

    redis_or_skip(SWEEP_REDIS).flushdb()
    app = make_app(REDIS_URL=SWEEP_REDIS)
    orphan, partial = stored_file(app), partial_file(app)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)
    assert result.exit_code == 0, result.output
    sweeper = maintenance.sweeper_of(app)
    assert sweeper.outcome == "swept" and sweeper.thread is None  # in the worker's own loop
    assert not orphan.exists() and not partial.exists()


def test_the_command_sweeps_now_whatever_the_schedule(make_app, db):
    app = make_app()
    orphan, young = stored_file(app), stored_file(app, age=60)
    with app.app_context():  # else the command runs in the shared test app's context
        result = app.test_cli_runner().invoke(args=["sweep-uploads"])
    assert result.exit_code == 0, result.output
    assert "0 个未完成" in result.output and "1 个没有任何记录" in result.output
    assert not orphan.exists() and young.exists()
