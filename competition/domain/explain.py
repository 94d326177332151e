"""Explanations of results as data (结果说明): lists of translatable messages.

Pure module. The ranking, award and nomination steps explain every entry with a tuple of
:class:`~competition.domain.text.Message` parts ("rank 3 in the group", "quota of 30 is full").
A parameter may itself be a ``Message`` (e.g. the name of a quota) or a :class:`Names` list
(entry titles, tie-break labels), so the edge can translate it and join names with the
language's separator. ``encode`` / ``decode`` turn parts into JSON for storage (the Result row
keeps the English templates; the page translates them when it shows them). ``text`` gives the
untranslated English, for logs and tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .text import Message

__all__ = ["Names", "decode", "encode", "text"]


class Names(tuple[object, ...]):
    """A list of names inside a message parameter; English text joins them with ", "."""

    def __str__(self) -> str:
        return ", ".join(str(n) for n in self)


_NESTED = (Message, tuple, list)


def _enc(value: Any) -> Any:
    if isinstance(value, Message):
        return {
            "t": value.template,
            "p": {k: _enc(v) if isinstance(v, _NESTED) else v for k, v in value.params.items()},
        }
    if isinstance(value, tuple | list):
        return [_enc(v) if isinstance(v, _NESTED) else v for v in value]
    return value


def _dec(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return Message(value["t"], {k: _dec(v) for k, v in (value.get("p") or {}).items()})
    if isinstance(value, list):
        return Names(_dec(v) for v in value)
    return value


def encode(parts: Iterable[Message]) -> list[dict[str, Any]]:
    """Parts as JSON-ready dicts ``{"t": template, "p": params}``."""
    return [_enc(p) for p in parts]


def decode(data: Iterable[dict[str, Any]] | None) -> tuple[Message, ...]:
    return tuple(_dec(d) for d in (data or ()))


def text(parts: Iterable[Message] | Message, sep: str = "; ") -> str:
    """Untranslated English of one message or of several parts."""
    if isinstance(parts, Message):
        return str(parts)
    return sep.join(str(p) for p in parts)
