"""Several workers: rate limits counted in Redis hold across processes, and long jobs run on an RQ
worker. Redis runs on 127.0.0.1:6379; when it is unreachable these tests skip, except in CI
(CI=true), where Redis is required."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from competition import create_app
from competition.extensions import limiter
from tests.conftest import make_test_config, redis_url_of_pass

ROOT = Path(__file__).resolve().parent.parent.parent
RATE_REDIS = redis_url_of_pass(2)
RQ_REDIS = redis_url_of_pass(1)
LOGIN_LIMIT = 20  # per minute and address, on POST /login (competition/web/auth/views.py)


def redis_or_skip(url: str):
    from redis import Redis
    from redis.exceptions import RedisError

    conn = Redis.from_url(url, socket_connect_timeout=2)
    try:
        conn.ping()
    except RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI but unreachable at {url}: {exc}")
        pytest.skip(f"Redis unreachable at {url}: {exc}")
    return conn


SECOND_INSTANCE = """
import json, sys
from competition import create_app
app = create_app()
client = app.test_client()
codes = [client.post("/login", data={"username": "nobody-here", "password": "wrong-pass-1"}).status_code
         for _ in range(int(sys.argv[1]))]
print(json.dumps(codes))
"""


def second_instance(tmp_path: Path, database_url: str, storage_uri: str, posts: int) -> list[int]:
    """Another app instance in its own process, as a second gunicorn worker (or host) would be."""
    env = {
        **os.environ,
        "COMPETITION_INSTANCE_PATH": str(tmp_path / "second-instance"),
        "COMPETITION_DATABASE_URL": database_url,
        "COMPETITION_SECRET_KEY": "test-secret-key",
        "COMPETITION_WTF_CSRF_ENABLED": "false",
        "COMPETITION_RATELIMIT_ENABLED": "true",
        "COMPETITION_RATELIMIT_STORAGE_URI": storage_uri,
        "COMPETITION_UPLOAD_FOLDER": str(tmp_path / "second-uploads"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", SECOND_INSTANCE, str(posts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture()
def limited_app(app, tmp_path, database_url):
    """Builds app instances with rate limiting on; afterwards the shared limiter is off again.

    flask-limiter's Limiter is one object per process, so in-process instances share their counters
    whatever the storage is: the second instance therefore runs in a subprocess."""
    made = []

    def _make(storage_uri: str):
        instance = create_app(
            make_test_config(
                tmp_path / "first", database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage_uri
            )
        )
        made.append(instance)
        return instance

    yield _make
    limiter.init_app(app)  # the test app's config has RATELIMIT_ENABLED False
    assert limiter.enabled is False


def wait_for_a_fresh_window() -> None:
    """The login limit counts in fixed one-minute windows; start well inside one."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


def post_logins(instance, n: int) -> list[int]:
    client = instance.test_client()
    return [
        client.post("/login", data={"username": "nobody-here", "password": "wrong-pass-1"}).status_code
        for _ in range(n)
    ]


def test_login_limit_holds_across_instances_sharing_redis(db, limited_app, tmp_path, database_url):
    redis_or_skip(RATE_REDIS).flushdb()
    first = limited_app(RATE_REDIS)
    wait_for_a_fresh_window()
    assert post_logins(first, LOGIN_LIMIT) == [200] * LOGIN_LIMIT
    # The other worker has never seen this address, yet it refuses: the count lives in Redis.
    assert second_instance(tmp_path, database_url, RATE_REDIS, 2) == [429, 429]
    assert redis_or_skip(RATE_REDIS).keys("*LIMITER*auth.login*")


def test_memory_storage_counts_per_process(db, limited_app, tmp_path, database_url):
    """The control: with the in-memory default each process counts alone (why production needs Redis)."""
    first = limited_app("memory://")
    wait_for_a_fresh_window()
    assert post_logins(first, LOGIN_LIMIT + 1)[-1] == 429
    assert second_instance(tmp_path, database_url, "memory://", 1) == [200]


def test_job_runs_on_an_rq_worker(app, db, tmp_path, monkeypatch, database_url):
    from rq import Queue, SimpleWorker

    from competition import jobs
    from competition.models import Job
    from tests import factories

    conn = redis_or_skip(RQ_REDIS)
    conn.flushdb()
    world = factories.build_world()
    exports = tmp_path / "worker-exports"
    monkeypatch.setitem(app.config, "REDIS_URL", RQ_REDIS)
    # The worker builds its app from the environment, as `flask --app competition worker` does.
    monkeypatch.setenv("COMPETITION_DATABASE_URL", database_url)
    monkeypatch.setenv("COMPETITION_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("COMPETITION_UPLOAD_FOLDER", app.config["UPLOAD_FOLDER"])
    monkeypatch.setenv("COMPETITION_EXPORT_FOLDER", str(exports))

    job = jobs.enqueue("backup", "backup", params={}, actor=world.organizer)
    db.session.commit()
    jobs.start(job)
    assert not jobs._threads  # not run in-process
    queue = Queue("competition", connection=conn)
    assert queue.count == 1
    assert db.session.get(Job, job.id).state == "queued"

    assert SimpleWorker([queue], connection=conn).work(burst=True)
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.state == "done", done.error
    assert done.finished_at is not None and done.progress == done.total == 2
    archive = exports / done.result_path
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    counts = {t["name"]: t["count"] for t in manifest["tables"]}
    assert counts["user_account"] == 8 and counts["job"] == 1
    assert queue.count == 0
