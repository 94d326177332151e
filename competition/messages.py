"""Translate domain messages at the edge (views, CLI)."""
from __future__ import annotations

from flask_babel import gettext

from .domain.text import Message


def translate(message: Message | str) -> str:
    if isinstance(message, str):
        return gettext(message)
    text = gettext(message.template, **message.params)
    return f"{message.where}：{text}" if message.where else text
