"""Which source strings the zh_CN catalog lacks: `python -m competition.i18n.check` prints them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from .catalog import merged_catalog, parts_dir

ROOT = Path(__file__).resolve().parent.parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
METHOD_MAP = [("competition/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> dict[str, list[str]]:
    """msgid -> where it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        # Babel skips folders starting with "_" by default, which would leave templates/_macros out.
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        if filename.startswith(
            (
                "competition/migrations",
                "competition/i18n/catalog.py",
                "competition/i18n/add.py",
                "competition/i18n/check.py",
            )
        ):  # the translators' tools
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


# Chinese text uses Chinese punctuation: an ASCII : , ( ) ; ? ! right after or before a Chinese
# character (or full-width punctuation) is a slip ("评委: 21" is "评委：21").
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_ASCII_PUNCT = re.compile(rf"(?<=[{_CJK}])\s*[:,();?!]|[:,();?!]\s*(?=[{_CJK}])")
# What is not prose: placeholders, {fields}, URLs, and [..] samples of list syntax ([一等奖, 0.1]).
_NOT_PROSE = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|[a-z]+://\S+|\[[^\]]*\]")


def ascii_punctuation(msgstr: str) -> list[str]:
    """The ASCII punctuation marks of `msgstr` that touch Chinese text (with their neighbours)."""
    text = _NOT_PROSE.sub("\x00", msgstr)
    return [text[max(m.start() - 2, 0) : m.end() + 2].replace("\x00", "…") for m in _ASCII_PUNCT.finditer(text)]


def bad_punctuation(catalog=None) -> dict[str, list[str]]:
    """msgid -> the ASCII punctuation its msgstr has in Chinese text."""
    out = {}
    for message in catalog if catalog is not None else merged_catalog():
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        found = [hit for s in strings if s for hit in ascii_punctuation(s)]
        if message.id and found:
            out[message.id if isinstance(message.id, str) else message.id[0]] = found
    return out


def main() -> int:
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda kv: kv[1][0]):
        print(f"{where[0]}\t{msgid!r}")
    stale = unused()
    for msgid, part in sorted(stale.items(), key=lambda kv: kv[1]):
        print(f"unused in {part}\t{msgid!r}")
    punct = bad_punctuation()
    for msgid, hits in sorted(punct.items()):
        print(f"ASCII punctuation in Chinese text {hits}\t{msgid!r}")
    print(f"{len(gaps)} untranslated, {len(stale)} unused, {len(punct)} with ASCII punctuation", file=sys.stderr)
    return 1 if gaps or stale or punct else 0


if __name__ == "__main__":
    raise SystemExit(main())
