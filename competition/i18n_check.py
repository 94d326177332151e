"""Which source strings the zh_CN catalog lacks: `python -m competition.i18n_check` prints them."""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from .i18n import merged_catalog, parts_dir

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
METHOD_MAP = [("competition/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> dict[str, list[str]]:
    """msgid -> where it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS,
        # Babel skips folders starting with "_" by default, which would leave templates/_macros out.
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        if filename.startswith(("competition/migrations", "competition/i18n")):
            continue
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def missing() -> dict[str, list[str]]:
    catalog = merged_catalog()
    return {
        msgid: where
        for msgid, where in source_messages().items()
        if not (catalog.get(msgid) and catalog.get(msgid).string)
    }


def unused() -> dict[str, str]:
    """Catalog entries no source string asks for: msgid -> catalog part."""
    used = source_messages()
    out = {}
    for part in sorted(parts_dir().glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh):
                msgid = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
                if msgid and msgid not in used:
                    out[msgid] = part.name
    return out


def main() -> int:
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda kv: kv[1][0]):
        print(f"{where[0]}\t{msgid!r}")
    stale = unused()
    for msgid, part in sorted(stale.items(), key=lambda kv: kv[1]):
        print(f"unused in {part}\t{msgid!r}")
    print(f"{len(gaps)} untranslated, {len(stale)} unused", file=sys.stderr)
    return 1 if gaps or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
