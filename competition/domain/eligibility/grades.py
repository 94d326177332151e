"""学段 and 年级, genders, and who a student is across entries (normalised name + school + grade)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ..characters import identity
from .data import PersonData

# 年级 as printed on certificates, and the stage (学段) each belongs to. 中等职业学校 (中专, 职高) is a
# 学段 of its own in the national rules, so a team of a 高中 and a 中专 student is refused; a
# contest whose rules count it as 高中 turns the vocational_own_stage setting off.
GRADES: dict[str, str] = {
    "一年级": "小学",
    "二年级": "小学",
    "三年级": "小学",
    "四年级": "小学",
    "五年级": "小学",
    "六年级": "小学",
    "七年级": "初中",
    "八年级": "初中",
    "九年级": "初中",
    "高一": "高中",
    "高二": "高中",
    "高三": "高中",
    "中职一年级": "中专",
    "中职二年级": "中专",
    "中职三年级": "中专",
}
GENDERS = ("男", "女")


def normalise(text: str | None) -> str:
    """NFKC, no whitespace of any width: '王\u3000芳 ' and '王芳' are the same person's name."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", identity(text or ""))).lower()


def student_identity(person: PersonData) -> tuple[str, str, str]:
    """Name + school + grade, normalised: who a student is when the form has no 身份证号."""
    return normalise(person.name), normalise(person.school_name), normalise(person.grade)


def same_student(a: PersonData, b: PersonData) -> bool:
    """Two records are one student when both carry a 身份证号 and the numbers agree; when either
    lacks one, when name, school and grade agree (normalised). Two 王芳 of one class with different
    身份证号 are two students; a record without a grade (an imported registration) names nobody
    for sure, so it matches no one by name."""
    id_a, id_b = normalise(a.id_number), normalise(b.id_number)
    if id_a and id_b:
        return id_a == id_b
    if blank(a.grade) or blank(b.grade):
        return False
    return student_identity(a) == student_identity(b)


VOCATIONAL = "中专"


def stage_of_grade(grade: str | None, *, vocational_own_stage: bool = True) -> str | None:
    stage = GRADES.get((grade or "").strip())
    return "高中" if stage == VOCATIONAL and not vocational_own_stage else stage


def work_window(final_year: int, within_years: int, submitted_on: date) -> tuple[date, date]:
    """The first and the last day (both allowed) the work may have been finished: within N years
    before 1 July of the final's year, and not after the day it is submitted."""
    return date(final_year - within_years, 7, 1), min(submitted_on, date(final_year, 6, 30))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
