"""The 申报书 fields: which a section requires, the missing ones named, the values checked."""

from __future__ import annotations

from datetime import date

from competition.domain.application_fields import (
    ALL_FIELDS,
    missing_problems,
    normalize_required,
    value_problems,
)
from competition.domain.eligibility.data import AdviserData, EntryData, PersonData
from competition.domain.id_numbers import check_character

# 淮北 杜集区 340602, born 2012-03-15, sequence 123: first 17 digits 34060220120315123.
#   3x7 + 4x9 + 0x10 + 6x5 + 0x8 + 2x4 + 2x2 + 0x1 + 1x6 + 2x3 + 0x7 + 3x9 + 1x10 + 5x5 + 1x8
#   + 2x4 + 3x2 = 21 + 36 + 0 + 30 + 0 + 8 + 4 + 0 + 6 + 6 + 0 + 27 + 10 + 25 + 8 + 8 + 6 = 195;
#   195 mod 11 = 8 -> "10X98765432"[8] = "4".
GOOD_ID = "340602201203151234"


def full_student(**kw) -> PersonData:
    values = dict(
        name="张小明",
        gender="男",
        ethnicity="汉族",
        birth_date=date(2012, 3, 1),
        id_number=GOOD_ID,
        grade="六年级",
        school_name="淮北市第一实验小学",
        guardian_name="张建国",
        guardian_relation="父子",
        guardian_work="淮北矿业集团 工程师",
        phone="13905611234",
        address="淮北市相山区人民路1号",
        postcode="235000",
        team_role="设计实验",
        photo_id=7,
    )
    values.update(kw)
    return PersonData(**values)


def full_adviser(**kw) -> AdviserData:
    values = dict(
        name="李老师",
        gender="女",
        age=41,
        major="物理",
        unit="淮北市第一实验小学",
        title="一级教师",
        phone="0561-3098765",
    )
    values.update(kw)
    return AdviserData(**values)


def test_the_hand_worked_number_is_valid() -> None:
    assert check_character(GOOD_ID[:17]) == "4"
    assert value_problems(EntryData(title="t", students=(full_student(),))) == []


def test_required_fields_from_a_definition() -> None:
    assert normalize_required("all") == (ALL_FIELDS, [])
    assert normalize_required(None) == ((), [])
    # given out of order: kept in the form's order; an unknown code is reported
    assert normalize_required(["adviser.age", "student.postcode", "student.shoe_size"]) == (
        ("student.postcode", "adviser.age"),
        ["student.shoe_size"],
    )
    assert "student.photo" in ALL_FIELDS and "student.team_role" in ALL_FIELDS and len(ALL_FIELDS) == 22


def test_a_missing_field_names_the_student_and_the_field() -> None:
    entry = EntryData(title="t", students=(full_student(ethnicity=" ", photo_id=None),), advisers=(full_adviser(),))
    found = [str(m) for m in missing_problems(entry, ALL_FIELDS)]
    # 分工 is asked of team members only: this entry is individual
    assert found == ["Student 张小明: Ethnicity is missing.", "Student 张小明: ID photo is missing."]
    team = EntryData(
        title="t",
        is_team=True,
        students=(full_student(), full_student(name="", team_role=None)),
        advisers=(full_adviser(title=None, age=None),),
    )
    assert [str(m) for m in missing_problems(team, ALL_FIELDS)] == [
        "Student #2: Part in the team's work is missing.",
        "Adviser 李老师: Age is missing.",
        "Adviser 李老师: Professional title is missing.",
    ]
    # a section that requires nothing keeps today's behaviour
    assert missing_problems(team, ()) == []


def test_bad_values_are_named() -> None:
    wrong_check = GOOD_ID[:17] + "5"
    entry = EntryData(
        title="t",
        students=(
            full_student(id_number=wrong_check),
            full_student(name="王芳", birth_date=date(2012, 4, 1)),  # the number says 2012-03
            full_student(name="赵强", postcode="23500", phone="12345"),
        ),
        advisers=(full_adviser(age=17), full_adviser(name="钱老师", age=90)),
    )
    assert [str(m) for m in value_problems(entry)] == [
        "Student 张小明: identity card number: The last character of the identity card number should be 4: "
        "check the number for a typo.",
        "Student 王芳: identity card number: The identity card number gives the birth month 2012-03, "
        "the form says 2012-04.",
        "Student 赵强: the postcode 23500 is not 6 digits.",
        "Student 赵强: the phone number 12345 is not valid.",
        "Adviser 李老师: the age 17 is not between 18 and 90.",
    ]
