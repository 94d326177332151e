"""Which source strings the zh_CN catalog lacks: `python -m competition.i18n_check` prints them."""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from .i18n import merged_catalog

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
METHOD_MAP = [("competition/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> dict[str, list[str]]:
    """msgid -> where it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS
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


def main() -> int:
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda kv: kv[1][0]):
        print(f"{where[0]}\t{msgid!r}")
    print(f"{len(gaps)} untranslated", file=sys.stderr)
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())
