"""The RQ worker's entry: build the app from the environment, then run one job row.

Kept apart from the runner (jobs/__init__.py) so it does not depend on the app factory. RQ finds
it by name, `competition.jobs.worker.run_job` (it was `competition.worker`
before the package: jobs queued under that name need the old version to run them)."""

from __future__ import annotations

from .. import create_app, jobs


def run_job(job_id: int) -> None:
    """What `flask worker` runs for each queued job (enqueued by jobs.start)."""
    jobs.run_with_app(create_app(), job_id)


def run_deliveries() -> None:
    """The RQ entry of a delivery pass (queued by jobs.notify.kick after a commit)."""
    from . import notify

    notify.run_with_app(create_app())
