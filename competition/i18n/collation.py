"""Sorting Chinese text as people look it up: by pinyin (阿明, 李四, 王五, 张三), not by code point
(张 U+5F20 comes before 阿 U+963F). Plain functions, no Flask, no database: a database's own
collation differs between SQLite and PostgreSQL and is seldom a Chinese one, so lists sorted by a
person's name are sorted here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from pypinyin import Style, lazy_pinyin

T = TypeVar("T")


def pinyin_key(text: str | None) -> tuple:
    """The sort key of ``text``: its syllables with tone numbers (妈 ma1 before 马 ma3; a word
    before its continuations, 李 before 李明), then the text itself, so characters read alike
    still come in a fixed order. Latin letters sort case-blind among the syllables; characters
    pypinyin does not know (rare ones such as 𠇔) after every letter. Blank and None sort first."""
    text = (text or "").strip()
    syllables = tuple(
        part.strip().lower()
        for part in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
        if part.strip()
    )
    return syllables, text


def sort_by_pinyin(items: Iterable[T], key: Callable[[T], str | None] = lambda item: item) -> list[T]:
    """``items`` sorted by the pinyin of ``key(item)``; items with equal keys keep their order."""
    return sorted(items, key=lambda item: pinyin_key(key(item)))
