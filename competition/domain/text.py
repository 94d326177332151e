"""Translatable messages from pure code.

Domain modules cannot call Flask-Babel, so they return a `Message`: an English template marked
with `N_` (extracted into the catalog) and its parameters. The web layer translates it with
`competition.i18n.messages.translate`; `str(message)` gives the untranslated text for logs and tests.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# The one phone rule (entry form, accounts, schools, imports): a mainland mobile is 11 digits
# starting with 1 and a second digit 3-9; a landline has a 3- or 4-digit area code starting with 0.
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


def clean_phone(value: str | None) -> str | None:
    """A phone number as stored: full-width digits made ASCII, a +86 prefix dropped; a mobile as
    its 11 digits, a landline with its area code and a dash (05613098765 -> 0561-3098765). Text
    that is neither comes back trimmed, for phone_valid to refuse."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if not text:
        return None
    compact = re.sub(r"[\s\-()（）]", "", text).removeprefix("+86")
    if MOBILE.fullmatch(compact):
        return compact
    landline = re.sub(r"[\s()（）]", "", text).removeprefix("+86")
    if LANDLINE.fullmatch(landline):
        if "-" not in landline:  # area codes here are 4 digits
            landline = f"{landline[:4]}-{landline[4:]}"
        return landline
    return text


def phone_valid(text: str | None) -> bool:
    """True for no number, a mainland mobile or a landline (see MOBILE and LANDLINE)."""
    phone = clean_phone(text)
    return phone is None or bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))


def excerpt(text: str | None, limit: int = 20) -> str:
    """At most ``limit`` characters of what the user typed, for an error message that quotes it."""
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


def N_(text: str) -> str:
    """Mark a string for the catalog without translating it here (gettext_noop)."""
    return text


@dataclass(frozen=True)
class Message:
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    field: str | None = None  # the form field the message is about, if any
    where: str | None = None  # a location shown before the text, e.g. "sections[1].code"

    def __str__(self) -> str:
        text = self.template % self.params if self.params else self.template
        return f"{self.where}: {text}" if self.where else text
