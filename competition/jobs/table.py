"""Every background job by name: the Job row stores the name, the runner looks it up here."""

from __future__ import annotations

from collections.abc import Callable

from ..services import backup, certificates, exports

JOBS: dict[str, Callable] = {
    "backup": backup.backup_job,
    "certificates.batch": certificates.batch_job,
    "exports.bundle": exports.bundle_job,
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
