"""The application form (申报书): a Chinese A4 PDF with the entered data, checked with poppler."""

import subprocess

from competition.models import Adviser, Student
from competition.services.application_form import application_form_filename, render_application_form
from tests import factories as f


def pdf_text(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def pdf_info(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_form_carries_the_entered_data(world, tmp_path):
    entry = world.entry1
    entry.abstract = "利用校园屋顶收集雨水，过滤后用于绿化灌溉。"
    entry.contact_phone = "0561-3098765"
    entry.students.append(Student(position=1, name="李堃", gender="男", grade="八年级", school_name="淮北市第一中学"))
    entry.is_team = True
    entry.advisers.append(Adviser(position=0, name="张喆", gender="女", unit="淮北市第一中学", phone="13900000000"))
    pdf = render_application_form(entry)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(tmp_path, pdf)
    for expected in (
        world.contest.full_name,
        "申报书",
        "学生科技创新成果",
        "初中",
        "物理与天文学",
        "校园雨水回收装置",
        "利用校园屋顶收集雨水",
        "李堃",
        "八年级",
        "淮北市第一中学",
        "张喆",
        "13900000000",
        "集体",
        "学校盖章",
        "每页均需签字",
        "第 1 页，共",
        "声明",
        "签名",
    ):
        assert expected in text, expected
    assert text.count("签名：") >= 3  # one line for each student and adviser
    fonts = pdf_fonts(tmp_path, pdf)
    assert "CJK" in fonts and " yes " in fonts
    assert "595.276 x 841.89" in pdf_info(tmp_path, pdf) or "595 x 842" in pdf_info(tmp_path, pdf)  # A4 portrait


def test_counselor_form_names_the_teacher_as_author(world, tmp_path):
    entry = f.make_entry(
        world.contest, world.s1, section_code="FD", teacher=world.teacher1, subject="科教方案类", title="科学课教学方案"
    )
    text = pdf_text(tmp_path, render_application_form(entry))
    assert "科技辅导员（个人）" in text and "张老师" in text and "科学课教学方案" in text


def test_html_in_entered_data_is_printed_as_text(world, tmp_path):
    entry = world.entry1
    entry.title = '<img src="http://127.0.0.1:9/x.png">雨水'
    text = pdf_text(tmp_path, render_application_form(entry))
    assert '<img src="http://127.0.0.1:9/x.png">雨水' in text.replace("\n", "")


def test_filename(world):
    assert application_form_filename(world.entry1) == f"申报书_{world.entry1.id}.pdf"
