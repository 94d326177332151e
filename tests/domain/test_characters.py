"""The character classes on the input side: describe names controls, identity drops invisible
marks, file names lose direction overrides; and the one phone rule."""

from competition.domain import characters
from competition.domain.text import excerpt, phone_valid


def test_describe_gives_the_kind_and_the_code_point():
    assert str(characters.describe("\x1b")) == "control character U+001B"
    assert str(characters.describe("\x00")) == "control character U+0000"
    assert str(characters.describe("\x85")) == "control character U+0085"
    assert str(characters.describe("\uffff")) == "noncharacter U+FFFF"
    assert str(characters.describe("\U0010fffe")) == "noncharacter U+10FFFE"
    assert str(characters.describe("\ufdd0")) == "noncharacter U+FDD0"
    assert str(characters.describe("\ud800")) == "surrogate U+D800"
    assert str(characters.describe("\u202e")) == "direction control U+202E"
    assert str(characters.describe("\u061c")) == "direction control U+061C"
    assert str(characters.describe("\u200b")) == "invisible character U+200B"
    assert str(characters.describe("a")) == "character U+0061"


def test_describe_is_translated_at_the_edge(app):
    from flask_babel import force_locale

    from competition.i18n.messages import translate

    with app.test_request_context(), force_locale("zh_CN"):
        assert translate(characters.describe("\x1b")) == "控制字符 U+001B"
        assert translate(characters.describe("\uffff")) == "非字符 U+FFFF"
        assert translate(characters.describe("\ud800")) == "代理项 U+D800"
        assert translate(characters.describe("\u202e")) == "方向控制符 U+202E"
        assert translate(characters.describe("\u200b")) == "不可见字符 U+200B"


def test_first_illegal_keeps_line_breaks_only_in_multiline_text():
    assert characters.first_illegal("a\nb") == "\n"
    assert characters.first_illegal("a\nb\tc", multiline=True) is None
    assert characters.first_illegal("x\uffffy", multiline=True) == "\uffff"


def test_identity_and_direction_marks():
    assert characters.identity("王\u200b芳\ufeff") == "王芳"
    assert characters.without_direction_marks("report\u202efdp.exe") == "reportfdp.exe"
    assert characters.without_direction_marks("a\u061cb\u2066c\u2069\u200e") == "abc"


def test_one_phone_rule():
    assert phone_valid("13900000000") and phone_valid("139 0000 0000") and phone_valid("+86 139-0000-0000")
    assert phone_valid("0561-3098765") and phone_valid("１３９００００００００")
    assert not phone_valid("1390000000")  # 10 digits
    assert not phone_valid("139000000001")  # 12 digits
    assert not phone_valid("12345") and not phone_valid("abc-phone")


def test_excerpt_quotes_a_short_prefix():
    assert excerpt("9" * 10000) == "9" * 20 + "…"
    assert excerpt("123") == "123"
