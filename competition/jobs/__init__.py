"""Running long jobs off the request: on RQ (Redis) when REDIS_URL is set, else in a thread.

The package: this runner, `table` (every job function by name), `worker` (the RQ entry, which builds
the app) and `maintenance` (the self-running upload sweep and the RQ worker class).

A job function is a plain function `fn(job_id: int, **params)` registered by name in
table.JOBS; the row stores the name. It runs inside an app context, reports progress with
`report(job_id, done, total)`, and returns (relative result path, download name) or None.
Progress and outcome live in the `job` table.
"""

from __future__ import annotations

import threading
import traceback

from flask import current_app
from flask_babel import gettext as _

from ..domain.states import JobState
from ..extensions import db
from ..models import Job, utcnow

_threads: list[threading.Thread] = []


def enqueue(kind: str, name: str, *, params: dict, actor=None, contest_id: int | None = None) -> Job:
    """Create the job row for the job `name` in table.JOBS; the caller commits, then calls
    start() (workers must see the row)."""
    from .table import JOBS

    if name not in JOBS:
        raise ValueError(f"no job named {name!r} in competition.jobs.table.JOBS")
    job = Job(
        kind=kind, params={**params, "_func": name}, created_by_id=getattr(actor, "id", None), contest_id=contest_id
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job: Job) -> None:
    """Hand a committed job to the runner."""
    app = current_app._get_current_object()
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue

        Queue("competition", connection=Redis.from_url(redis_url)).enqueue(
            "competition.jobs.worker.run_job", job.id, job_timeout=6 * 3600
        )
        return
    thread = threading.Thread(target=run_with_app, args=(app, job.id), daemon=True)
    _threads.append(thread)
    thread.start()


def wait_all(timeout: float = 600) -> None:
    """Tests and the CLI wait for in-process jobs."""
    while _threads:
        _threads.pop().join(timeout)


def run_with_app(app, job_id: int) -> None:
    with app.app_context():
        run(job_id)


def run(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.state not in (JobState.QUEUED,):
        return
    job.state = JobState.RUNNING
    db.session.commit()
    from .table import lookup

    name = job.params.get("_func", "")
    params = {k: v for k, v in job.params.items() if not k.startswith("_")}
    try:
        func = lookup(name)
        if func is None:
            raise LookupError(_("Unknown job “%(name)s”: this version cannot run it.", name=name))
        outcome = func(job_id, **params)
    except Exception as exc:  # a job's failure is recorded for the user, not raised into the worker
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.state = JobState.FAILED
        job.error = str(exc) or type(exc).__name__
        job.finished_at = utcnow()
        db.session.commit()
        current_app.logger.error("job %s failed:\n%s", job_id, traceback.format_exc())
        return
    job = db.session.get(Job, job_id)
    if outcome:
        job.result_path, job.result_name = outcome
    job.state = JobState.DONE
    job.progress = job.total or job.progress
    job.finished_at = utcnow()
    db.session.commit()


def result_file(job: Job):
    """The finished job's file, only if it lies inside EXPORT_FOLDER (never a path from elsewhere)."""
    from pathlib import Path

    if job.state != JobState.DONE or not job.result_path:
        return None
    root = Path(current_app.config["EXPORT_FOLDER"]).resolve()
    path = (root / job.result_path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def report(job_id: int, done: int, total: int) -> None:
    """Record progress in its own short transaction so other requests can read it."""
    from sqlalchemy import update

    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(progress=done, total=total))
