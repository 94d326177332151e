"""Eligibility rules as plain functions: one test (at least) per rule."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from competition.domain.eligibility import (
    AdviserData,
    EntryData,
    MaterialRule,
    OtherEntry,
    PersonData,
    SectionRules,
    can_still_submit,
    draft_problems,
    normalise,
    stage_of_grade,
    student_identity,
    submission_problems,
    work_window,
)

REPORT = MaterialRule(id=1, name="研究报告", required=True, file_kinds=("pdf",), max_size_mb=20)
FORM = MaterialRule(id=2, name="申报书", required=True, file_kinds=("pdf", "jpg"), application_form=True)
PHOTOS = MaterialRule(id=3, name="照片", required=False, file_kinds=("jpg",), max_files=3)
SECTION = SectionRules(
    name="学生科技创新成果",
    kind="student",
    stages=("小学", "初中", "高中"),
    subjects={"初中": ["物理与天文学", "化学"], "小学": ["物质科学"]},
    max_team_size=3,
    max_advisers=2,
    materials=(REPORT, FORM, PHOTOS),
)
COUNSELOR = SectionRules(
    name="科技辅导员",
    kind="counselor",
    subjects={"*": ["科教方案类"]},
    team_allowed=False,
    advisers_allowed=False,
    max_advisers=0,
    materials=(REPORT,),
)
PRACTICE = SectionRules(name="科技实践活动", kind="practice", group_entry=True, materials=())
PAINTING = SectionRules(name="科幻画", kind="painting", team_allowed=False, age_min=5, age_max=14, materials=())

ALICE = PersonData(name="王芳", gender="女", grade="八年级", school_name="淮北市第一中学")
BOB = PersonData(name="李明", gender="男", grade="八年级", school_name="淮北市第一中学")
CAROL = PersonData(name="赵磊", gender="男", grade="九年级", school_name="淮北市第一中学")
DAN = PersonData(name="钱进", gender="男", grade="七年级", school_name="淮北市第一中学")
ADVISER = AdviserData(name="张老师", gender="男", unit="淮北市第一中学", phone="13900000000")
TODAY = date(2026, 3, 20)


def good(**changes) -> EntryData:
    base = EntryData(
        id=10,
        title="雨水回收装置",
        abstract="摘要",
        stage="初中",
        subject="物理与天文学",
        is_team=False,
        completed_on=date(2025, 12, 1),
        contact_phone="0561-3098765",
        data_confirmed=True,
        students=(ALICE,),
        advisers=(ADVISER,),
        files_per_material={1: 1, 2: 1},
        author_id=7,
    )
    return replace(base, **changes)


def check(entry, section=SECTION, others=(), year=2026, within=2, today=TODAY):
    return submission_problems(entry, section, contest_year=year, within_years=within, today=today, others=others)


def texts(problems):
    return [str(p) for p in problems]


def fields(problems):
    return {p.field for p in problems}


def test_a_complete_individual_entry_is_eligible():
    assert check(good()) == []


def test_a_team_of_three_is_eligible_and_four_is_not():
    assert check(good(is_team=True, students=(ALICE, BOB, CAROL))) == []
    problems = check(good(is_team=True, students=(ALICE, BOB, CAROL, DAN)))
    assert "At most 3 students may be entered in this section." in texts(problems)


def test_the_team_limit_is_the_sections_setting():
    two = replace(SECTION, max_team_size=2)
    assert "At most 2 students may be entered in this section." in texts(
        check(good(is_team=True, students=(ALICE, BOB, CAROL)), section=two)
    )


def test_adviser_count_is_limited():
    problems = check(good(advisers=(ADVISER, ADVISER, ADVISER)))
    assert "At most 2 advisers may be entered in this section." in texts(problems)
    assert {"advisers"} <= fields(problems)


def test_individual_only_sections_refuse_teams():
    solo = replace(SECTION, team_allowed=False, max_team_size=3)
    problems = check(good(is_team=True, students=(ALICE, BOB)), section=solo)
    assert any("individual entries only" in t for t in texts(problems))
    assert any("At most 1 students" in t for t in texts(problems))


def test_team_only_sections_refuse_individuals():
    team_only = replace(SECTION, individual_allowed=False)
    assert any("team entries only" in t for t in texts(check(good(), section=team_only)))


def test_individual_with_two_students_or_team_with_one():
    assert any("exactly one student" in t for t in texts(check(good(students=(ALICE, BOB)))))
    assert any("at least two students" in t for t in texts(check(good(is_team=True))))


def test_team_members_must_share_a_stage():
    high = PersonData(name="孙亮", gender="男", grade="高一", school_name="淮北市第一中学")
    problems = check(good(is_team=True, students=(ALICE, high)))
    assert "All team members must be in the same stage (学段); this team has 初中、高中." in texts(problems)
    assert any("not in the stage 初中" in t for t in texts(problems))


def test_a_high_school_and_a_vocational_student_are_no_team():
    high = PersonData(name="孙亮", gender="男", grade="高一", school_name="淮北市第一中学")
    vocational = PersonData(name="周洋", gender="男", grade="中职一年级", school_name="淮北工业与艺术学校")
    section = replace(SECTION, stages=("小学", "初中", "高中", "中专"), subjects={})
    team = good(is_team=True, stage="高中", subject=None, students=(high, vocational))
    problems = texts(check(team, section))
    assert "All team members must be in the same stage (学段); this team has 高中、中专." in problems
    assert "Student 2 (周洋) is in 中职一年级, not in the stage 高中 of the entry." in problems
    # a contest whose rules count 中专 as 高中 takes the same team
    counted_as_high = texts(check(team, replace(section, vocational_own_stage=False)))
    assert not [t for t in counted_as_high if "stage" in t]
    # two vocational students are a team of the 中专 stage
    mate = replace(vocational, name="吴昊", grade="中职二年级")
    assert not [
        t for t in texts(check(replace(team, stage="中专", students=(vocational, mate)), section)) if "stage" in t
    ]


def test_students_must_be_in_the_entrys_stage():
    problems = check(good(stage="小学", subject="物质科学"))
    assert any("is in 八年级, not in the stage 小学" in t for t in texts(problems))


def test_one_entry_per_student_per_contest_with_normalised_names():
    twin = replace(ALICE, name="王\u3000芳 ", school_name=" 淮北市第一中学")
    other = OtherEntry(id=11, state="submitted", title="另一个项目", section_kind="student", students=(twin,))
    problems = check(good(), others=[other])
    assert any("already an author of 另一个项目" in t for t in texts(problems))


def test_drafts_and_rejected_entries_do_not_hold_a_students_place():
    for state in ("draft", "rejected", "withdrawn"):
        other = OtherEntry(id=11, state=state, title="x", section_kind="student", students=(ALICE,))
        assert check(good(), others=[other]) == []


def test_the_entry_itself_is_not_a_duplicate():
    me = OtherEntry(id=10, state="returned", title="雨水回收装置", section_kind="student", students=(ALICE,))
    assert check(good(), others=[me]) == []


def test_same_name_in_another_school_or_grade_is_another_student():
    other_school = replace(ALICE, school_name="淮北市第二中学")
    other = OtherEntry(id=11, state="accepted", title="x", section_kind="student", students=(other_school,))
    assert check(good(), others=[other]) == []


def test_a_student_listed_twice_in_one_team():
    assert "The same student is listed twice." in texts(
        check(good(is_team=True, students=(ALICE, replace(ALICE, name="王 芳"))))
    )


def test_one_counselor_entry_per_teacher_per_contest():
    entry = good(students=(), advisers=(), stage="初中", subject="科教方案类", files_per_material={1: 1})
    assert check(entry, section=COUNSELOR) == []
    mine = OtherEntry(id=12, state="submitted", title="我的方案", section_kind="counselor", author_id=7)
    colleague = OtherEntry(id=13, state="submitted", title="同事方案", section_kind="counselor", author_id=8)
    assert check(entry, section=COUNSELOR, others=[colleague]) == []
    problems = check(entry, section=COUNSELOR, others=[mine])
    assert any("only one counselor project" in t and "我的方案" in t for t in texts(problems))


def test_counselor_sections_take_no_students_or_advisers():
    entry = good(subject="科教方案类", files_per_material={1: 1})
    problems = draft_problems(entry, COUNSELOR)
    assert "This section takes no student authors." in texts(problems)
    assert "This section takes no advisers." in texts(problems)


def test_practice_sections_need_a_group_name_not_students():
    entry = good(students=(), subject=None, files_per_material={})
    assert "The group name (class, club or school) is missing." in texts(check(entry, section=PRACTICE))
    assert check(replace(entry, group_name="八（3）班科技小组"), section=PRACTICE) == []


def test_required_materials_must_be_present():
    problems = check(good(files_per_material={1: 1}))
    assert "Material missing: 申报书." in texts(problems)
    assert "materials" in fields(problems)


def test_too_many_files_for_a_material():
    assert "照片: at most 3 files, 4 uploaded." in texts(check(good(files_per_material={1: 1, 2: 1, 3: 4})))


def test_stage_must_be_allowed():
    only_high = replace(SECTION, stages=("高中",))
    problems = draft_problems(good(), only_high)
    assert problems[0].field == "stage"


def test_subject_must_belong_to_the_stage():
    problems = draft_problems(good(subject="物质科学"), SECTION)
    assert [p.field for p in problems] == ["subject"]


def test_work_completed_within_two_years_before_1_july():
    # Final in 2026, submitted 2026-03-20: two years before 1 July 2026 is 2024-07-01, the first
    # day allowed; the last is the submission day.
    assert work_window(2026, 2, TODAY) == (date(2024, 7, 1), date(2026, 3, 20))
    assert check(good(completed_on=date(2024, 7, 1))) == []
    problems = check(good(completed_on=date(2024, 6, 30)))
    assert any("between 2024-07-01 and 2026-03-20" in t for t in texts(problems))
    assert check(good(completed_on=date(2022, 1, 1)), within=5) == []


def test_completion_date_cannot_be_in_the_future():
    assert "The work completion date cannot be in the future." in texts(check(good(completed_on=date(2026, 4, 1))))


def test_age_limits_need_a_birth_date_and_are_checked_on_1_july():
    kid = PersonData(
        name="小明", gender="男", grade="三年级", school_name="淮北市实验小学", birth_date=date(2017, 7, 2)
    )  # 8 on 1 July 2026
    entry = good(stage="小学", subject=None, students=(kid,), files_per_material={})
    assert check(entry, section=PAINTING) == []
    young = replace(kid, birth_date=date(2021, 7, 2))  # 4
    assert any("is 4 on 1 July 2026" in t for t in texts(check(replace(entry, students=(young,)), section=PAINTING)))
    assert any(
        "date of birth is missing" in t
        for t in texts(check(replace(entry, students=(replace(kid, birth_date=None),)), section=PAINTING))
    )


def test_certificate_data_must_be_confirmed():
    problems = check(good(data_confirmed=False))
    assert [p.field for p in problems] == ["data_confirmed"]


def test_missing_information_is_listed_field_by_field():
    bare = EntryData(title="只有标题")
    problems = check(bare)
    assert {"abstract", "stage", "completed_on", "contact_phone", "students", "materials", "data_confirmed"} <= fields(
        problems
    )


def test_missing_student_and_adviser_details_are_named():
    problems = texts(check(good(students=(PersonData(name="王芳"),), advisers=(AdviserData(name="张老师"),))))
    assert "Student 1 (王芳): the gender is missing." in problems
    assert "Student 1 (王芳): the school is missing." in problems
    assert "Adviser 1 (张老师): the phone number is missing." in problems


def test_a_draft_needs_only_a_title():
    assert draft_problems(EntryData(title="标题"), SECTION) == []
    assert [p.field for p in draft_problems(EntryData(title="  "), SECTION)] == ["title"]


def test_bad_values_in_a_draft():
    entry = EntryData(
        title="t",
        contact_phone="call me",
        students=(PersonData(name="", gender="x", grade="大一"),),
        advisers=(AdviserData(name="张", phone="abc"),),
    )
    problems = texts(draft_problems(entry, SECTION))
    assert "Student 1: the name is required." in problems
    assert "Student 1: choose 男 or 女." in problems
    assert "Student 1: unknown grade 大一." in problems
    assert "Adviser 1: the phone number abc is not valid." in problems
    assert "The contact phone call me is not valid." in problems


def test_normalisation_and_grades():
    assert normalise(" 王\u3000芳\t") == "王芳"
    assert normalise("ＡＢ") == "ab"
    assert student_identity(ALICE) == student_identity(replace(ALICE, name="王 芳"))
    assert stage_of_grade("中职二年级") == "中专"  # a 学段 of its own (national rules)
    assert stage_of_grade("中职二年级", vocational_own_stage=False) == "高中"
    assert stage_of_grade("高二", vocational_own_stage=False) == "高中"
    assert stage_of_grade("大一") is None


@pytest.mark.parametrize(
    "state,contest_open,contest_state,resubmit_by,expected",
    [
        ("draft", True, "open", None, True),
        ("draft", False, "open", None, False),
        ("returned", False, "closed", datetime(2026, 5, 1), True),
        ("returned", False, "closed", datetime(2026, 4, 1), False),
        ("returned", False, "judging", datetime(2026, 5, 1), False),
        ("returned", True, "open", None, True),
        ("returned", False, "closed", None, False),
        ("accepted", True, "open", None, False),
    ],
)
def test_when_an_entry_can_still_be_submitted(state, contest_open, contest_state, resubmit_by, expected):
    now = datetime(2026, 4, 10)
    assert (
        can_still_submit(state, now, contest_open=contest_open, contest_state=contest_state, resubmit_by=resubmit_by)
        is expected
    )


def test_an_invisible_character_does_not_make_another_student():
    twin = replace(ALICE, name="王\u200b芳")
    other = OtherEntry(id=11, state="submitted", title="另一个项目", section_kind="student", students=(twin,))
    assert any("already an author of 另一个项目" in t for t in texts(check(good(), others=[other])))
