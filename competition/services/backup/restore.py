"""Restoring a backup: unpack and check it, bring the schema to its revision, insert every row in
ONE transaction of its own connection, check the counts, swap the upload folder in, then commit;
any failure rolls that transaction back and puts the old upload folder back."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from flask_babel import gettext as _

from ...adapters.storage import LocalStorage, get_storage
from ...extensions import db
from ...models import User, utcnow
from .. import ServiceError, audit
from .dump import Progress
from .format import BATCH, decoder, upload_files
from .schema import nonempty_tables, prepare_schema, target_tables, upgrade
from .unpack import unpack

log = logging.getLogger(__package__)  # competition.services.backup, as before the package


def _has_files(root: Path) -> bool:
    return any(True for _ in upload_files(root))


def _insert_rows(conn: sa.Connection, table: sa.Table, path: Path) -> None:
    decoders = {c.name: decoder(c.type) for c in table.columns}
    batch = []
    with path.open("rb") as fh:
        for line in fh:
            row = json.loads(line)
            for name, value in row.items():
                decode = decoders.get(name)
                if decode is not None and value is not None:
                    row[name] = decode(value)
            batch.append(row)
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)


def _reset_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """PostgreSQL: the next id of every serial column is max(id) + 1."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        for col in table.primary_key.columns:
            if not isinstance(col.type, sa.Integer):
                continue
            seq = conn.execute(sa.select(sa.func.pg_get_serial_sequence(table.name, col.name))).scalar()
            if seq:
                top = sa.select(sa.func.coalesce(sa.func.max(col), 0) + 1).scalar_subquery()
                conn.execute(sa.select(sa.func.setval(seq, top, sa.false())))


def _swap_in(staged: Path, root: Path) -> Path | None:
    """Move the staged uploads to the upload folder; the old folder is kept aside and returned."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staged.mkdir(parents=True, exist_ok=True)
    old = None
    if root.exists():
        old = root.with_name(f"{root.name}.before-restore-{utcnow():%Y%m%d%H%M%S%f}")
        root.rename(old)
    staged.rename(root)
    return old


def _swap_back(root: Path, old: Path | None) -> None:
    shutil.rmtree(root, ignore_errors=True)
    if old is not None:
        old.rename(root)


def _check_counts(conn: sa.Connection, tables: list[sa.Table], manifest: dict[str, Any]) -> None:
    for table, entry in zip(tables, manifest["tables"], strict=False):
        count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        if count != entry["count"]:
            raise ServiceError(
                _(
                    "Table %(name)s has %(got)d rows after the restore, the manifest says "
                    "%(want)d; nothing was restored.",
                    name=entry["name"],
                    got=count,
                    want=entry["count"],
                )
            )


def _load(manifest: dict[str, Any], staging: Path, upload_root: Path, *, force: bool) -> None:
    """The rows and the files, all or nothing: one transaction on a connection of its own, the
    upload folder swapped in just before it commits."""
    db.session.remove()
    conn = db.engine.connect()
    trans = conn.begin()
    old = None
    swapped = False
    try:
        tables = target_tables(conn, manifest)
        if force:
            for table in reversed(tables):
                conn.execute(table.delete())
        for table, entry in zip(tables, manifest["tables"], strict=False):
            _insert_rows(conn, table, staging / "db" / f"{entry['name']}.jsonl")
        _reset_sequences(conn, tables)
        _check_counts(conn, tables, manifest)
        old = _swap_in(staging / "uploads", upload_root)
        swapped = True
        trans.commit()
    except BaseException as exc:
        trans.rollback()
        if swapped:
            _swap_back(upload_root, old)
        if isinstance(exc, sa.exc.DBAPIError):
            raise ServiceError(
                _(
                    "The database refused the backup's rows (%(error)s); nothing was restored.",
                    error=str(exc.orig).strip().splitlines()[0],
                )
            ) from None
        raise
    finally:
        conn.close()
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def restore_backup(
    archive: Path,
    *,
    upload_root: Path,
    alembic_config: Config,
    force: bool = False,
    progress: Progress | None = None,
    actor: User | None = None,
) -> dict[str, Any]:
    """Bring the archive back into this instance's database and upload folder. ``upload_root``:
    the UPLOAD_FOLDER of local storage; ``alembic_config``: the migrations' Alembic configuration
    (the edge has it from Flask-Migrate). ``actor``: who asked for it, for the log (None: the
    command line)."""
    by = audit.who(actor)  # now: the restore replaces the session and its rows
    say = progress or (lambda message: None)
    upload_root = Path(upload_root).resolve()
    if not isinstance(get_storage(), LocalStorage):
        raise ServiceError(
            _(
                "A backup can be restored only into the local upload folder (STORAGE_BACKEND=local): "
                "restore there, then copy the folder's files into the object store. Nothing was restored."
            )
        )
    with db.engine.connect() as conn:
        busy = nonempty_tables(conn)
    if not force and (busy or _has_files(upload_root)):
        raise ServiceError(
            _(
                "This instance already holds data (%(what)s); restore only into a fresh instance, "
                "or add --force to replace everything.",
                what=", ".join(busy[:5]) or _("uploaded files"),
            )
        )
    upload_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{upload_root.name}.restore-", dir=upload_root.parent))
    try:
        manifest = unpack(Path(archive), staging)
        say(
            _(
                "Archive checked: %(tables)d tables, %(files)d files.",
                tables=len(manifest["tables"]),
                files=len(manifest["files"]),
            )
        )
        prepare_schema(alembic_config, manifest.get("alembic_revision"))
        _load(manifest, staging, upload_root, force=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if manifest.get("alembic_revision"):
        upgrade(alembic_config, "head")  # a backup from an older schema is brought up to this version's
    rows = sum(t["count"] for t in manifest["tables"])
    say(_("Restored %(rows)d rows and %(files)d files.", rows=rows, files=len(manifest["files"])))
    log.info(
        "backup restored: by=%s file=%s made=%s tables=%d rows=%d files=%d replaced=%s",
        by,
        Path(archive).name,
        manifest.get("created_at"),
        len(manifest["tables"]),
        rows,
        len(manifest["files"]),
        "yes" if force else "no",
    )
    return manifest
