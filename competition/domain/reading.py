"""How Chinese text reads: pinyin without tones (拼音), for catching input-method slips.

No Flask. An organizer typing with a pinyin input method picks a wrong character of the same
sound (油箱 for 邮箱, 西圆 for 西园); comparing readings finds those where comparing characters
cannot. Characters without a reading (Latin letters, digits) read as themselves.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


def _as_themselves(chars: str) -> list[str]:
    """Characters without a reading, one item each."""
    return list(chars)


@lru_cache(maxsize=8192)
def reading(text: str) -> tuple[str, ...]:
    """One toneless syllable per character: 邮箱 -> ("you", "xiang")."""
    # pypinyin documents a list from `errors` (one item each); its type stubs allow only a str
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors=_as_themselves))  # type: ignore[arg-type]


def reads_the_same(a: str, b: str) -> bool:
    """Same length and the same syllables, tones aside (and not simply equal)."""
    return len(a) == len(b) and a != b and reading(a) == reading(b)
