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

The modules: ``format`` (what both sides share: constants, values <-> JSON, tables, files),
``dump`` (``create_backup``), ``unpack`` (reading and checking an archive), ``schema`` (the
target's emptiness, Alembic, its tables) and ``restore`` (``restore_backup``). The upload folder
and the Alembic configuration are arguments from the edge (the commands in ``cli/ops.py``);
``backup_job`` below is the background job's work, given them by its entry in ``jobs/table.py``.
"""

from __future__ import annotations

from pathlib import Path

from ...extensions import db
from ...models import Job, User, utcnow
from .dump import create_backup as create_backup
from .restore import restore_backup as restore_backup

__all__ = ["backup_job", "create_backup", "restore_backup"]


def backup_job(job_id: int, *, export_folder: str | Path, upload_root: str | Path) -> tuple[str, str]:
    """Background job (competition.jobs.table runs it with the app's EXPORT_FOLDER and
    UPLOAD_FOLDER): a backup into ``export_folder``/backups/."""
    from ...jobs import report

    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    name = f"competition-backup-{stamp}-{job_id}.tar.gz"
    out = Path(export_folder) / "backups" / name
    job = db.session.get(Job, job_id)
    actor = db.session.get(User, job.created_by_id) if job is not None and job.created_by_id else None
    report(job_id, 0, 2)
    create_backup(
        out,
        upload_root=Path(upload_root),
        progress=lambda message: report(job_id, 1, 2),
        actor=actor,
    )
    report(job_id, 2, 2)
    return f"backups/{name}", name
