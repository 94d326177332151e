"""The character classes on the input side: describe names controls, identity drops invisible
marks, file names lose direction overrides; and the one phone rule."""
from competition.domain import characters
from competition.domain.text import excerpt, phone_valid


def test_describe_names_c0_controls():
    assert characters.describe("\x1b") == "U+001B ESCAPE"
    assert characters.describe("\x00") == "U+0000 NULL"
    assert characters.describe("\u200b") == "U+200B ZERO WIDTH SPACE"


def test_first_illegal_keeps_line_breaks_only_in_multiline_text():
    assert characters.first_illegal("a\nb") == "\n"
    assert characters.first_illegal("a\nb\tc", multiline=True) is None
    assert characters.first_illegal("x\uffffy", multiline=True) == "\uffff"


def test_identity_and_direction_marks():
    assert characters.identity("王\u200b芳\ufeff") == "王芳"
    assert characters.without_direction_marks("report\u202efdp.exe") == "reportfdp.exe"


def test_one_phone_rule():
    assert phone_valid("13900000000") and phone_valid("139 0000 0000") and phone_valid("+86 139-0000-0000")
    assert phone_valid("0561-3098765") and phone_valid("１３９００００００００")
    assert not phone_valid("1390000000")  # 10 digits
    assert not phone_valid("139000000001")  # 12 digits
    assert not phone_valid("12345") and not phone_valid("abc-phone")


def test_excerpt_quotes_a_short_prefix():
    assert excerpt("9" * 10000) == "9" * 20 + "…"
    assert excerpt("123") == "123"
