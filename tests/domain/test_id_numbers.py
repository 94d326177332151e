"""GB 11643-1999 identity card numbers, with the check characters worked out by hand."""

from __future__ import annotations

from datetime import date

from competition.domain.id_numbers import (
    check_character,
    clean_id_number,
    id_number_problem,
    mask_id_number,
)


def text(message) -> str:
    return str(message) if message is not None else ""


def test_the_check_character_of_the_standards_examples() -> None:
    # 1101051949123100 2: 1x7 + 1x9 + 0x10 + 1x5 + 0x8 + 5x4 + 1x2 + 9x1 + 4x6 + 9x3 + 1x7 + 2x9
    #   + 3x10 + 1x5 + 0x8 + 0x4 + 2x2 = 167; 167 mod 11 = 2 -> "10X98765432"[2] = X
    assert check_character("11010519491231002") == "X"
    # 44052418800101001: 28 + 36 + 0 + 25 + 16 + 16 + 2 + 8 + 48 + 0 + 0 + 9 + 0 + 5 + 0 + 0 + 2 = 195;
    #   195 mod 11 = 8 -> "4"
    assert check_character("44052418800101001") == "4"
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("440524188001010014") is None


def test_how_a_number_is_written_does_not_matter() -> None:
    assert clean_id_number(" １１０１０５ 19491231002x ") == "11010519491231002X"
    assert id_number_problem("11010519491231002x", date(1949, 12, 1)) is None
    assert clean_id_number("  ") is None and id_number_problem("") is None


def test_each_mistake_has_its_own_message() -> None:
    assert text(id_number_problem("1101051949123100")) == "An identity card number has 18 characters; this one has 16."
    assert (
        text(id_number_problem("1101051949123100AX"))
        == "An identity card number is 17 digits followed by a digit or X."
    )
    # 1949-02-30 does not exist (the date is checked before the check character)
    assert "(19490230) is not a possible birth date" in text(id_number_problem("110105194902300021"))
    # one digit mistyped (…1003X instead of …1002X): the check character no longer fits
    assert text(id_number_problem("11010519491231003X")) == (
        "The last character of the identity card number should be 8: check the number for a typo."
    )
    # 11010519491231003: 167 - 2x2 + 3x2 = 169; 169 mod 11 = 4 -> "8"
    assert check_character("11010519491231003") == "8"
    born_later = id_number_problem("11010519491231002X", date(1950, 1, 1))
    assert text(born_later) == "The identity card number gives the birth month 1949-12, the form says 1950-01."
    assert "not a possible birth date" in text(id_number_problem("110105209912310029", today=date(2026, 12, 7)))


def test_masked_for_those_who_may_not_read_it() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number(None) == "" and mask_id_number("1234") == "****"
