"""How a result came about, in plain language: stored explanation parts, translated and joined."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_translations

from ...domain.explain import decode
from ...domain.text import N_, Message
from ...models import Result


def render(parts: Iterable[Message] | Message | None, sep: str | None = None, *, translations=None) -> str:
    """Translate explanation parts (nested messages and name lists too) and join them.

    ``translations``: a gettext translations object to use instead of looking up the current
    locale's for every message (many rows at once)."""
    t = translations or get_translations()
    if parts is None:
        return ""
    if isinstance(parts, Message):
        return _render_one(parts, t)
    return (sep if sep is not None else t.gettext("; ")).join(_render_one(p, t) for p in parts)


def _render_param(value, t):
    if isinstance(value, Message):
        return _render_one(value, t)
    if isinstance(value, list | tuple):
        return t.gettext(", ").join(str(_render_param(v, t)) for v in value)
    return value


def _render_one(message: Message, t) -> str:
    text = t.gettext(message.template)
    if not message.params:
        return text
    return text % {k: _render_param(v, t) for k, v in message.params.items()}


def explanation_text(result: Result, sep: str | None = None) -> str:
    """The whole plain-language explanation of a result, translated."""
    return render(explanation_parts(result), sep)


def explanation_parts(result: Result) -> list[Message]:
    return summary_parts(result) + detail_parts(result)


def summary_parts(result: Result) -> list[Message]:
    """Rank in the group, award and why, nomination and why, changes by hand."""
    data = result.explanation or {}
    parts = list(decode(data.get("award"))) + list(decode(data.get("nomination")))
    if result.override_reason and (result.override_award is not None or result.override_nominated is not None):
        parts.append(Message(N_("changed by the organizer: %(reason)s"), {"reason": result.override_reason}))
    if result.withdrawn:
        parts.append(Message(N_("award withdrawn: %(reason)s"), {"reason": result.withdrawn_reason or ""}))
    return parts


def detail_parts(result: Result) -> list[Message]:
    """How the score came about: raw mean, method, judges' adjustments, rounds."""
    data = result.explanation or {}
    return list(decode(data.get("ranking"))) + list(decode(data.get("rounds")))
