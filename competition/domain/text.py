"""Translatable messages from pure code.

Domain modules cannot call Flask-Babel, so they return a `Message`: an English template marked
with `N_` (extracted into the catalog) and its parameters. The web layer translates it with
`competition.messages.translate`; `str(message)` gives the untranslated text for logs and tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def N_(text: str) -> str:
    """Mark a string for the catalog without translating it here (gettext_noop)."""
    return text


@dataclass(frozen=True)
class Message:
    template: str
    params: dict = field(default_factory=dict)
    field: str | None = None  # the form field the message is about, if any
    where: str | None = None  # a location shown before the text, e.g. "sections[1].code"

    def __str__(self) -> str:
        text = self.template % self.params if self.params else self.template
        return f"{self.where}: {text}" if self.where else text
