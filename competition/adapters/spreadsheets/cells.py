"""Cells as text: numbers without ``.0``, spaces collapsed, names left as typed, phones,
e-mails and codes NFKC-normalised; and header cells reduced for matching and shown to people."""

from __future__ import annotations

import re
import unicodedata

from ...domain.text import MOBILE, clean_phone

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def cell_text(value) -> str | None:
    """A cell as text: numbers without a trailing ``.0``, dates as ISO, empty as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def clean_text(value: str | None) -> str | None:
    """Strip, turn every run of spaces (U+3000, tabs, line breaks too) into one space, and drop
    the space between two Chinese characters (``王\u3000芳`` -> 王芳, ``基于…的\\n垃圾…`` joined).
    No NFKC: rare and compatibility characters in names stay exactly as typed."""
    if value is None:
        return None
    text = _SPACES.sub(" ", value).strip()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return text or None


def ascii_text(value: str | None) -> str | None:
    """NFKC (full-width digits/letters/punctuation to ASCII) and spaces collapsed."""
    if value is None:
        return None
    return clean_text(unicodedata.normalize("NFKC", value))


def is_mobile(phone: str | None) -> bool:
    return bool(phone and MOBILE.fullmatch(phone))


def email_ok(email: str | None) -> bool:
    return email is None or bool(_EMAIL.fullmatch(email))


def clean_value(value, kind: str) -> str | None:
    text = cell_text(value)
    if kind == "phone":
        return clean_phone(text)
    if kind == "email":
        text = ascii_text(text)
        return text.replace(" ", "").lower() if text else None
    if kind in ("code", "int"):
        return ascii_text(text)
    return clean_text(text)


def match_key(value: str | None) -> str:
    """A comparison key for names of schools, districts, sections: NFKC, no spaces, lower case."""
    if not value:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).lower()


def _header_key(value) -> str:
    """A header cell reduced for matching: no spaces, marks or bracketed notes (（必填）)."""
    text = match_key(cell_text(value))
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return text.strip("*:：#")


_SPACE_AT_WIDE_PUNCT = re.compile(r"\s*([\u3000-\u303f\uff00-\uffef])\s*")


def header_text(value) -> str:
    """A header cell as shown to people: one line (Alt+Enter breaks joined), no space at （）."""
    text = clean_text(cell_text(value)) or ""
    return _SPACE_AT_WIDE_PUNCT.sub(r"\1", text)
