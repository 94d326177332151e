"""Numbers for entries (编号) and certificates (证书编号) from a contest's pattern."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping

from .text import N_, Message

FIELDS = {"year", "contest", "section", "seq", "stage", "kind"}
MAX_WIDTH = 9  # a field's width or precision; a pattern with width 300,000,000 took 260 MB to check
MAX_SEQ = 99999  # the longest sequence number a pattern is checked against
# A standard format spec, its width (group "width") taken out so it is never formatted.
_SPEC = re.compile(r"(?P<head>(?:.?[<>=^])?[+\- ]?z?#?0?)(?P<width>\d*)(?P<tail>[_,]?(?:\.\d+)?[a-zA-Z%]?)")
ERR_TOO_LONG = N_(
    "%(setting)s: the longest number it can produce has %(length)s characters, "
    "more than the %(limit)s that can be stored"
)
# str.format's !r, !a and !s
_CONVERSIONS: dict[str, Callable[[object], object]] = {"r": repr, "a": ascii, "s": str}


def _specs(pattern: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return list(string.Formatter().parse(pattern))


def longest_number(pattern: str, values: Mapping[str, Iterable[object]]) -> int:
    """The length of the longest number ``pattern`` can give, ``values`` listing what each field
    may hold (seq up to MAX_SEQ). Each field is max(width, its value formatted without the
    width), so no long string is ever built. The pattern must have passed pattern_error."""
    total = 0
    for literal, name, spec, conversion in _specs(pattern):
        total += len(literal)
        if name is None:
            continue
        m = _SPEC.fullmatch(spec or "")
        assert m is not None, "the pattern must have passed pattern_error"
        width = int(m["width"] or 0)
        narrow = m["head"] + m["tail"]
        candidates = [MAX_SEQ] if name == "seq" else list(values.get(name) or [""])
        longest = 0
        for value in candidates:
            shown = _CONVERSIONS[conversion](value) if conversion in _CONVERSIONS else value
            longest = max(longest, len(format(shown, narrow)))
        total += max(width, longest)
    return total


def pattern_error(
    pattern: str, *, values: Mapping[str, Iterable[object]] | None = None, limit: int | None = None, setting: str = ""
) -> Message | None:
    """Check a pattern such as "{year}-{contest}-{section}-{seq:04d}" before it is saved; with
    ``limit`` (the column's length) its longest number (see longest_number) must fit."""
    try:
        parts = _specs(pattern)
        names = [name for _lit, name, _spec, _conv in parts if name is not None]
    except ValueError:
        return Message(N_("The number pattern has unbalanced braces."))
    for _lit, name, spec, _conv in parts:
        m = _SPEC.fullmatch(spec or "") if name is not None else None
        if name is not None and m is None:
            return Message(N_("The number pattern cannot be formatted."))
        if m is not None and any(int(n.lstrip("0")[:2] or 0) > MAX_WIDTH for n in re.findall(r"\d+", spec or "")):
            return Message(N_("A width in the number pattern can be at most %(max)s."), {"max": MAX_WIDTH})
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        return Message(N_("Unknown field in number pattern: %(field)s"), {"field": unknown[0]})
    if "seq" not in names:
        return Message(N_("The number pattern must contain {seq} so numbers are unique."))
    try:
        format_number(pattern, year=2000, contest="C", section="S", seq=1)
    except (ValueError, KeyError):
        return Message(N_("The number pattern cannot be formatted."))
    if limit is not None:
        length = longest_number(pattern, values or {})
        if length > limit:
            return Message(ERR_TOO_LONG, {"setting": setting, "length": length, "limit": limit})
    return None


def format_number(pattern: str, *, seq: int, **fields: object) -> str:
    values: dict[str, object] = {"year": "", "contest": "", "section": "", "stage": "", "kind": ""}
    values.update({k: v for k, v in fields.items() if v is not None})
    return pattern.format(seq=seq, **values)


def next_seq(used: set[int] | list[int]) -> int:
    """Sequence numbers are never reused: always one past the highest ever given."""
    return max(used, default=0) + 1
