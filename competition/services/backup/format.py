"""What dumping and restoring share: the archive's constants, values <-> JSON by column type, the
tables a backup holds and the files under the upload folder."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ...extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
BATCH = 1000
CHUNK = 1024 * 1024
SKIP_UPLOAD_DIRS = {".partial"}  # LocalStorage writes uploads there before renaming them
TABLE_NAME = re.compile(r"^[A-Za-z0-9_]{1,63}$")


def encode(value: Any) -> Any:
    """A column's value as JSON takes it."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decoder(col_type: sa.types.TypeEngine[Any]) -> Callable[[Any], Any] | None:
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


def model_tables() -> list[sa.Table]:
    """The models' tables in dependency order: the order a backup holds them and a restore fills them."""
    return list(db.metadata.sorted_tables)


def upload_files(root: Path) -> Iterator[tuple[Path, str]]:
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
