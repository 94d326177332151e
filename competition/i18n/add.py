"""Add or update translations in one catalog part.

    python -m competition.i18n.add core < pairs.tsv

Each input line is `English msgid<TAB>中文 msgstr`. Lines starting with # are skipped.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .catalog import LOCALE, parts_dir


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = parts_dir() / f"{argv[0]}.po"
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=LOCALE)
    else:
        catalog = Catalog(locale=LOCALE, project="competition", fuzzy=False)
    added = 0
    for line in sys.stdin.read().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        msgid, sep, msgstr = line.partition("\t")
        if not sep or not msgstr.strip():
            print(f"skipped (no tab or no translation): {line!r}", file=sys.stderr)
            continue
        flags = ["python-format"] if "%(" in msgid else []
        if catalog.get(msgid) is not None:  # Catalog.add keeps an existing entry's msgstr: replace it
            catalog.delete(msgid)
        catalog.add(msgid, msgstr.strip(), flags=flags)
        added += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, width=0)
    print(f"{path.name}: {added} translations written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
