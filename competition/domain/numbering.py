"""Numbers for entries (编号) and certificates (证书编号) from a contest's pattern."""
from __future__ import annotations

import string

from .text import N_, Message

FIELDS = {"year", "contest", "section", "seq", "stage", "kind"}


def pattern_error(pattern: str) -> Message | None:
    """Check a pattern such as "{year}-{contest}-{section}-{seq:04d}" before it is saved."""
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        return Message(N_("The number pattern has unbalanced braces."))
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        return Message(N_("Unknown field in number pattern: %(field)s"), {"field": unknown[0]})
    if "seq" not in names:
        return Message(N_("The number pattern must contain {seq} so numbers are unique."))
    try:
        format_number(pattern, year=2000, contest="C", section="S", seq=1)
    except (ValueError, KeyError):
        return Message(N_("The number pattern cannot be formatted."))
    return None


def format_number(pattern: str, *, seq: int, **fields) -> str:
    values = {"year": "", "contest": "", "section": "", "stage": "", "kind": ""}
    values.update({k: v for k, v in fields.items() if v is not None})
    return pattern.format(seq=seq, **values)


def next_seq(used: set[int] | list[int]) -> int:
    """Sequence numbers are never reused: always one past the highest ever given."""
    return max(used, default=0) + 1
