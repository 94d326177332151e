"""Keeping the upload between preview and confirmation, and the note of its outcome."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

from .plan import Outcome

STASH_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _stash_root(folder: str | Path) -> Path:
    return Path(folder) / "imports"


def _clean_old(root: Path) -> None:
    limit = time.time() - STASH_HOURS * 3600
    for child in root.glob("*"):
        try:
            if child.stat().st_mtime < limit:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


def stash_upload(
    folder: str | Path, *, user_id: int, kind: str, filename: str, data: bytes, contest_id: int | None = None
) -> str:
    """Keep an uploaded file until the organizer confirms; returns its token."""
    root = _stash_root(folder)
    root.mkdir(parents=True, exist_ok=True)
    _clean_old(root)
    token = secrets.token_urlsafe(24)
    target = root / token
    target.mkdir(mode=0o700)
    (target / "upload.bin").write_bytes(data)
    meta = {
        "user_id": user_id,
        "kind": kind,
        "filename": filename[:200],
        "contest_id": contest_id,
        "created": time.time(),
    }
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def _read_meta(folder: str | Path, token: str, user_id: int) -> dict | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        meta = json.loads((_stash_root(folder) / token / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    since = (meta.get("finished") or {}).get("at") or meta.get("created", 0)
    if meta.get("user_id") != user_id or time.time() - since > STASH_HOURS * 3600:
        return None
    return meta


def load_stash(folder: str | Path, token: str, *, user_id: int) -> tuple[dict, bytes] | None:
    """The kept upload for `token` if it belongs to `user_id`, has not expired and is still waiting
    for confirmation (None once it was confirmed or cancelled: see `finished_import`)."""
    meta = _read_meta(folder, token, user_id)
    if meta is None or meta.get("finished"):
        return None
    try:
        return meta, (_stash_root(folder) / token / "upload.bin").read_bytes()
    except OSError:
        return None


def drop_stash(folder: str | Path, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        shutil.rmtree(_stash_root(folder) / token, ignore_errors=True)


def outcome_summary(outcome: Outcome) -> dict:
    """What `finish_stash` keeps of a confirmed import: counts only, never names or passwords."""
    return {
        "state": "confirmed",
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "credentials": len(outcome.credentials),
    }


def finish_stash(folder: str | Path, token: str, summary: dict, *, credentials: bytes | None = None) -> dict | None:
    """The import of `token` was confirmed (`outcome_summary`) or cancelled ({"state": "cancelled"}):
    the upload is dropped and the summary kept in the meta data (with the passwords workbook, when
    there is one, until its one download). Returns the meta data as `finished_import` would."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    target = _stash_root(folder) / token
    try:
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    (target / "upload.bin").unlink(missing_ok=True)
    if credentials is not None:
        (target / "credentials.xlsx").write_bytes(credentials)
    meta["finished"] = {**summary, "at": time.time()}
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return meta


def finished_import(folder: str | Path, token: str, *, user_id: int) -> dict | None:
    """The meta data of a confirmed or cancelled import of `user_id` (its "finished" entry holds the
    state, the counts and the time), or None when `token` is still waiting, unknown or expired."""
    meta = _read_meta(folder, token, user_id)
    return meta if meta is not None and meta.get("finished") else None


def has_credentials(folder: str | Path, token: str, *, user_id: int) -> bool:
    if _read_meta(folder, token, user_id) is None:
        return False
    return (_stash_root(folder) / token / "credentials.xlsx").exists()


def take_credentials(folder: str | Path, token: str, *, user_id: int) -> bytes | None:
    """The passwords workbook, deleted as it is handed over (a second download gets nothing; the
    note of the finished import stays)."""
    if _read_meta(folder, token, user_id) is None:
        return None
    path = _stash_root(folder) / token / "credentials.xlsx"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return data
