"""The entry form's 申报书 fields as a teacher uses them: a bad 身份证号 named in Chinese with the
typing kept, a draft saved incomplete and submission refused naming the student and the field,
rows moved up and down without JavaScript, the photo uploaded, and the 身份证号 masked for a
reviewer but whole for the entry's teacher and the organizer; the section's required fields."""

from __future__ import annotations

import io
import re

from competition.extensions import db
from competition.models import Entry
from tests.factories.teacher import PHOTO_JPG, REPORT_PDF, form_data, ready_entry
from tests.web.html_check import Page

# 淮北 相山区 340603, born 2011-05-01, sequence 016: the weighted sum of the first 17 digits is
#   3x7 + 4x9 + 0x10 + 6x5 + 0x8 + 3x4 + 2x2 + 0x1 + 1x6 + 1x3 + 0x7 + 5x9 + 0x10 + 1x5 + 0x8 + 1x4
#   + 6x2 = 178; 178 mod 11 = 2 -> "10X98765432"[2] = "X".
ID_1 = "34060320110501016X"
MASKED_1 = "340603********016X"


def check_page(html: str) -> None:
    page = Page(html)
    assert page.duplicate_ids() == [] and page.label_problems() == []


def applicant(n: int, name: str, **kw) -> dict:
    values = {
        "name": name,
        "gender": "女",
        "grade": "八年级",
        "school_name": "淮北市第一中学",
        "birth_date": "2011-05-01",
        "ethnicity": "汉族",
        "id_number": ID_1 if n == 0 else "",
        "guardian_name": "王建国",
        "guardian_relation": "父女",
        "guardian_work": "淮北矿业集团 工程师",
        "phone": "13905611234",
        "address": "安徽省淮北市相山区人民路1号",
        "postcode": "235000",
        "team_role": "设计实验",
    }
    values.update(kw)
    return {f"students-{n}-{k}": v for k, v in values.items()}


def post_form(client, entry, **extra):
    data = form_data(entry, **{"advisers-0-age": "41", "advisers-0-major": "物理", "advisers-0-title": "一级教师"})
    data.update(applicant(0, "王芳"))
    data.update(extra)
    return client.post(f"/teacher/entries/{entry.id}/edit", data=data)


def test_a_bad_id_number_is_named_in_chinese_and_the_typing_is_kept(client, world, login_as):
    login_as(world.teacher1)
    resp = post_form(
        client, world.entry1, **{"students-0-id_number": "340603201105010161", "students-0-postcode": "2350"}
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    check_page(page)
    assert "学生王芳的身份证号：按校验规则，身份证号最后一位应为X，请检查号码是否输错。" in page
    assert "学生王芳：邮编 2350 不是6位数字。" in page
    assert 'value="340603201105010161"' in page and "淮北矿业集团 工程师" in page
    db.session.expire_all()
    assert db.session.get(Entry, world.entry1.id).students[0].name != "王芳"  # nothing saved


def test_a_draft_is_saved_incomplete_and_submission_names_the_missing_field(client, world, login_as):
    login_as(world.teacher1)
    resp = post_form(client, world.entry1, **{"students-0-ethnicity": "", "students-0-guardian_name": " "})
    assert resp.status_code == 302  # the draft is saved without them
    entry = db.session.get(Entry, world.entry1.id)
    assert (entry.students[0].id_number, entry.students[0].ethnicity) == (ID_1, None)
    ready_entry(entry)  # materials, and the photo (the factory fills only blanks: clear two again)
    entry.students[0].ethnicity = None
    entry.students[0].guardian_name = None
    db.session.commit()
    page = client.get(f"/teacher/entries/{entry.id}").get_data(as_text=True)
    assert "学生王芳：未填写民族。" in page and "学生王芳：未填写家长姓名。" in page
    resp = client.post(f"/teacher/entries/{entry.id}/submit", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "学生王芳：未填写民族。" in page
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).state == "draft"


def test_rows_move_up_and_down_without_javascript_and_the_order_is_saved(client, world, login_as):
    login_as(world.teacher1)
    team = {"is_team": "1", **applicant(1, "李明", gender="男"), **applicant(2, "赵磊", gender="男")}
    two_advisers = {"advisers-1-name": "钱老师", "advisers-1-age": "50"}
    resp = post_form(client, world.entry1, move="students-2-up", **team, **two_advisers)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    check_page(page)
    names = re.findall(r'name="students-(\d)-name"[^>]*value="([^"]*)"', page)
    assert [n for _i, n in names] == ["王芳", "赵磊", "李明"]
    assert "顺序已调整，点击“保存草稿”后生效。" in page
    # the moved row's button has the focus again, at its new place
    assert re.search(r'value="students-1-up"[^>]*autofocus', page.replace("\n", " "))
    db.session.expire_all()
    assert [s.name for s in db.session.get(Entry, world.entry1.id).students] != ["王芳", "赵磊", "李明"]
    # the first row cannot move up: the page comes back unchanged; then the form is saved
    resp = post_form(client, world.entry1, move="advisers-1-up", **team, **two_advisers)
    names = re.findall(r'name="advisers-(\d)-name"[^>]*value="([^"]*)"', resp.get_data(as_text=True))
    assert [n for _i, n in names] == ["钱老师", "张老师"]
    moved = {**team, **applicant(1, "赵磊", gender="男"), **applicant(2, "李明", gender="男")}
    resp = post_form(client, world.entry1, **moved, **{"advisers-0-name": "钱老师", "advisers-1-name": "张老师"})
    assert resp.status_code == 302
    entry = db.session.get(Entry, world.entry1.id)
    assert [(s.position, s.name) for s in entry.students] == [(0, "王芳"), (1, "赵磊"), (2, "李明")]
    assert [a.name for a in entry.advisers] == ["钱老师", "张老师"]


def test_the_photo_is_uploaded_checked_and_shown_to_those_who_see_the_entry(client, world, login_as):
    login_as(world.teacher1)
    post_form(client, world.entry1)
    student = db.session.get(Entry, world.entry1.id).students[0]
    url = f"/teacher/entries/{world.entry1.id}/students/{student.id}/photo"
    resp = client.post(
        url, data={"file": (io.BytesIO(REPORT_PDF.read_bytes()), "照片.jpg")}, content_type="multipart/form-data"
    )
    assert resp.status_code == 400
    assert "实际是 PDF 文件，而“王芳的免冠照片”只接受 JPG、PNG 格式" in resp.get_data(as_text=True)
    resp = client.post(
        url, data={"file": (io.BytesIO(PHOTO_JPG.read_bytes()), "照片.jpg")}, content_type="multipart/form-data"
    )
    assert resp.status_code == 302
    photo_url = f"/files/entries/{world.entry1.id}/students/{student.id}/photo"
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert photo_url in page
    shown = client.get(photo_url)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg" and shown.data[:2] == b"\xff\xd8"
    # the photo survives saving the form again (the row carries it)
    post_form(client, world.entry1, **{"students-0-photo_id": str(student.photo_id)})
    assert db.session.get(Entry, world.entry1.id).students[0].photo_id is not None
    login_as(world.judge1)
    assert client.get(photo_url).status_code == 404
    login_as(world.teacher2)
    assert client.get(photo_url).status_code == 404


def test_the_id_number_is_masked_for_a_reviewer_and_whole_for_the_teacher_and_organizer(client, world, login_as):
    login_as(world.teacher1)
    post_form(client, world.entry1)
    entry = db.session.get(Entry, world.entry1.id)
    ready_entry(entry)
    assert client.post(f"/teacher/entries/{entry.id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).state == "submitted"
    teacher_page = client.get(f"/teacher/entries/{entry.id}").get_data(as_text=True)
    assert ID_1 in teacher_page
    login_as(world.reviewer1)
    review_page = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert MASKED_1 in review_page and ID_1 not in review_page and "王芳" in review_page
    login_as(world.organizer)
    organizer_page = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert ID_1 in organizer_page


def test_the_organizer_sets_a_section_s_required_fields_while_entries_are_taken(client, world, login_as):
    section = world.entry1.section
    url = f"/organizer/contests/{world.contest.id}/sections/{section.id}/fields"
    login_as(world.organizer)
    page = client.get(url).get_data(as_text=True)
    check_page(page)
    assert "身份证号" in page and "职称" in page and page.count("checked") == 22
    resp = client.post(url, data={"fields": ["student.id_number", "adviser.title"]})
    assert resp.status_code == 302
    db.session.expire_all()
    assert world.entry1.section.required_fields == ["student.id_number", "adviser.title"]
    world.contest.state = "closed"
    db.session.commit()
    resp = client.post(url, data={"fields": ["student.photo"]}, follow_redirects=True)
    assert "申报已截止，申报书必填项不能再修改" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert world.entry1.section.required_fields == ["student.id_number", "adviser.title"]
