"""Operations commands: backup, restore, worker, sweep-uploads."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import gettext as _

from ..jobs.maintenance import rq_worker_class
from ..services.backup import create_backup, restore_backup
from ..services.uploads_sweep import MIN_AGE_SECONDS, sweep
from .doorway import outside_transaction


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The archive to write (.tar.gz).",
    )
    def backup(out: Path):
        """Write one archive with the database (a consistent snapshot) and every uploaded file."""
        with outside_transaction():
            manifest = create_backup(out, upload_root=Path(app.config["UPLOAD_FOLDER"]), progress=click.echo)
        rows = sum(t["count"] for t in manifest["tables"])
        click.echo(
            _(
                "Backup written to %(path)s: %(rows)d rows in %(tables)d tables, %(files)d files.",
                path=out,
                rows=rows,
                tables=len(manifest["tables"]),
                files=len(manifest["files"]),
            )
        )
        if manifest["vanished_files"]:
            click.echo(
                _(
                    "Deleted while the backup ran (not in the archive): %(names)s",
                    names=", ".join(manifest["vanished_files"]),
                ),
                err=True,
            )

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace the data of a non-empty instance.")
    def restore(file: Path, force: bool):
        """Bring a backup archive back into a fresh instance (database and uploads)."""
        with outside_transaction():
            restore_backup(
                file,
                upload_root=Path(app.config["UPLOAD_FOLDER"]),
                alembic_config=app.extensions["migrate"].migrate.get_config(),
                force=force,
                progress=click.echo,
            )

    @app.cli.command("sweep-uploads")
    @click.option(
        "--older-than",
        "older_than",
        type=int,
        default=MIN_AGE_SECONDS,
        show_default=True,
        help="Seconds: younger files are left alone (their upload may still be running).",
    )
    def sweep_uploads(older_than: int):
        """Remove what interrupted uploads left behind: partial files, and stored files that no
        database row refers to (the process died before its transaction committed). The web
        processes and the worker also do this by themselves every SWEEP_INTERVAL_SECONDS."""
        with outside_transaction():
            result = sweep(older_than)
        click.echo(
            _(
                "Removed %(partials)d partial uploads and %(orphans)d stored files no record refers to.",
                partials=result.partials,
                orphans=result.orphans,
            )
        )

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
    def worker(burst: bool):
        """Run an RQ worker for the `competition` queue (needs REDIS_URL); it also sweeps uploads
        left by crashes when SWEEP_INTERVAL_SECONDS have passed."""
        url = app.config.get("REDIS_URL")
        if not url:
            raise click.ClickException(
                _("REDIS_URL is not set: long jobs run inside the web process, no worker is needed.")
            )
        from redis import Redis
        from rq import Queue, Worker

        connection = Redis.from_url(url)
        worker_class = rq_worker_class(Worker, app)
        worker_class([Queue("competition", connection=connection)], connection=connection).work(burst=burst)
