"""Every background job by name: the Job row stores the name, the runner looks it up here."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from ..services import backup, certificates, exports

# The jobs' entries are the edge: each reads the configuration of the app it runs in (jobs.run
# gives it an app context) and hands it to the service as arguments.


def _backup(job_id: int) -> tuple[str, str]:
    """A backup into the app's EXPORT_FOLDER, of its UPLOAD_FOLDER."""
    config = current_app.config
    return backup.backup_job(job_id, export_folder=config["EXPORT_FOLDER"], upload_root=config["UPLOAD_FOLDER"])


def _certificates_batch(
    job_id: int, contest_id: int, fmt: str, section_id: int | None = None, school_id: int | None = None
) -> tuple[str, str]:
    """A batch of certificates with the app's public address (in each QR code), into its EXPORT_FOLDER."""
    config = current_app.config
    return certificates.write_batch(
        job_id,
        contest_id,
        fmt,
        section_id,
        school_id,
        base_url=config["PUBLIC_BASE_URL"],
        export_folder=config["EXPORT_FOLDER"],
    )


def _exports_bundle(job_id: int, contest_id: int) -> tuple[str, str]:
    """The materials bundle under the EXPORT_FOLDER of the app the job runs in (the service takes
    the folder as an argument)."""
    return exports.bundle_job(job_id, contest_id, export_folder=current_app.config["EXPORT_FOLDER"])


# Rows queued before the table stored the job's dotted path, which was under the service.
_backup.__module__, _backup.__qualname__ = backup.__name__, "backup_job"
_certificates_batch.__module__, _certificates_batch.__qualname__ = certificates.__name__, "batch_job"
_exports_bundle.__module__, _exports_bundle.__qualname__ = exports.__name__, "bundle_job"

JOBS: dict[str, Callable] = {
    "backup": _backup,
    "certificates.batch": _certificates_batch,
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
