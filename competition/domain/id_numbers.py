"""The resident identity card number (公民身份号码, GB 11643-1999) of a student on the 申报书.

Pure module. A number is 18 characters: a 6-digit region code, the birth date as YYYYMMDD, a
3-digit sequence and a check character computed from the first 17 digits (ISO 7064 MOD 11-2:
weights 2^(17-i) mod 11, the sum mod 11 indexes "10X98765432"). The birth date must be a real
date (not after ``today`` when given) and, when the form gives the 出生年月, the same year and month.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .text import N_, Message

__all__ = ["check_character", "clean_id_number", "id_number_birth_date", "id_number_problem", "mask_id_number"]

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def clean_id_number(value: str | None) -> str | None:
    """The number as stored: full-width digits made ASCII, spaces dropped, a lower-case x made X."""
    if value is None:
        return None
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", value)).upper()
    return text or None


def check_character(first17: str) -> str:
    """The check character of the first 17 digits."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number_birth_date(number: str) -> date | None:
    """The birth date a well-shaped number carries, or None when it is no real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_number_problem(
    value: str | None, birth_month: date | None = None, *, today: date | None = None
) -> Message | None:
    """Why ``value`` is not a valid number (None when it is, or when there is none): its length,
    a character that is not a digit, the check character, the birth date, or a birth date that
    does not match ``birth_month`` (year and month of the 出生年月 on the same form)."""
    number = clean_id_number(value)
    if number is None:
        return None
    if len(number) != 18:
        return Message(N_("An identity card number has 18 characters; this one has %(n)d."), {"n": len(number)})
    if not _SHAPE.fullmatch(number):
        return Message(N_("An identity card number is 17 digits followed by a digit or X."))
    born = id_number_birth_date(number)
    if born is None or (today is not None and born > today):
        return Message(
            N_("The birth date in the identity card number (%(digits)s) is not a possible birth date."),
            {"digits": number[6:14]},
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        return Message(
            N_("The last character of the identity card number should be %(expected)s: check the number for a typo."),
            {"expected": expected},
        )
    if birth_month is not None and (born.year, born.month) != (birth_month.year, birth_month.month):
        return Message(
            N_("The identity card number gives the birth month %(number_month)s, the form says %(form_month)s."),
            {
                "number_month": f"{born.year}-{born.month:02d}",
                "form_month": f"{birth_month.year}-{birth_month.month:02d}",
            },
        )
    return None


def mask_id_number(value: str | None) -> str:
    """The number as shown to those who may not read it: the region code and the last 4
    characters, the birth date hidden (340602********1234)."""
    number = clean_id_number(value)
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
