"""Backups (备份) and restores: one .tar.gz with every table's rows and every uploaded file.

Archive layout (members in this order)::

    db/<table>.jsonl   one JSON object per row; tables in dependency order, rows by primary key
    uploads/<path>     every file under UPLOAD_FOLDER (in-progress uploads excluded), streamed; with
                       another backend (S3) every stored key, as ab/ab12... like the folder
    manifest.json      format, app version, created_at, source dialect, alembic revision,
                       tables (name, columns, count, sha256 of the .jsonl), files (path, size, sha256)

The rows are plain JSON, not a database dump, so a backup does not depend on pg_dump's version
and restores into either database: a SQLite backup can be restored into PostgreSQL and back.

The snapshot is consistent while the app keeps running: on SQLite the online backup API copies
the database into a temporary file first, on PostgreSQL every table is read inside one
REPEATABLE READ, READ ONLY transaction.

A restore unpacks into a staging folder and checks every sha256 first, then inserts all rows in
ONE transaction, checks the counts against the manifest, moves the files into place and only
then commits; any failure rolls the database back and puts the old upload folder back.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from datetime import date, datetime, time
from decimal import Decimal
from importlib import metadata as importlib_metadata
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..adapters.storage import LocalStorage, get_storage
from ..extensions import db
from ..models import Job, User, utcnow
from . import ServiceError, audit

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
BATCH = 1000
CHUNK = 1024 * 1024
SKIP_UPLOAD_DIRS = {".partial"}  # LocalStorage writes uploads there before renaming them
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_]{1,63}$")


# ---------------------------------------------------------------------------------------------
# Values <-> JSON, by column type


def _encode(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(col_type: sa.types.TypeEngine):
    """A function turning a JSON value back into what the column takes."""
    if isinstance(col_type, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(col_type, sa.Date):
        return date.fromisoformat
    if isinstance(col_type, sa.Time):
        return time.fromisoformat
    if isinstance(col_type, sa.LargeBinary):
        return base64.b64decode
    if isinstance(col_type, sa.Float):
        return float
    if isinstance(col_type, sa.Numeric):
        return Decimal
    return None


def _app_version() -> str:
    try:
        return importlib_metadata.version("competition")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


class _HashingReader:
    """Wraps a binary file: what tarfile reads through it is hashed on the way."""

    def __init__(self, fh):
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


# ---------------------------------------------------------------------------------------------
# Backup


def _model_tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _alembic_revision(conn) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    version = sa.table("alembic_version", sa.column("version_num"))
    return conn.execute(sa.select(version.c.version_num)).scalar()


def _export_tables(conn, workdir: Path) -> tuple[list[dict], str | None]:
    """Write every model table of the snapshot `conn` to workdir/<table>.jsonl."""
    existing = set(sa.inspect(conn).get_table_names())
    missing = [t.name for t in _model_tables() if t.name not in existing]
    if missing:
        raise ServiceError(
            _(
                "The database lacks the tables %(names)s: run `flask --app competition init-db` first.",
                names=", ".join(missing),
            )
        )
    tables = []
    for table in _model_tables():
        path = workdir / f"{table.name}.jsonl"
        digest, count = hashlib.sha256(), 0
        columns = [c.name for c in table.columns]
        order = list(table.primary_key.columns) or list(table.columns)
        with path.open("wb") as fh:
            result = conn.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))
            for row in result:
                record = {name: _encode(value) for name, value in zip(columns, row, strict=True)}
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
    return tables, _alembic_revision(conn)


def _snapshot(workdir: Path) -> tuple[list[dict], str | None]:
    """Export a consistent snapshot of the live database into workdir."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        copy = workdir / "snapshot.sqlite"
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(copy)
            try:
                raw.driver_connection.backup(target)  # the online backup API: one consistent copy
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
    options = {"isolation_level": "REPEATABLE READ"}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    with engine.connect().execution_options(**options) as conn, conn.begin():
        return _export_tables(conn, workdir)


def _upload_files(root: Path):
    """Every regular file under the upload folder, as (path, posix path relative to root)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in SKIP_UPLOAD_DIRS]
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _stored_files(storage, upload_root: Path):
    """(opener, posix path under uploads/) of every stored file: the folder's files for LocalStorage,
    else each key of the backend, laid out as LocalStorage would keep it (ab/ab12...)."""
    if isinstance(storage, LocalStorage):
        for path, rel in _upload_files(upload_root):
            yield (lambda path=path: path.open("rb")), rel
        return
    for key in storage.keys():  # noqa: SIM118 (a storage backend, not a dict)
        yield (lambda key=key: storage.open(key)), f"{key[:2]}/{key}"


def _tarinfo(tar: tarfile.TarFile, fh, name: str) -> tarfile.TarInfo:
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


def create_backup(out: Path, *, progress=None, actor=None) -> dict:
    """Write the archive to `out` (atomically: a partial file is never left under that name).
    ``actor``: who asked for it, for the log (None: the command line)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    created_at = utcnow()
    upload_root = Path(current_app.config["UPLOAD_FOLDER"])
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
        files, vanished = [], []
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                for table in tables:
                    tar.add(workdir / f"{table['name']}.jsonl", arcname=table["member"], recursive=False)
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


def backup_job(job_id: int) -> tuple[str, str]:
    """Background job (competition.jobs): a backup into EXPORT_FOLDER/backups/."""
    from ..jobs import report

    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    name = f"competition-backup-{stamp}-{job_id}.tar.gz"
    out = Path(current_app.config["EXPORT_FOLDER"]) / "backups" / name
    job = db.session.get(Job, job_id)
    actor = db.session.get(User, job.created_by_id) if job is not None and job.created_by_id else None
    report(job_id, 0, 2)
    create_backup(out, progress=lambda message: report(job_id, 1, 2), actor=actor)
    report(job_id, 2, 2)
    return f"backups/{name}", name


# ---------------------------------------------------------------------------------------------
# Restore


def _safe_member(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts) or "\\" in name:
        return None
    return path


def _unexpected(name: str) -> ServiceError:
    return ServiceError(_("The archive holds an unexpected entry %(name)s; nothing was restored.", name=name))


def _stream_members(tar: tarfile.TarFile, staging: Path, hashes: dict[str, tuple[str, int]]) -> dict | None:
    """Every file of the archive into staging, hashed; the manifest, if there is one."""
    manifest = None
    for member in tar:
        path = _safe_member(member.name)
        if member.isdir() and path is not None:
            continue
        if path is None or not member.isfile():
            raise _unexpected(member.name)
        source = tar.extractfile(member)
        if path.as_posix() == MANIFEST:
            manifest = json.loads(source.read(64 * 1024 * 1024).decode("utf-8"))
            continue
        if path.parts[0] not in ("db", "uploads") or len(path.parts) < 2:
            raise _unexpected(member.name)
        target = staging.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        hashes[path.as_posix()] = (digest.hexdigest(), size)
    return manifest


def _expected_members(manifest: dict | None) -> dict[str, tuple[str, int | None]]:
    """member -> (sha256, size or None) as the manifest lists them."""
    try:
        if manifest.get("format") != FORMAT:
            raise TypeError(manifest.get("format"))
        expected = {t["member"]: (t["sha256"], None) for t in manifest["tables"]}
        expected.update({f"uploads/{f['path']}": (f["sha256"], f["size"]) for f in manifest["files"]})
    except (AttributeError, KeyError, TypeError):
        raise ServiceError(_("The archive has no manifest of a known format; nothing was restored.")) from None
    return expected


def _check_against_manifest(manifest: dict, hashes: dict[str, tuple[str, int]]) -> None:
    for name, (sha, size) in _expected_members(manifest).items():
        got = hashes.pop(name, None)
        if got is None:
            raise ServiceError(_("The archive lacks %(name)s; nothing was restored.", name=name))
        if got[0] != sha or (size is not None and got[1] != size):
            raise ServiceError(
                _("%(name)s does not match its checksum in the manifest; nothing was restored.", name=name)
            )
    if hashes:
        raise ServiceError(
            _(
                "The archive holds files the manifest does not list (%(names)s); nothing was restored.",
                names=", ".join(sorted(hashes)[:5]),
            )
        )
    for table in manifest["tables"]:
        if not _TABLE_NAME.match(table["name"]) or table["member"] != f"db/{table['name']}.jsonl":
            raise _unexpected(table["name"])


def _unpack(archive: Path, staging: Path) -> dict:
    """Stream the archive into staging/db and staging/uploads, hashing everything; check the manifest."""
    hashes: dict[str, tuple[str, int]] = {}
    try:
        tar = tarfile.open(archive, "r|*")  # noqa: SIM115 (closed by the `with tar:` below, once it opened)
    except (tarfile.TarError, OSError) as exc:
        raise ServiceError(_("This file is not a backup archive (%(error)s).", error=exc)) from None
    try:
        with tar:
            manifest = _stream_members(tar, staging, hashes)
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
        raise ServiceError(_("The backup archive is damaged (%(error)s); nothing was restored.", error=exc)) from None
    _check_against_manifest(manifest, hashes)
    return manifest


def _nonempty_tables(conn) -> list[str]:
    existing = set(sa.inspect(conn).get_table_names())
    return [
        t.name
        for t in _model_tables()
        if t.name in existing and conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
    ]


def _has_files(root: Path) -> bool:
    return any(True for _ in _upload_files(root))


def _prepare_schema(revision: str | None) -> None:
    """Bring the target to the backup's schema revision (or to head for a backup without one)."""
    from alembic.script import ScriptDirectory

    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        has_version = inspector.has_table("alembic_version")
        has_models = any(inspector.has_table(t.name) for t in _model_tables())
    if has_models and not has_version:
        return  # made by create_all (tests, old installs): used as it is, checked column by column
    if revision is not None:
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        try:
            script.get_revision(revision)
        except Exception:  # alembic raises several kinds for an unknown id
            raise ServiceError(
                _(
                    "The backup was made by a newer version of the program (schema %(rev)s); update the program first.",
                    rev=revision,
                )
            ) from None
    _upgrade(revision or "head")


def _upgrade(revision: str) -> None:
    from flask_migrate import upgrade

    try:
        upgrade(revision=revision)
    except Exception as exc:  # alembic's CommandError and the database's own errors alike
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ServiceError(
            _("The database schema could not be brought to revision %(rev)s (%(error)s).", rev=revision, error=first)
        ) from None


def _target_tables(conn, manifest: dict) -> list[sa.Table]:
    """The target's tables as they really are (reflected), checked against the backup's columns."""
    meta = sa.MetaData()
    tables = []
    inspector = sa.inspect(conn)
    for entry in manifest["tables"]:
        if not inspector.has_table(entry["name"]):
            raise ServiceError(_("The database has no table %(name)s that the backup needs.", name=entry["name"]))
        table = sa.Table(entry["name"], meta, autoload_with=conn)
        unknown = [c for c in entry["columns"] if c not in table.c]
        if unknown:
            raise ServiceError(
                _(
                    "Table %(name)s has no columns %(columns)s that the backup holds.",
                    name=entry["name"],
                    columns=", ".join(unknown),
                )
            )
        tables.append(table)
    return tables


def _insert_rows(conn, table: sa.Table, path: Path) -> None:
    decoders = {c.name: _decoder(c.type) for c in table.columns}
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


def _reset_sequences(conn, tables: list[sa.Table]) -> None:
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


def restore_backup(archive: Path, *, force: bool = False, progress=None, actor=None) -> dict:
    """Bring the archive back into this instance's database and upload folder. ``actor``: who
    asked for it, for the log (None: the command line)."""
    by = audit.who(actor)  # now: the restore replaces the session and its rows
    say = progress or (lambda message: None)
    upload_root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    if not isinstance(get_storage(), LocalStorage):
        raise ServiceError(
            _(
                "A backup can be restored only into the local upload folder (STORAGE_BACKEND=local): "
                "restore there, then copy the folder's files into the object store. Nothing was restored."
            )
        )
    with db.engine.connect() as conn:
        busy = _nonempty_tables(conn)
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
        manifest = _unpack(Path(archive), staging)
        say(
            _(
                "Archive checked: %(tables)d tables, %(files)d files.",
                tables=len(manifest["tables"]),
                files=len(manifest["files"]),
            )
        )
        _prepare_schema(manifest.get("alembic_revision"))
        db.session.remove()
        conn = db.engine.connect()
        trans = conn.begin()
        old = None
        swapped = False
        try:
            tables = _target_tables(conn, manifest)
            if force:
                for table in reversed(tables):
                    conn.execute(table.delete())
            for table, entry in zip(tables, manifest["tables"], strict=False):
                _insert_rows(conn, table, staging / "db" / f"{entry['name']}.jsonl")
            _reset_sequences(conn, tables)
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
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if manifest.get("alembic_revision"):
        _upgrade("head")  # a backup from an older schema is brought up to this version's
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
