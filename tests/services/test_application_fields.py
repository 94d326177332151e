"""The 申报书 fields through the real database: saved with a draft, required for submission as the
section says, the photo checked as uploads are, the order kept, the printed form paged and signed."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from competition.domain.eligibility import AdviserData, EntryData, PersonData
from competition.extensions import db
from competition.i18n.messages import translate
from competition.models import StudentPhoto
from competition.services import ServiceError, submissions
from competition.services.application_form import render_application_form
from tests import factories as f
from tests.factories.teacher import PHOTO_JPG, REPORT_PDF, complete, ready_entry

# 淮北 相山区 340603, born 2011-05-01, sequence 016: 3x7 + 4x9 + 0x10 + 6x5 + 0x8 + 3x4 + 2x2
#   + 0x1 + 1x6 + 1x3 + 0x7 + 5x9 + 0x10 + 1x5 + 0x8 + 1x4 + 6x2
#   = 21 + 36 + 0 + 30 + 0 + 12 + 4 + 0 + 6 + 3 + 0 + 45 + 0 + 5 + 0 + 4 + 12 = 178; 178 mod 11 = 2 -> "X"
ID_1 = "34060320110501016X"


def student(name="张小明", **kw) -> PersonData:
    values = dict(
        name=name,
        gender="男",
        grade="八年级",
        school_name="淮北市第一中学",
        birth_date=date(2011, 5, 1),
        ethnicity="汉族",
        id_number=ID_1.lower(),  # a lower-case x is stored as X
        guardian_name="张建国",
        guardian_relation="父子",
        guardian_work="淮北矿业集团 工程师",
        phone="139 0561 1234",
        address="安徽省淮北市相山区人民路1号",
        postcode="235000",
        team_role="设计实验",
    )
    values.update(kw)
    return PersonData(**values)


def draft(entry, students, advisers=()) -> EntryData:
    return EntryData(
        title=entry.title,
        abstract="研究摘要",
        stage="初中",
        subject="物理与天文学",
        is_team=len(students) > 1,
        completed_on=date(entry.contest.year - 1, 12, 1),
        contact_phone="0561-3098765",
        data_confirmed=True,
        students=tuple(students),
        advisers=tuple(advisers),
    )


def save(world, entry, students, advisers=()):
    return submissions.save_draft(
        entry, draft(entry, students, advisers), section_id=entry.section_id, school=world.s1, actor=world.teacher1
    )


def test_the_fields_are_saved_cleaned_and_the_photo_follows_its_student(world):
    entry = world.entry1
    save(world, entry, [student()], [AdviserData(name="李老师", gender="女", age=41, major="物理", title="一级教师")])
    s = entry.students[0]
    assert (s.id_number, s.phone, s.ethnicity, s.postcode) == (ID_1, "13905611234", "汉族", "235000")
    assert s.team_role is None  # an individual entry has no 分工
    assert (entry.advisers[0].age, entry.advisers[0].major, entry.advisers[0].title) == (41, "物理", "一级教师")
    with open(PHOTO_JPG, "rb") as fh:
        photo = submissions.store_student_photo(s, fh, "照片.jpg", actor=world.teacher1)
    assert photo.file_kind == "jpg" and s.photo_id == photo.id
    # The form saves again with the rows in another order: the photo goes with its student.
    save(world, entry, [student("王芳", id_number=None), student(photo_id=photo.id)])
    assert [(x.name, x.photo_id, x.position) for x in entry.students] == [("王芳", None, 0), ("张小明", photo.id, 1)]
    # A photo id of another entry is not taken.
    other = f.make_entry(world.contest, world.s1, teacher=world.teacher1)
    save(world, other, [student("赵强", id_number=None, photo_id=photo.id)])
    assert other.students[0].photo_id is None


def test_a_photo_that_is_no_image_is_refused_and_nothing_is_kept(world):
    s = world.entry1.students[0]
    with open(REPORT_PDF, "rb") as fh, pytest.raises(ServiceError) as err:
        submissions.store_student_photo(s, fh, "照片.jpg", actor=world.teacher1)
    assert "PDF" in err.value.message and "免冠照片" in err.value.message
    assert db.session.query(StudentPhoto).count() == 0


def test_a_bad_id_number_is_refused_even_in_a_draft(world):
    with pytest.raises(submissions.EntryProblems) as err:
        save(world, world.entry1, [student(id_number=ID_1[:17] + "1")])
    assert err.value.errors == [
        ("students", "学生张小明的身份证号：按校验规则，身份证号最后一位应为X，请检查号码是否输错。"),
    ]


def test_submission_names_each_missing_field_a_draft_is_saved_without_them(world):
    entry = world.entry1
    save(world, entry, [student(ethnicity=None, address=" "), student("王芳", id_number=None, team_role=None)])
    assert [x.name for x in entry.students] == ["张小明", "王芳"]  # the draft is kept
    ready_entry(entry)  # fills only what is blank: fill back the ones this test wants missing
    entry.students[0].ethnicity = None
    entry.students[1].team_role = None
    db.session.flush()
    with pytest.raises(submissions.EntryProblems) as err:
        submissions.submit(entry, actor=world.teacher1)
    assert [text for _f, text in err.value.errors] == [
        "学生张小明：未填写民族。",
        "学生王芳：未填写分工。",
    ]


def test_a_section_without_required_fields_keeps_today_s_rules(world):
    contest = f.make_contest("invention", code="HB2026-FM-R")
    entry = f.make_entry(contest, world.s1, section_code="FM", subject="机械", teacher=world.teacher1)
    complete(entry)
    assert entry.section.required_fields == []
    assert [translate(p) for p in submissions.problems(entry) if p.field in ("students", "advisers")] == []
    assert world.entry1.section.required_fields[:3] == ["student.name", "student.gender", "student.ethnicity"]


def pdf_pages(tmp_path, pdf: bytes) -> list[str]:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_every_page_of_the_form_carries_the_number_and_page_x_of_y(world, tmp_path):
    entry = world.entry1
    save(
        world,
        entry,
        [student(), student("王芳", id_number=None), student("李堃", id_number=None)],
        [AdviserData(name="李老师", age=41), AdviserData(name="赵老师", age=50)],
    )
    complete(entry)
    entry.number = "CX2026-XS-007"
    pdf = render_application_form(entry, whole_id_numbers=True)
    (tmp_path / "shown.pdf").write_bytes(pdf)
    pages = pdf_pages(tmp_path, pdf)
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        assert "项目 CX2026-XS-007" in page, n
        assert f"第 {n} 页，共 {len(pages)} 页" in page, n
    text = "".join(pages)
    # the order of the form: 张小明 first author, 李老师 first adviser
    assert text.index("张小明") < text.index("王芳") < text.index("李堃") and "第一作者" in text
    assert text.index("李老师") < text.index("赵老师") and "第一指导教师" in text
    assert ID_1 in text and "汉族" in text and "235000" in text
    # the heading is letter-spaced: pdftotext reads 确 认 事 宜
    confirm = next(p for p in (page.replace(" ", "") for page in pages) if "确认事宜" in p)
    for name in ("张小明", "王芳", "李堃"):
        assert f"申报者：{name}" in confirm
    assert confirm.count("申报者签名：") == 3 and confirm.count("监护人签名：") == 3
    # for a reader who may not read the numbers, they are masked
    masked = "".join(pdf_pages(tmp_path, render_application_form(entry)))
    assert ID_1 not in masked and "340603********016X" in masked
