"""File names of materials from the contest's pattern (domain/file_names)."""

from __future__ import annotations

import pytest

from competition.domain.explain import text
from competition.domain.file_names import DEFAULT_PATTERN, material_file_name, pattern_problem

ENTRY = {
    "section": "学生科技创新成果",
    "school": "淮北市第一中学",
    "title": "濉河水质调查",
    "authors": ["张三", "李四"],
    "number": "CX2026-XS-007",
    "stage": "高中",
}


def test_the_default_is_anhuis_naming_with_the_material_after_it() -> None:
    # 参赛项目+学校+项目名称+参赛人员姓名, then _研究报告 so the materials of one entry differ
    name = material_file_name(DEFAULT_PATTERN, **ENTRY, material="研究报告", extension="pdf")
    assert name == "学生科技创新成果+淮北市第一中学+濉河水质调查+张三、李四_研究报告.pdf"


def test_a_material_with_several_files_numbers_them_and_a_pattern_may_place_the_material() -> None:
    name = material_file_name("{number}-{material}", **ENTRY, material="照片", index=2, extension="jpg")
    assert name == "CX2026-XS-007-照片_2.jpg"


def test_a_pattern_that_failed_the_check_falls_back_to_the_default() -> None:
    name = material_file_name("{entry.__class__}", **ENTRY, material="研究报告")
    assert name == "学生科技创新成果+淮北市第一中学+濉河水质调查+张三、李四_研究报告"


@pytest.mark.parametrize(
    "pattern,says",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("{section", "unbalanced"),
        ("{teacher}", "{teacher}"),
        ("{title:>200}", "{title:>200}"),
        ("{title!r}", "{title!r}"),
        ("{title.upper}", "{title.upper}"),
        ("申报材料", "no field"),
        ("{title}" * 20, "longer than 120"),
    ],
)
def test_bad_patterns_are_refused_with_the_reason(pattern: str, says: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None and says in text(problem)


def test_good_patterns_pass() -> None:
    assert pattern_problem(DEFAULT_PATTERN) is None
    assert pattern_problem("{stage}_{number}_{material}") is None
