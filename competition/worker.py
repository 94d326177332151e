"""The RQ worker's entry: build the app from the environment, then run one job row.

Kept apart from jobs.py so the job runner does not depend on the app factory."""
from __future__ import annotations

from . import create_app, jobs


def run_job(job_id: int) -> None:
    """What `flask worker` runs for each queued job (enqueued by jobs.start)."""
    jobs.run_with_app(create_app(), job_id)
