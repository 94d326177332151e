"""Translate domain messages at the edge (views, CLI)."""

from __future__ import annotations

from flask_babel import gettext

from ..domain.text import Message


def translate(message: Message | str) -> str:
    if isinstance(message, str):
        return gettext(message)
    # A parameter may be a Message itself (characters.describe inside a problem).
    params = {k: translate(v) if isinstance(v, Message) else v for k, v in message.params.items()}
    text = gettext(message.template, **params)
    return f"{message.where}：{text}" if message.where else text
