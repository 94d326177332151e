"""Every background job by name: the Job row stores the name, the runner looks it up here."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from ..services import backup, certificates, exports


def _exports_bundle(job_id: int, contest_id: int) -> tuple[str, str]:
    """The materials bundle under the EXPORT_FOLDER of the app the job runs in (the service takes
    the folder as an argument)."""
    return exports.bundle_job(job_id, contest_id, export_folder=current_app.config["EXPORT_FOLDER"])


# Rows queued before the table stored the job's dotted path, which was under the service.
_exports_bundle.__module__, _exports_bundle.__qualname__ = exports.__name__, "bundle_job"

JOBS: dict[str, Callable] = {
    "backup": backup.backup_job,
    "certificates.batch": certificates.batch_job,
    "exports.bundle": _exports_bundle,
}


def lookup(name: str) -> Callable | None:
    """The function for a name; rows queued before the table stored dotted paths, so a dotted
    path of a function in the table is accepted too (nothing else is imported)."""
    if name in JOBS:
        return JOBS[name]
    for func in JOBS.values():
        if name == f"{func.__module__}.{func.__qualname__}":
            return func
    return None
