"""Reading an archive for a restore: every member streamed into a staging folder and hashed, then
checked against the manifest; anything unexpected refuses the whole archive."""

from __future__ import annotations

import hashlib
import json
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from flask_babel import gettext as _

from .. import ServiceError
from .format import CHUNK, FORMAT, MANIFEST, TABLE_NAME


def _safe_member(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts) or "\\" in name:
        return None
    return path


def _unexpected(name: str) -> ServiceError:
    return ServiceError(_("The archive holds an unexpected entry %(name)s; nothing was restored.", name=name))


def _stream_members(tar: tarfile.TarFile, staging: Path, hashes: dict[str, tuple[str, int]]) -> object:
    """Every file of the archive into staging, hashed; the manifest, if there is one (as it was read)."""
    manifest = None
    for member in tar:
        path = _safe_member(member.name)
        if member.isdir() and path is not None:
            continue
        if path is None or not member.isfile():
            raise _unexpected(member.name)
        source = tar.extractfile(member)
        if source is None:  # a regular file always has its data; never reached
            raise _unexpected(member.name)
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


def _expected_members(manifest: object) -> tuple[dict[str, Any], dict[str, tuple[str, int | None]]]:
    """The manifest, if it is one of a known format, and member -> (sha256, size or None) as it
    lists them."""
    try:
        if not isinstance(manifest, dict):
            raise TypeError(type(manifest).__name__)
        if manifest.get("format") != FORMAT:
            raise TypeError(manifest.get("format"))
        expected: dict[str, tuple[str, int | None]] = {t["member"]: (t["sha256"], None) for t in manifest["tables"]}
        expected.update({f"uploads/{f['path']}": (f["sha256"], f["size"]) for f in manifest["files"]})
    except (AttributeError, KeyError, TypeError):
        raise ServiceError(_("The archive has no manifest of a known format; nothing was restored.")) from None
    return manifest, expected


def _check_against_manifest(found: object, hashes: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """The manifest, once every member it lists is there with its checksum and nothing else is."""
    manifest, expected = _expected_members(found)
    for name, (sha, size) in expected.items():
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
        if not TABLE_NAME.match(table["name"]) or table["member"] != f"db/{table['name']}.jsonl":
            raise _unexpected(table["name"])
    return manifest


def unpack(archive: Path, staging: Path) -> dict[str, Any]:
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
    return _check_against_manifest(manifest, hashes)
