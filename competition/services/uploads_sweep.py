"""Sweeping what interrupted uploads left behind: partial files, and stored files no row refers to.

A crash mid-copy leaves a file in the storage's partial folder; a crash after the file reached its
final name but before the transaction committed leaves a stored file that no database row names.
Both are removed here once they are older than `older_than_seconds`: a younger file may belong to
an upload or a transaction still running. Called by `flask sweep-uploads` and by
`competition.maintenance` (automatically); it deletes files and only reads rows (no commit).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeGuard

import sqlalchemy as sa
from flask_babel import gettext as _

from ..adapters.storage import Storage, get_storage
from ..extensions import db
from . import ServiceError

MIN_AGE_SECONDS = 3600  # a younger file may still be uploading or waiting for its commit


@dataclass(frozen=True)
class SweepResult:
    partials: int  # unfinished uploads removed
    orphans: int  # stored files removed that no row referred to


class SweepableStorage(Protocol):
    """What a backend offers to be swept (LocalStorage and S3Storage do)."""

    def listing(self) -> Iterable[tuple[str, float]]: ...

    def sweep_partials(self, older_than_seconds: int = MIN_AGE_SECONDS) -> int: ...

    def delete(self, key: str) -> None: ...


def sweepable(storage: Storage) -> TypeGuard[SweepableStorage]:
    """Only a backend that lists its files with their times, and sweeps its own partials, can be swept."""
    return all(hasattr(storage, name) for name in ("listing", "sweep_partials"))


def referenced_keys() -> set[str]:
    """Every stored file a row names: every column called storage_key, read in ONE statement so
    a key moving between tables during the sweep is still seen."""
    columns = [table.c.storage_key for table in db.metadata.sorted_tables if "storage_key" in table.c]
    if not columns:
        return set()
    query = sa.union_all(*(sa.select(col.label("storage_key")) for col in columns))
    return set(db.session.execute(query).scalars())


def sweep(older_than_seconds: int = MIN_AGE_SECONDS) -> SweepResult:
    storage = get_storage()
    if not sweepable(storage):
        raise ServiceError(_("This storage backend cannot be swept from here."))
    partials = storage.sweep_partials(older_than_seconds)
    known = referenced_keys()  # read before listing: a file stored later is younger than the cutoff
    cutoff = time.time() - older_than_seconds
    orphans = 0
    for key, stored_at in storage.listing():
        if key not in known and stored_at < cutoff:
            storage.delete(key)
            orphans += 1
    return SweepResult(partials=partials, orphans=orphans)
