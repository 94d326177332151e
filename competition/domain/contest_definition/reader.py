"""Reading the YAML's values one by one, every problem collected with where it is; and the whole tree
checked for characters that cannot be printed."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import overload

from ..characters import describe, first_illegal, printable
from ..text import N_, Message
from .schema import Data


class Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Message] = []

    def problem(self, where: str, template: str, **params: object) -> None:
        self.problems.append(Message(template, params, where=where))

    def text(self, data: Data, key: str, where: str, required: bool = True, max_len: int = 200) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(f"{where}.{key}", N_("this field is required"))
            return None
        value = str(value).strip()
        if len(value) > max_len:
            self.problem(f"{where}.{key}", N_("longer than %(n)d characters"), n=max_len)
        return value

    def _number(
        self, data: Data, key: str, where: str, whole: bool, low: float | None, high: float | None
    ) -> float | None:
        """The number at ``key``, or None when it is missing (or null) or not a number."""
        value = data.get(key)
        if value is None:
            return None
        # YAML's .inf and .nan are floats: int() of them raises
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(f"{where}.{key}", N_("must be a number"))
            return None
        if whole and value != int(value):
            self.problem(f"{where}.{key}", N_("must be a whole number"))
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(f"{where}.{key}", N_("must be between %(low)s and %(high)s"), low=low, high=high)
        return value

    # A null in the YAML means "the default", as a missing key does (not None where a number is needed).
    @overload
    def number(
        self, data: Data, key: str, where: str, *, default: int, low: float | None = None, high: float | None = None
    ) -> int: ...
    @overload
    def number(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> int | None: ...
    def number(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: int | None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> int | None:
        """A whole number."""
        value = self._number(data, key, where, True, low, high)
        return default if value is None else int(value)

    @overload
    def real(
        self, data: Data, key: str, where: str, *, default: float, low: float | None = None, high: float | None = None
    ) -> float: ...
    @overload
    def real(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None: ...
    def real(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: float | None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        """A number that may have decimals."""
        value = self._number(data, key, where, False, low, high)
        return default if value is None else float(value)

    def flag(self, data: Data, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"{where}.{key}", N_("must be true or false"))
            return default
        return value

    def when(self, data: Data, key: str, where: str) -> datetime | None:
        value = data.get(key)
        if value is None or isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(f"{where}.{key}", N_("is not a date and time like 2026-04-15 17:00"))
            return None


def refuse_illegal(r: Reader, value: object, where: str) -> None:
    """Every text value and key of the tree (YAML escapes like "\\e" or "\\uFFFF" reach here) without
    controls, noncharacters or lone surrogates: names and titles print on certificates."""
    if isinstance(value, str):
        bad = first_illegal(value, multiline=True)
        if bad:
            r.problem(where, N_("contains a character that is not allowed: %(char)s"), char=describe(bad))
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_illegal(r, item, child(r, where, key, item))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            refuse_illegal(r, item, f"{where}[{i}]")


def child(r: Reader, where: str | None, key: object, value: object) -> str:
    """The path of ``key`` under ``where`` (top-level fields are "contest.<key>"), its key checked."""
    name = printable(str(key), multiline=False)
    path = f"{where}.{name}" if where else (name if isinstance(value, (dict, list)) else f"contest.{name}")
    bad = first_illegal(key) if isinstance(key, str) else None
    if bad:
        r.problem(path, N_("the key contains a character that is not allowed: %(char)s"), char=describe(bad))
    return path
