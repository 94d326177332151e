"""The target database of a restore: is it empty, bring it to the backup's schema revision with
Alembic (the caller passes the Alembic configuration), and its tables as they really are."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_babel import gettext as _

from ...extensions import db
from .. import ServiceError
from .format import model_tables


def nonempty_tables(conn: sa.Connection) -> list[str]:
    """The model tables of the database that hold at least one row."""
    existing = set(sa.inspect(conn).get_table_names())
    return [
        t.name
        for t in model_tables()
        if t.name in existing and conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
    ]


def prepare_schema(alembic_config: Config, revision: str | None) -> None:
    """Bring the target to the backup's schema revision (or to head for a backup without one)."""
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        has_version = inspector.has_table("alembic_version")
        has_models = any(inspector.has_table(t.name) for t in model_tables())
    if has_models and not has_version:
        return  # made by create_all (tests, old installs): used as it is, checked column by column
    if revision is not None:
        script = ScriptDirectory.from_config(alembic_config)
        try:
            script.get_revision(revision)
        except Exception:  # alembic raises several kinds for an unknown id
            raise ServiceError(
                _(
                    "The backup was made by a newer version of the program (schema %(rev)s); update the program first.",
                    rev=revision,
                )
            ) from None
    upgrade(alembic_config, revision or "head")


def upgrade(alembic_config: Config, revision: str) -> None:
    """Alembic's upgrade to `revision`; its failure is a ServiceError with its first line."""
    try:
        command.upgrade(alembic_config, revision)
    except Exception as exc:  # alembic's CommandError and the database's own errors alike
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ServiceError(
            _("The database schema could not be brought to revision %(rev)s (%(error)s).", rev=revision, error=first)
        ) from None


def target_tables(conn: sa.Connection, manifest: dict[str, Any]) -> list[sa.Table]:
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
