"""The zh_CN catalog is kept as one .po part per product area and compiled into one .mo.

Parts let each area own its translations; `build_catalog` merges them. A msgid translated
differently in two parts is an error, so the merged catalog is unambiguous.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parent.parent / "translations"
LOCALE = "zh_CN"


def parts_dir(locale: str = LOCALE) -> Path:
    return TRANSLATIONS / locale / "parts"


def mo_path(locale: str = LOCALE) -> Path:
    # Babel parses zh_CN as zh_Hans_CN and looks for the catalog under that name.
    return TRANSLATIONS / str(Locale.parse(locale)) / "LC_MESSAGES" / "messages.mo"


def merged_catalog(locale: str = LOCALE) -> Catalog:
    merged = Catalog(locale=locale, domain="messages", fuzzy=False)
    origin: dict[str, str] = {}
    for part in sorted(parts_dir(locale).glob("*.po")):
        with part.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            existing = merged.get(message.id)
            if existing is not None and existing.string != message.string:
                raise ValueError(f"msgid {key!r} is translated differently in {origin[key]} and {part.name}")
            merged.add(message.id, message.string, flags=message.flags)
            origin[key] = part.name
    return merged


def build_catalog(locale: str = LOCALE, force: bool = False) -> Path:
    """Compile the parts into messages.mo when a part is newer than it."""
    target = mo_path(locale)
    parts = list(parts_dir(locale).glob("*.po"))
    if not force and target.exists() and parts:
        newest = max(p.stat().st_mtime for p in parts)
        if target.stat().st_mtime >= newest:
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")  # processes starting together each write their own
    with tmp.open("wb") as fh:
        write_mo(fh, merged_catalog(locale))
    tmp.replace(target)
    return target
