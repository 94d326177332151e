"""File and folder names Windows accepts, for the bundle's entries and every download."""

from __future__ import annotations

import re

from ...domain.characters import printable, without_direction_marks

_WINDOWS_BAD = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, max_len: int = 60, fallback: str = "未命名") -> str:
    """A file or folder name Windows accepts: no \\/:*?"<>|, no control, line break or direction
    mark, no trailing dot or space, short."""
    name = without_direction_marks(printable(text or "", multiline=False))
    name = re.sub(r"_{2,}", "_", _WINDOWS_BAD.sub("_", name))
    name = re.sub(r"\s+", " ", name).strip()
    name = name[:max_len].rstrip("._ ")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def download_name(name: str, max_len: int = 120) -> str:
    """The name a download is offered under (every route's Content-Disposition): `safe_name`
    with its extension kept, so a contest name with a newline or a slash cannot break it."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not 1 <= len(ext) <= 5 or not ext.isascii() or not ext.isalnum():
        return safe_name(name, max_len=max_len, fallback="download")
    return f"{safe_name(stem, max_len=max_len - len(ext) - 1, fallback='download')}.{ext}"
