"""Hostile input at the service level: identity fields stored without invisible characters,
a file name's direction override neutralised, UTF-16 and NUL CSVs named, and phone messages that
quote only a short prefix."""

import pytest

from competition.adapters import spreadsheets as sheets
from competition.domain.eligibility import AdviserData, EntryData, PersonData
from competition.services import ServiceError, submissions, users
from competition.services.imports import COLUMNS
from tests import factories as f
from tests.factories.teacher import REPORT_PDF, attach


def test_student_and_adviser_names_are_stored_without_invisible_characters(world):
    section = f.section(world.contest, "XS")
    data = EntryData(
        title="雨水回收",
        students=(PersonData(name="王\u200b芳", school_name="淮北市\u2060第一中学"),),
        advisers=(AdviserData(name="张\u00ad老师", phone="139\u200b00000000"),),
    )
    entry = submissions.save_draft(
        None, data, section_id=section.id, school=world.s1, actor=world.teacher1, contest=world.contest
    )
    assert entry.students[0].name == "王芳"
    assert entry.students[0].school_name == "淮北市第一中学"
    assert entry.advisers[0].name == "张老师"
    assert entry.advisers[0].phone == "13900000000"


def test_a_file_names_direction_override_is_neutralised(world):
    attachment = attach(world.entry1, "report", REPORT_PDF, name="报告\u202efdp.exe.pdf")
    assert "\u202e" not in attachment.original_name


def test_utf16_and_nul_csvs_are_named():
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table("姓名,学校\n王芳,一中\n".encode("utf-16"), "t.csv", COLUMNS["teachers"])
    assert "UTF-16" in str(exc.value.message)
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table("姓名,学校\n王\x00芳,一中\n".encode(), "t.csv", COLUMNS["teachers"])
    assert "NUL" in str(exc.value.message)


def test_a_school_phone_error_quotes_a_short_prefix_only(world):
    with pytest.raises(ServiceError) as exc:
        users.save_school(
            None, name="新学校", district_id=world.d1.id, contact_phone="9" * 10000, actor=world.organizer
        )
    assert len(exc.value.message) < 100


def test_a_school_name_is_stored_without_invisible_characters(world):
    school = users.save_school(None, name="淮北市\u200b第九中学", district_id=world.d1.id, actor=world.organizer)
    assert school.name == "淮北市第九中学"


def test_an_import_cell_with_a_control_character_makes_its_row_a_problem(world):
    from competition.services import imports

    data = "学校名称,所属区县\n淮北市第\x1b九中学,相山区\n淮北市第十中学,相山区\n".encode()
    plan = imports.preview("schools", data, "schools.csv")
    bad, good = plan.rows
    assert bad.action == "error"
    assert any("第 2 行" in p and "控制字符 U+001B" in p for p in bad.problems), bad.problems
    assert good.action != "error"
    assert not plan.ok


def test_invisible_characters_in_identity_cells_are_removed_so_an_import_matches(world):
    from competition.services import imports

    teacher = world.teacher1
    teacher.phone = "13900000001"
    data = (
        "学校名称,姓名,手机,用户名\n"
        "淮北市第一\u200b中学,张\u200d老\u00ad师,139\u200b0000\u20600001,\ufeffteacher1\n"
        "淮北市第一中学,王\u200b芳,\u200e13900000002,\n"
    ).encode()
    plan = imports.preview("teachers", data, "teachers.csv")
    same, new = plan.rows
    assert not same.problems and not new.problems, (same.problems, new.problems)
    assert same.action in ("same", "update") and same.payload["id"] == teacher.id
    assert new.action == "create"
    assert new.payload["values"]["name"] == "王芳" and new.payload["values"]["phone"] == "13900000002"
    assert plan.ok
