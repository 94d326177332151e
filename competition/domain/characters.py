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

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LINE_BREAKS = "\t\n\r"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
_SURROGATES = "\ud800-\udfff"

ILLEGAL = re.compile(f"[{_CONTROLS}{_NONCHARACTERS}{_SURROGATES}]")
ILLEGAL_SINGLE_LINE = re.compile(f"[{_CONTROLS}{_LINE_BREAKS}{_NONCHARACTERS}{_SURROGATES}]")
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
DIRECTION = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def first_illegal(text: str, *, multiline: bool = False) -> str | None:
    """The first character a field must not hold, or None."""
    found = (ILLEGAL if multiline else ILLEGAL_SINGLE_LINE).search(text)
    return found.group() if found else None


_CONTROL_NAMES = dict(enumerate((
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
    "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
    "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE")))
_CONTROL_NAMES[0x7F] = "DELETE"


def describe(char: str) -> str:
    """U+001B and its name, for a message that says what is wrong."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


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
