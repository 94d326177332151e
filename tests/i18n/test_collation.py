"""Chinese names sort by pinyin, as people look them up, not by code point (no app needed)."""

from competition.i18n.collation import pinyin_key, sort_by_pinyin


def test_names_sort_by_pinyin_not_by_code_point():
    names = ["张三", "李四", "王五", "阿明"]
    assert sorted(names) == ["张三", "李四", "王五", "阿明"]  # code point order: 张 U+5F20 < 阿 U+963F
    assert sorted(names, key=pinyin_key) == ["阿明", "李四", "王五", "张三"]


def test_same_syllables_by_tone_then_by_the_characters_and_the_next_syllable():
    assert sorted(["马丽", "妈妈", "李明", "李四", "李"], key=pinyin_key) == ["李", "李明", "李四", "妈妈", "马丽"]
    assert sorted(["张", "詹"], key=pinyin_key) == ["詹", "张"]  # zhan before zhang


def test_latin_letters_case_and_blanks():
    assert sorted(["zhao", "Admin", "李四", "", None, "  王五 "], key=pinyin_key) == [
        "",
        None,
        "Admin",
        "李四",
        "  王五 ",
        "zhao",
    ]
    assert pinyin_key("Admin") < pinyin_key("bob")


def test_sort_by_pinyin_takes_a_key_and_keeps_ties_stable():
    rows = [(3, "张三"), (1, "阿明"), (2, "张三")]
    assert sort_by_pinyin(rows, key=lambda r: r[1]) == [(1, "阿明"), (3, "张三"), (2, "张三")]


def test_rare_characters_do_not_break_the_sort():
    assert sorted(["刘𠇔", "王㛃", "阿明"], key=pinyin_key)[0] == "阿明"
