"""Hostile text through real form posts: control characters refused naming the field, an
invisible character cannot make a second entry for one student, one phone rule, Chinese length
messages, and import files that are empty, UTF-16 or hold NUL bytes named for what they are."""

import io

from competition.extensions import db
from competition.models import Entry, School
from tests import factories as f
from tests.factories.teacher import form_data


def _new_entry(client, world, **overrides):
    section = f.section(world.contest, "XS")
    data = form_data(None, section=str(section.id), **overrides)
    return client.post(f"/teacher/entries/new?contest={world.contest.id}", data=data)


def test_a_control_character_in_a_student_name_is_refused_and_nothing_saved(client, world, login_as):
    login_as(world.teacher1)
    before = db.session.query(Entry).count()
    resp = _new_entry(client, world, title="带控制符的作品", **{"students-0-name": "王\x1b芳"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "含有不允许的字符 控制字符 U+001B" in page
    assert db.session.query(Entry).count() == before


def test_a_twelve_digit_mobile_is_refused_on_the_entry_form(client, world, login_as):
    login_as(world.teacher1)
    resp = _new_entry(client, world, title="十二位手机", **{"advisers-0-phone": "139000000001"})
    assert resp.status_code == 400
    assert "电话号码“139000000001”格式不正确" in resp.get_data(as_text=True)
    assert db.session.query(Entry).filter_by(title="十二位手机").count() == 0


def test_a_long_phone_is_not_echoed_back(client, world, login_as):
    login_as(world.teacher1)
    resp = _new_entry(client, world, title="长电话", contact_phone="9" * 29)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "“" + "9" * 21 not in page  # the message quotes a short prefix only


def test_the_length_message_of_a_student_name_is_chinese(client, world, login_as):
    login_as(world.teacher1)
    resp = _new_entry(client, world, title="名字太长", **{"students-0-name": "王" * 51})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Field cannot be longer" not in page
    assert "最多 50 个字符" in page


def test_a_control_character_in_a_school_name_is_refused(client, world, login_as):
    login_as(world.organizer)
    resp = client.post("/organizer/accounts/schools/new", data={"name": "坏\x1b学校", "district_id": str(world.d1.id)})
    page = resp.get_data(as_text=True)
    assert "含有不允许的字符 控制字符 U+001B" in page
    assert db.session.query(School).filter(School.name.like("%学校")).filter(School.name.contains("\x1b")).count() == 0


def _import(client, data: bytes, name: str):
    return client.post(
        "/organizer/imports",
        data={"kind": "teachers", "contest_id": "0", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)


def test_import_files_that_are_empty_utf16_or_hold_nul_are_named(client, world, login_as):
    login_as(world.organizer)
    page = _import(client, b"", "t.csv")
    assert "是空的" in page and "请选择要导入的文件" not in page
    page = _import(client, "姓名,学校\n王芳,一中\n".encode("utf-16"), "t.csv")
    assert "UTF-16 编码" in page
    page = _import(client, "姓名,学校\n王\x00芳,一中\n".encode(), "t.csv")
    assert "空字符（NUL）" in page
