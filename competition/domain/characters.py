"""Which characters text may hold (字符检查): controls, noncharacters, invisible and direction marks.

No Flask here. The same classes serve the input side (forms and import cells refuse or remove
them) and the output side (workbooks, CSV and PDFs never fail on text stored before the checks
existed).

- *illegal*: C0 and C1 controls (but tab and newline, which multi-line text keeps), DEL,
  noncharacters (U+FDD0-U+FDEF and the last two code points of every plane) and lone
  surrogates. Excel calls a workbook holding them damaged, openpyxl refuses them, a PDF prints
  them as boxes, and a header with a newline breaks a download.
- *invisible*: zero-width space and joiners, soft hyphen, word joiner, BOM, and the bidi marks,
  embeddings, overrides and isolates. They make 王\u200b芳 a different person from 王芳 and can
  reorder what a reviewer sees (U+202E), so identity fields are stored without them.
"""

from __future__ import annotations

import re
import unicodedata

from .text import N_, Message

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LINE_BREAKS = "\t\n\r"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_SURROGATES = "\ud800-\udfff"

ILLEGAL = re.compile(f"[{_CONTROLS}{_NONCHARACTERS}{_SURROGATES}]")
ILLEGAL_SINGLE_LINE = re.compile(f"[{_CONTROLS}{_LINE_BREAKS}{_NONCHARACTERS}{_SURROGATES}]")
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Marks, embeddings, overrides and isolates: each can reorder the text after it.
DIRECTION = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def first_illegal(text: str, *, multiline: bool = False) -> str | None:
    """The first character a field must not hold, or None."""
    found = (ILLEGAL if multiline else ILLEGAL_SINGLE_LINE).search(text)
    return found.group() if found else None


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def describe(char: str) -> Message:
    """What kind of character it is and its code point ("control character U+001B"), for a
    message that says what is wrong; the edge translates it (messages.translate)."""
    code = ord(char)
    params = {"code": f"U+{code:04X}"}
    if 0xD800 <= code <= 0xDFFF:
        return Message(N_("surrogate %(code)s"), params)
    if _is_noncharacter(code):
        return Message(N_("noncharacter %(code)s"), params)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return Message(N_("control character %(code)s"), params)
    if DIRECTION.match(char):
        return Message(N_("direction control %(code)s"), params)
    if INVISIBLE.match(char):
        return Message(N_("invisible character %(code)s"), params)
    return Message(N_("character %(code)s"), params)


def printable(text: str, *, multiline: bool = True) -> str:
    """Text as a workbook, CSV or PDF can hold it: illegal characters removed, NFC.

    For text already stored; new input is refused instead (see the forms). Line breaks stay
    where the cell wraps (multiline) and become spaces elsewhere (sheet names, file names).
    """
    if not multiline:
        text = re.sub("[\r\n\t]+", " ", text)
    return unicodedata.normalize("NFC", ILLEGAL.sub("", text))


def identity(text: str) -> str:
    """A name or other identity field as stored and compared: NFC, no invisible characters."""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", text))


def without_direction_marks(text: str) -> str:
    """Free text (titles, abstracts, file names) with no bidi override that reorders it."""
    return DIRECTION.sub("", text)


def text_width(text: str) -> float:
    """Width in em of the text in a CJK font: wide characters 1, others about half."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        elif ch.isspace():
            width += 0.3
        else:
            width += 0.56
    return width
