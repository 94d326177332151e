"""Near-duplicate school names (no app, no database)."""

import pytest

from competition.domain.school_matching import KnownSchool, SchoolIndex, compare, levenshtein, parts


def test_prefixes_are_taken_off_only_for_comparing():
    p = parts("淮北市杜集区实验学校")
    assert (p.province, p.city, p.district, p.core) == (None, "淮北市", "杜集区", "实验学校")
    p = parts("安徽省濉溪中学")
    assert (p.province, p.city, p.district, p.core) == ("安徽省", None, None, "濉溪中学")
    assert parts("濉溪县第二中学").core == "第二中学" and parts("濉溪县第二中学").numbers == ("二",)
    assert parts("淮北市第1中学").core == "第一中学"  # Arabic digits read as the numeral
    assert parts("淮北市第12中学").core == "第十二中学"
    assert parts(" 淮北市 第一中学 ").core == "第一中学"
    assert parts("烈山区").core == "烈山区"  # nothing would be left: not a prefix


@pytest.mark.parametrize(
    "a,b,reason",
    [
        ("杜集区实验学校", "淮北市杜集区实验学校", "same"),
        ("濉溪中学", "安徽省濉溪中学", "same"),
        ("淮北市第1中学", "淮北市第一中学", "same"),
        ("濉溪第二中学", "濉溪县第二中学", "contained"),
        ("淮北第一中学", "淮北市第一中学", "contained"),
        ("淮北市西圆中学", "淮北市西园中学", "sound"),  # an input-method slip
        ("濉溪县城关中心校", "濉溪县城关中心学校", "typo"),
        ("淮北市人民路学校", "淮北市人民路小学校", "typo"),
    ],
)
def test_near_matches(a, b, reason):
    assert compare(a, b) is not None and compare(a, b)[0] == reason
    assert compare(b, a)[0] == reason
    assert compare(a, b, "杜集区", "杜集区")[0] == reason  # same district: still near


@pytest.mark.parametrize(
    "a,b",
    [
        ("淮北市第一中学", "淮北市第二中学"),  # one edit, but another number
        ("淮北市第一中学", "淮北市第十二中学"),
        ("濉溪县第二中学", "濉溪中学"),
        ("淮北市第二实验小学", "淮北市实验小学"),  # contained, but a number more
        ("杜集区实验学校", "烈山区实验学校"),  # other district prefix
        ("濉溪县孙疃中学", "烈山区宋疃中学"),
        ("杜集区朔里中学", "杜集区朔西中学"),  # one character of a short name: another place
        ("濉溪县城关中心学校", "濉溪县城南中心学校"),  # the place name differs
        ("淮北市第一中学", "淮北市第一中学分校"),  # a branch is not the school
        ("淮北市实验高级中学", "淮北市实验中学"),
        ("相山区实验学校", "相山区实验学校幼儿园"),
    ],
)
def test_different_schools_are_not_near(a, b):
    assert compare(a, b) is None, (a, b, compare(a, b))


def test_districts_must_agree_where_both_are_known():
    assert compare("杜集区实验学校", "淮北市杜集区实验学校", 1, 2) is None
    assert compare("杜集区实验学校", "淮北市杜集区实验学校", None, 2) is not None
    assert compare("实验学校", "杜集区实验学校", 3, 3) is not None
    assert compare("实验学校", "杜集区实验学校", 3, 4) is None


def test_index_lists_the_best_match_first_and_never_the_name_itself():
    schools = [
        KnownSchool(1, "淮北市杜集区实验学校", "杜集区"),
        KnownSchool(2, "烈山区实验学校", "烈山区"),
        KnownSchool(3, "安徽省濉溪中学", "濉溪县"),
        KnownSchool(4, "杜集区实验学校", "杜集区"),
    ]
    index = SchoolIndex(schools)
    assert [m.school.id for m in index.near("杜集区实验学校", "杜集区")] == [1]
    assert [m.school.id for m in index.near("杜集区实验学校")] == [1]  # 烈山区 prefix differs
    assert [m.school.id for m in index.near("淮北市杜集区实验学校", "杜集区")] == [4]
    assert index.near("淮北市杜集区实验学校", "杜集区", exclude=4) == []
    # no district and no prefix: both 实验学校 of the city are candidates, the organizer chooses
    assert {m.school.id for m in index.near("实验学校")} == {1, 2, 4}
    assert [m.school.id for m in index.near("实验学校", "烈山区")] == [2]
    assert [(m.school.id, m.reason) for m in index.near("濉溪中学", "濉溪县")] == [(3, "same")]
    assert index.near("濉溪中学", "相山区") == []


def test_levenshtein():
    assert levenshtein("实验学校", "实验学校") == 0
    assert levenshtein("城关中心校", "城关中心学校") == 1
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("a", "abcdef", limit=2) == 3
