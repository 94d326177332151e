"""Uploaded files: one storage interface, and checks of what a file really is.

`Storage` hides where bytes live. Keys are random hex strings made here, never anything a user
typed, so a filename like ``../../etc/passwd`` is only ever display data. `LocalStorage` keeps
files under ``UPLOAD_FOLDER`` (default ``instance/uploads``); ``STORAGE_BACKEND=s3`` keeps them in
an S3-compatible object store (`competition.adapters.storage_s3`); another backend plugs in through the
same setting, a dotted path to a class taking the app's config.

`save_stream` copies in chunks and hashes as it goes, so a 500 MB video never sits in memory;
it writes to a temporary name and renames only when the whole file is there, so a crash mid
upload leaves no file under a real key.

`inspect_file` decides a file's kind from its bytes and checks that it really opens; it lives in
`competition.adapters.file_kinds` and is re-exported here, with `sniff_kind` and `BadContent`.

Files follow the database transaction (`keep_if_committed`, `delete_when_committed`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import re
import secrets
import shutil
import tempfile
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..domain.characters import ILLEGAL, without_direction_marks
from .file_kinds import DEFAULT_MAX_IMAGE_PIXELS as DEFAULT_MAX_IMAGE_PIXELS
from .file_kinds import DEFAULT_MAX_PDF_PAGES as DEFAULT_MAX_PDF_PAGES
from .file_kinds import MAX_PDF_PAGE_POINTS as MAX_PDF_PAGE_POINTS
from .file_kinds import BadContent as BadContent
from .file_kinds import inspect_file as inspect_file
from .file_kinds import sniff_kind as sniff_kind

CHUNK = 1024 * 1024
KEY_RE = re.compile(r"^[0-9a-f]{32}$")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp4": "video/mp4",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
INLINE_KINDS = frozenset({"pdf", "jpg", "png", "mp4"})  # a browser shows these itself


class TooLarge(Exception):
    """The stream was longer than the allowed size; nothing was kept."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class Storage(ABC):
    """The interface every backend implements."""

    @abstractmethod
    def save_stream(self, fileobj: BinaryIO, *, max_size: int | None = None) -> StoredFile:
        """Store the stream under a new random key, copying in chunks."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary file for the key."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the stored file; a missing key is not an error."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a file is stored under the key."""

    def read_bytes(self, key: str) -> bytes:
        """Small files only (seal images for PDFs)."""
        with self.open(key) as fh:
            return fh.read()

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(16)

    @staticmethod
    def check_key(key: str) -> str:
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise ValueError("not a storage key")
        return key


class LocalStorage(Storage):
    """Files in a folder, sharded by the key's first two characters: root/ab/ab12...."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        self.check_key(key)
        return self.root / key[:2] / key

    @property
    def partial_dir(self) -> Path:
        return self.root / ".partial"

    def save_stream(self, fileobj: BinaryIO, *, max_size: int | None = None) -> StoredFile:
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.partial_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = fileobj.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise TooLarge(max_size)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            key = self.new_key()
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        return StoredFile(key=key, size=size, sha256=digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except ValueError:
            return False

    def local_path(self, key: str) -> Path:
        return self._path(key)

    def keys(self) -> list[str]:
        """Every stored key (for backups and orphan checks)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("??/*") if KEY_RE.match(p.name))

    def listing(self) -> Iterator[tuple[str, float]]:
        """(key, time stored) of every stored file (for orphan sweeps)."""
        for key in self.keys():
            try:
                yield key, self._path(key).stat().st_mtime
            except FileNotFoundError:  # deleted since the listing (its row went with it)
                continue

    def sweep_partials(self, older_than_seconds: int = 3600) -> int:
        """Remove leftovers of uploads that died mid-way; returns how many were removed."""
        removed = 0
        if not self.partial_dir.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        for path in self.partial_dir.glob("*.part"):
            try:
                old = path.stat().st_mtime < cutoff
            except FileNotFoundError:  # its upload finished (or was cleaned up) meanwhile
                continue
            if old:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def storage_for(config) -> Storage:
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        return LocalStorage(config["UPLOAD_FOLDER"])
    if backend == "s3":
        from .storage_s3 import S3Storage

        return S3Storage(config)
    module_name, _sep, cls_name = backend.rpartition(".")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(config)


def get_storage(app=None) -> Storage:
    """The app's storage, made once from its config."""
    if app is None:
        from flask import current_app

        app = current_app._get_current_object()
    storage = app.extensions.get("competition.storage")
    if storage is None or getattr(storage, "root", None) not in (None, Path(app.config["UPLOAD_FOLDER"]).resolve()):
        storage = storage_for(app.config)
        app.extensions["competition.storage"] = storage
    return storage


# ---------------------------------------------------------------------------------------------
# Names shown to people

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"|?*\\/]')


def display_name(raw: str | None, fallback: str = "file") -> str:
    """The part of a user's filename worth showing: no folders, no control characters, no
    direction mark (U+202E shows "report", U+202E, "fdp.exe" as "reportexe.pdf"). New uploads
    are stored through it; pages show stored names through it too (the file_name filter), since
    names stored before it removed direction marks still hold them."""
    name = unicodedata.normalize("NFC", without_direction_marks(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = ILLEGAL.sub("", _UNSAFE.sub("_", name)).strip().lstrip(".").strip()
    if not name:
        return fallback
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:200]
    return name


def copy_to(storage: Storage, key: str, target: BinaryIO) -> None:
    """Stream a stored file into an open file (bundles, backups)."""
    with storage.open(key) as src:
        shutil.copyfileobj(src, target, CHUNK)


# ---------------------------------------------------------------------------------------------
# Files follow the database transaction: a file saved during a transaction that does not commit
# is removed, and a file deleted during a transaction goes only once the deletion is committed.

_NEW = "competition.storage.new"
_DOOMED = "competition.storage.doomed"


def keep_if_committed(session, storage: Storage, key: str) -> None:
    session.connection()  # begin the transaction now, so its end is always seen
    session.info.setdefault(_NEW, []).append((storage, key))


def delete_when_committed(session, storage: Storage, key: str) -> None:
    session.connection()
    session.info.setdefault(_DOOMED, []).append((storage, key))


def _after_commit(session) -> None:
    session.info.pop(_NEW, None)
    for storage, key in session.info.pop(_DOOMED, []):
        storage.delete(key)


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is not None:
        return
    for storage, key in session.info.pop(_NEW, []):
        storage.delete(key)
    session.info.pop(_DOOMED, None)


def _install_session_hooks() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)


_install_session_hooks()
