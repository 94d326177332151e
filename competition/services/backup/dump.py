"""Writing a backup: a consistent snapshot of every table, then every stored file, then the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...adapters.storage import LocalStorage, Storage, get_storage
from ...extensions import db
from ...models import User, utcnow
from .. import ServiceError, audit
from .format import BATCH, FORMAT, MANIFEST, encode, model_tables, upload_files

log = logging.getLogger(__package__)  # competition.services.backup, as before the package

Progress = Callable[[str], object]


def _app_version() -> str:
    try:
        return importlib_metadata.version("competition")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


class _HashingReader:
    """Wraps a binary file: what tarfile reads through it is hashed on the way."""

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def alembic_revision(conn: sa.Connection) -> str | None:
    """The schema revision Alembic stamped on the database, if any."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    version = sa.table("alembic_version", sa.column("version_num"))
    return conn.execute(sa.select(version.c.version_num)).scalar()


def _export_tables(conn: sa.Connection, workdir: Path) -> tuple[list[dict[str, Any]], str | None]:
    """Write every model table of the snapshot `conn` to workdir/<table>.jsonl."""
    existing = set(sa.inspect(conn).get_table_names())
    missing = [t.name for t in model_tables() if t.name not in existing]
    if missing:
        raise ServiceError(
            _(
                "The database lacks the tables %(names)s: run `flask --app competition init-db` first.",
                names=", ".join(missing),
            )
        )
    tables = []
    for table in model_tables():
        path = workdir / f"{table.name}.jsonl"
        digest, count = hashlib.sha256(), 0
        columns = [c.name for c in table.columns]
        order = list(table.primary_key.columns) or list(table.columns)
        with path.open("wb") as fh:
            result = conn.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))
            for row in result:
                record = {name: encode(value) for name, value in zip(columns, row, strict=True)}
                line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
                fh.write(line)
                digest.update(line)
                count += 1
        tables.append(
            {
                "name": table.name,
                "columns": columns,
                "count": count,
                "sha256": digest.hexdigest(),
                "member": f"db/{table.name}.jsonl",
            }
        )
    return tables, alembic_revision(conn)


def _snapshot(workdir: Path) -> tuple[list[dict[str, Any]], str | None]:
    """Export a consistent snapshot of the live database into workdir."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        copy = workdir / "snapshot.sqlite"
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(copy)
            try:
                source = raw.driver_connection
                assert isinstance(source, sqlite3.Connection)  # the sqlite dialect's own driver
                source.backup(target)  # the online backup API: one consistent copy
            finally:
                target.close()
        finally:
            raw.close()
        snap = sa.create_engine(f"sqlite:///{copy}")
        try:
            with snap.connect() as conn:
                return _export_tables(conn, workdir)
        finally:
            snap.dispose()
            copy.unlink(missing_ok=True)
    options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    with engine.connect().execution_options(**options) as conn, conn.begin():
        return _export_tables(conn, workdir)


def _open_binary(path: Path) -> IO[bytes]:
    return path.open("rb")


def _stored_files(storage: Storage, upload_root: Path) -> Iterator[tuple[Callable[[], IO[bytes]], str]]:
    """(opener, posix path under uploads/) of every stored file: the folder's files for LocalStorage,
    else each key of the backend, laid out as LocalStorage would keep it (ab/ab12...)."""
    if isinstance(storage, LocalStorage):
        for path, rel in upload_files(upload_root):
            yield partial(_open_binary, path), rel
        return
    for key in storage.keys():  # type: ignore[attr-defined]  # noqa: SIM118 (a backend that lists its keys, not a dict)
        yield partial(storage.open, key), f"{key[:2]}/{key}"


def _tarinfo(tar: tarfile.TarFile, fh: IO[bytes], name: str) -> tarfile.TarInfo:
    try:
        fh.fileno()
    except (OSError, AttributeError):  # a stream from an object store: size by seeking
        info = tarfile.TarInfo(name)
        info.size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        info.mtime = int(utcnow().timestamp())
        return info
    return tar.gettarinfo(fileobj=fh, arcname=name)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _add_files(tar: tarfile.TarFile, storage: Storage, upload_root: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every stored file into uploads/ of the archive, hashed on the way: (files, vanished paths)."""
    files, vanished = [], []
    for opener, rel in _stored_files(storage, upload_root):
        try:
            fh = opener()
        except FileNotFoundError:  # deleted since the walk saw it
            vanished.append(rel)
            continue
        with fh:
            info = _tarinfo(tar, fh, f"uploads/{rel}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o644
            reader = _HashingReader(fh)
            tar.addfile(info, reader)
        files.append({"path": rel, "size": info.size, "sha256": reader.digest.hexdigest()})
    return files, vanished


def create_backup(
    out: Path, *, upload_root: Path, progress: Progress | None = None, actor: User | None = None
) -> dict[str, Any]:
    """Write the archive to `out` (atomically: a partial file is never left under that name).
    ``upload_root``: the UPLOAD_FOLDER of local storage. ``actor``: who asked for it, for the log
    (None: the command line)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    created_at = utcnow()
    upload_root = Path(upload_root)
    storage = get_storage()
    if not isinstance(storage, LocalStorage) and not hasattr(storage, "keys"):
        raise ServiceError(
            _("This storage backend cannot list its files, so they cannot be backed up from here; nothing was written.")
        )
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent) as tmp:
        workdir = Path(tmp)
        tables, revision = _snapshot(workdir)
        say(
            _(
                "Database snapshot: %(tables)d tables, %(rows)d rows.",
                tables=len(tables),
                rows=sum(t["count"] for t in tables),
            )
        )
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                for table in tables:
                    tar.add(workdir / f"{table['name']}.jsonl", arcname=table["member"], recursive=False)
                files, vanished = _add_files(tar, storage, upload_root)
                say(_("Uploaded files: %(count)d.", count=len(files)))
                manifest = {
                    "format": FORMAT,
                    "app": "competition",
                    "app_version": _app_version(),
                    "created_at": created_at.isoformat() + "Z",
                    "dialect": db.engine.dialect.name,
                    "alembic_revision": revision,
                    "tables": tables,
                    "files": files,
                    "vanished_files": vanished,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    log.info(
        "backup written: by=%s file=%s tables=%d rows=%d files=%d vanished=%d",
        audit.who(actor),
        out.name,
        len(tables),
        sum(t["count"] for t in tables),
        len(files),
        len(vanished),
    )
    return manifest
