"""The national eligibility rules of 全国青少年科技创新大赛 (docs/rules.md "Entries"), each with the
people, dates and entries worked out by hand in the test."""

from dataclasses import replace
from datetime import date

import pytest

from competition.domain.contest_definition import DefinitionError, parse_definition
from competition.domain.eligibility import (
    MAKING_SUBJECTS,
    EntryData,
    OtherEntry,
    PersonData,
    SectionRules,
    counselor_kind,
    edition_list,
    same_member,
    same_student,
    submission_problems,
    team_change_problems,
    work_window,
)
from competition.domain.states import EntryState

SECTION = SectionRules(name="学生科技创新成果", kind="student", stages=("小学", "初中", "高中", "中专"))
COUNSELOR = SectionRules(
    name="科技辅导员科技教育创新成果",
    kind="counselor",
    team_allowed=False,
    advisers_allowed=False,
    max_advisers=0,
)

# Three 八年级 students of two schools: 相山区 and 杜集区 are two 区县 of 淮北市.
WANG = PersonData(name="王芳", gender="女", grade="八年级", school_name="淮北市第一中学", district="相山区")
LI = PersonData(name="李明", gender="男", grade="八年级", school_name="淮北市第一中学", district="相山区")
ZHAO = PersonData(name="赵磊", gender="男", grade="八年级", school_name="淮北市杜集区实验学校", district="杜集区")
TODAY = date(2026, 3, 20)


def entry(**changes) -> EntryData:
    base = EntryData(
        id=10,
        title="雨水回收装置",
        abstract="摘要",
        stage="初中",
        completed_on=date(2025, 12, 1),
        contact_phone="0561-3098765",
        data_confirmed=True,
        is_team=True,
        students=(WANG, LI),
        author_id=7,
    )
    return replace(base, **changes)


def check(e, section=SECTION, others=(), year=2026, today=TODAY):
    return [
        str(p) for p in submission_problems(e, section, contest_year=year, within_years=2, today=today, others=others)
    ]


# ------------------------------------------------------------------ 1. a team from one 区县


def test_a_team_mixing_two_districts_is_refused_naming_them():
    # 王芳 and 李明 are both of 相山区: one 区县, nothing to say.
    assert check(entry()) == []
    # 赵磊's school is in 杜集区: the team has 相山区 (王芳, 李明) and 杜集区 (赵磊).
    problems = check(entry(students=(WANG, LI, ZHAO)))
    assert problems == [
        "A team's members must all be from the same city or county (区县); "
        "this team mixes 相山区（王芳、李明）；杜集区（赵磊）."
    ]


def test_the_district_rule_is_a_setting_and_skips_unknown_schools():
    assert check(entry(students=(WANG, ZHAO)), section=replace(SECTION, team_same_district=False)) == []
    # A school not in the city's list has no known 区县: 王芳 (相山区) and a student of an unlisted
    # school are not compared.
    stranger = replace(ZHAO, school_name="某外地学校", district=None)
    assert check(entry(students=(WANG, stranger))) == []


# ------------------------------------------------------------------ 2. one entry per student per edition


def other(id, students, *, number=None, state=EntryState.SUBMITTED, kind="student", author_id=None, title="另一个项目"):
    return OtherEntry(
        id=id, state=state, title=title, section_kind=kind, author_id=author_id, number=number, students=students
    )


def test_a_student_in_another_entry_of_the_contest_is_refused_naming_it():
    # 李明 is the lone author of entry 11 (accepted as CX2026-XS-007): the team of 王芳 and 李明 is refused.
    taken = other(11, (LI,), number="CX2026-XS-007", state=EntryState.ACCEPTED, title="校园噪声地图")
    assert check(entry(), others=(taken,)) == [
        "李明 (淮北市第一中学, 八年级) is already an author of CX2026-XS-007 校园噪声地图; "
        "a student may be in only one entry per contest."
    ]
    # The same when 李明 is a team member there and alone here, and that entry has no number yet.
    team = other(12, (ZHAO, LI), title="煤矸石再利用")
    assert check(entry(is_team=False, students=(LI,)), others=(team,)) == [
        "李明 (淮北市第一中学, 八年级) is already an author of 煤矸石再利用; "
        "a student may be in only one entry per contest."
    ]
    # A draft holds no place; nor does the entry itself.
    assert check(entry(), others=(other(13, (LI,), state=EntryState.DRAFT), other(10, (LI,)))) == []
    assert check(entry(), others=(taken,), section=replace(SECTION, one_entry_per_student=False)) == []


def test_the_same_student_is_known_by_id_number_else_by_name_school_and_grade():
    a = replace(WANG, id_number="34060220120101002X")
    # Both carry a 身份证号: they decide. Two 王芳 of one class with different numbers are two students;
    # the same number under a name typed differently is one.
    assert not same_student(a, replace(a, id_number="340602201201010011"))
    assert same_student(a, replace(a, name="王 芳", school_name="淮北一中", id_number="34060220120101002x"))
    # One lacks a number: name + school + grade, normalised (a full-width space is no difference).
    assert same_student(a, replace(WANG, name="王\u3000芳"))
    assert not same_student(a, replace(WANG, grade="九年级"))
    # Without a grade (an imported list has none) a name and a school are not enough.
    assert not same_student(replace(WANG, grade=None), replace(WANG, grade=None))


# ------------------------------------------------------------------ 3. no member added once submitted


def test_the_team_of_a_submitted_entry_is_fixed():
    before = (WANG, LI)
    # A draft may change its team freely.
    assert team_change_problems(before, (WANG, ZHAO), state=EntryState.DRAFT) == []
    # Submitted: 赵磊 added and 李明 removed is refused, naming both.
    [problem] = team_change_problems(before, (WANG, ZHAO), state=EntryState.SUBMITTED)
    assert str(problem) == (
        "The team of a submitted entry is fixed (added: 赵磊; removed: 李明); no member may be added or removed."
    )
    # Returned without the reviewer's leave: refused; with it: allowed.
    [problem] = team_change_problems(before, (WANG, LI, ZHAO), state=EntryState.RETURNED)
    assert "added: 赵磊; removed: —" in str(problem) and "did not allow" in str(problem)
    assert team_change_problems(before, (WANG, LI, ZHAO), state=EntryState.RETURNED, allowed=True) == []
    # The setting off: no rule.
    assert team_change_problems(before, (ZHAO,), state=EntryState.RETURNED, fixed=False) == []


def test_a_corrected_grade_or_a_new_order_is_the_same_team():
    before = (WANG, LI)
    fixed_grade = replace(LI, grade="九年级", school_name="淮北市第一中学（东校区）")
    assert team_change_problems(before, (fixed_grade, WANG), state=EntryState.RETURNED) == []
    assert same_member(WANG, replace(WANG, name=" 王芳 "))
    # With 身份证号 on both sides the number decides, so a corrected name is the same member.
    a = replace(WANG, id_number="34060220120101002X")
    assert same_member(a, replace(a, name="王方"))


# ------------------------------------------------------------------ 4. finished within two years before 1 July


def test_the_work_window_of_a_final_in_2027():
    # Final in 2027: two years before 1 July 2027 is 2025-07-01 (allowed); the work must not be
    # finished after the submission day, 2027-03-15.
    submitted = date(2027, 3, 15)
    assert work_window(2027, 2, submitted) == (date(2025, 7, 1), date(2027, 3, 15))
    e = entry(stage="初中")
    assert check(replace(e, completed_on=date(2025, 7, 1)), year=2027, today=submitted) == []
    assert check(replace(e, completed_on=date(2027, 3, 15)), year=2027, today=submitted) == []
    day_before = check(replace(e, completed_on=date(2025, 6, 30)), year=2027, today=submitted)
    assert day_before == [
        "The work must have been completed between 2025-07-01 and 2027-03-15 "
        "(within 2 years before 1 July 2027, and not after the day it is submitted)."
    ]
    assert check(replace(e, completed_on=date(2027, 3, 16)), year=2027, today=submitted) == [
        "The work completion date cannot be in the future."
    ]
    # Submitted after 1 July of the final's year (a late resubmission): 30 June is the last day.
    assert work_window(2027, 2, date(2027, 7, 10)) == (date(2025, 7, 1), date(2027, 6, 30))


# ------------------------------------------------------------------ 5. 科技辅导员 entries


def counselor_entry(**changes):
    return entry(is_team=False, students=(), stage="初中", subject="科教方案类", author_id=7, **changes)


def test_a_second_counselor_entry_by_the_same_teacher_is_refused():
    mine = other(20, (), kind="counselor", author_id=7, number="CX2026-FD-003", title="校园气象站课程")
    assert check(counselor_entry(), section=COUNSELOR, others=(mine,)) == [
        "A teacher may enter only one counselor project per contest; you already entered CX2026-FD-003 校园气象站课程."
    ]
    # Another teacher's (author 8) is no obstacle; a student entry of teacher 7 neither.
    theirs = replace(mine, author_id=8)
    student = replace(mine, section_kind="student")
    assert check(counselor_entry(), section=COUNSELOR, others=(theirs, student)) == []
    off = replace(COUNSELOR, one_counselor_entry_per_teacher=False)
    assert check(counselor_entry(), section=off, others=(mine,)) == []


def test_a_counselor_entry_takes_its_kind_from_the_subject():
    assert counselor_kind("科教制作类-物理") == "科教制作类"
    assert counselor_kind("科教制作类-信息技术教学类") == "科教制作类"
    assert counselor_kind("科教方案类") == "科教方案类"
    assert counselor_kind("物理与天文学") is None
    assert counselor_kind(None) is None


DEFINITION = {
    "code": "T1",
    "name": "测试",
    "year": 2026,
    "sections": [{"code": "XS", "name": "学生", "kind": "student"}],
}


def test_the_shipped_counselor_section_offers_the_two_kinds():
    from pathlib import Path

    import yaml

    data = yaml.safe_load((Path(__file__).parents[2] / "competition/contests/innovation.yaml").read_text("utf-8"))
    subjects = parse_definition(data).sections[1].subjects["*"]
    # 6 subjects of 科教制作类 and 科教方案类: 7 in all, each of a kind
    assert [counselor_kind(s) for s in subjects] == ["科教制作类"] * 6 + ["科教方案类"]
    assert [s.split("-")[1] for s in subjects[:6]] == list(MAKING_SUBJECTS)


# ------------------------------------------------------------------ 6. subject lists per edition

OLD_PRIMARY = ["物质科学", "生命科学", "地球与空间科学", "技术与设计", "行为与社会科学"]
NEW_PRIMARY = ["物质科学", "生命科学", "地球环境与宇宙科学", "技术", "行为与社会科学"]


def with_editions(year, by_edition):
    section = {"code": "XS", "name": "学生", "kind": "student", "subjects_by_edition": by_edition}
    return parse_definition({**DEFINITION, "year": year, "sections": [section]}).sections[0].subjects


def test_a_contest_takes_the_subject_list_of_its_edition():
    lists = {2022: {"小学": OLD_PRIMARY}, 2024: {"小学": NEW_PRIMARY}}
    # 2022 and 2023 contests: the 2022 list (the newest that took effect by then); 2024 and later: 2024's.
    assert with_editions(2022, lists) == {"小学": OLD_PRIMARY}
    assert with_editions(2023, lists) == {"小学": OLD_PRIMARY}
    assert with_editions(2024, lists) == {"小学": NEW_PRIMARY}
    assert with_editions(2026, lists) == {"小学": NEW_PRIMARY}
    assert edition_list({2022: "a", 2024: "b"}, 2021) is None


def test_subject_lists_per_edition_are_checked():
    with pytest.raises(DefinitionError) as err:
        with_editions(2021, {2022: {"小学": OLD_PRIMARY}})
    assert "no subject list took effect by 2021 (the first is of 2022)" in str(err.value)
    with pytest.raises(DefinitionError) as err:
        with_editions(2026, {"去年": {"小学": OLD_PRIMARY}, 2024: {"小学": "物质科学"}})
    assert [p.where for p in err.value.problems] == [
        "sections[0].subjects_by_edition",
        "sections[0].subjects_by_edition.2024.小学",
    ]
    both = {"code": "XS", "name": "学生", "subjects": ["数学"], "subjects_by_edition": {2024: ["数学"]}}
    with pytest.raises(DefinitionError, match="not both"):
        parse_definition({**DEFINITION, "sections": [both]})


def test_the_shipped_innovation_contest_keeps_each_edition_s_names():
    from pathlib import Path

    import yaml

    data = yaml.safe_load((Path(__file__).parents[2] / "competition/contests/innovation.yaml").read_text("utf-8"))
    assert parse_definition(data).sections[0].subjects["小学"] == NEW_PRIMARY  # the 2026 contest
    assert parse_definition({**data, "year": 2022}).sections[0].subjects["小学"] == OLD_PRIMARY
    assert parse_definition(data).sections[1].subjects["*"][-2:] == ["科教制作类-其他", "科教方案类"]


def test_eligibility_flags_in_a_definition_are_true_or_false():
    with pytest.raises(DefinitionError) as err:
        parse_definition({**DEFINITION, "settings": {"team_same_district": "yes", "one_entry_per_student": False}})
    assert [p.where for p in err.value.problems] == ["settings.team_same_district"]
