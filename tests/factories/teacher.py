"""Helpers for the teacher's workflow tests: complete entries, real sample uploads, files on disk."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

from flask import current_app

from competition.domain.eligibility.grades import normalise
from competition.domain.id_numbers import check_character
from competition.extensions import db
from competition.models import MaterialRequirement
from competition.services import submissions
from tests.factories import SAMPLES, make_user

REPORT_PDF = SAMPLES / "research_report_sample.pdf"
REPORT_DOCX = SAMPLES / "research_report_sample.docx"
PHOTO_JPG = SAMPLES / "photo_sample.jpg"
DIAGRAM_PNG = SAMPLES / "diagram_sample.png"


def requirement(entry, code: str) -> MaterialRequirement:
    return next(m for m in entry.section.materials if m.code == code)


def valid_id_number(birth: date, name: str) -> str:
    """A 身份证号 of 淮北 相山区 that carries ``birth``; the sequence comes from the name, so one
    student in two entries has one number (the one-entry rule knows a student by it)."""
    first17 = f"340603{birth:%Y%m%d}{int(hashlib.sha1(name.encode()).hexdigest(), 16) % 1000:03d}"
    return first17 + check_character(first17)


def complete_application(entry) -> None:
    """Fill the 申报书 fields the section requires, the photo uploaded through the service."""
    wanted = set(entry.section.required_fields or ())
    if not wanted:
        return
    actor = entry.created_by or make_user("teacher", school=entry.school)
    for s in entry.students:
        s.birth_date = s.birth_date or date(entry.contest.year - 14, 5, 1)
        s.ethnicity = s.ethnicity or "汉族"
        s.id_number = s.id_number or valid_id_number(
            s.birth_date, "|".join(map(normalise, (s.name, s.school_name, s.grade)))
        )
        s.guardian_name = s.guardian_name or "张建国"
        s.guardian_relation = s.guardian_relation or "父子"
        s.guardian_work = s.guardian_work or "淮北矿业集团 工程师"
        s.phone = s.phone or "13905611234"
        s.address = s.address or "安徽省淮北市相山区人民路1号"
        s.postcode = s.postcode or "235000"
        if entry.is_team:
            s.team_role = s.team_role or "设计实验"
        if s.photo is None and "student.photo" in wanted:
            with open(PHOTO_JPG, "rb") as fh:
                submissions.store_student_photo(s, fh, "照片.jpg", actor=actor)
    for a in entry.advisers:
        a.age = a.age or 40
        a.major = a.major or "物理"
        a.title = a.title or "一级教师"
        a.phone = a.phone or "0561-3098765"
        a.unit = a.unit or entry.school.name
        a.gender = a.gender or "女"


def complete(entry, *, students=None, advisers=None) -> None:
    """Fill every field the section asks for (no materials)."""
    entry.abstract = entry.abstract or "研究摘要"
    entry.completed_on = date(entry.contest.year - 1, 12, 1)
    entry.contact_phone = "0561-3098765"
    entry.data_confirmed = True
    for s in entry.students:
        s.gender = s.gender or "男"
        s.grade = s.grade or "八年级"
        s.school_name = s.school_name or entry.school.name
    db.session.flush()
    complete_application(entry)
    db.session.flush()


def attach(entry, code: str, path: Path = REPORT_PDF, *, actor=None, name: str | None = None):
    """Store a real sample file through the service, as an upload would."""
    with open(path, "rb") as fh:
        attachment = submissions.store_upload(
            entry, requirement(entry, code), fh, name or path.name, actor=actor or entry.created_by
        )
    db.session.flush()
    return attachment


def ready_entry(entry, actor=None):
    """An entry that passes every rule: fields complete and required materials uploaded."""
    complete(entry)
    for material in entry.section.materials:
        if not material.required:
            continue
        if material.is_application_form:
            attach(entry, material.code, PHOTO_JPG, actor=actor, name="申报书扫描.jpg")
        else:
            attach(entry, material.code, REPORT_PDF if "pdf" in material.file_kinds else PHOTO_JPG, actor=actor)
    db.session.commit()
    return entry


def upload(client, entry_id: int, requirement_id: int, data: bytes | Path, filename: str | None = None):
    if isinstance(data, Path):
        filename = filename or data.name
        data = data.read_bytes()
    return client.post(
        f"/teacher/entries/{entry_id}/materials/{requirement_id}",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def files_on_disk() -> list[Path]:
    """Every stored file under the upload root, leftovers of unfinished uploads included."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def form_data(entry=None, **overrides) -> dict:
    """A complete entry form as a browser posts it."""
    data = {
        "title": "校园雨水回收装置",
        "abstract": "研究摘要",
        "stage": "初中",
        "subject": "物理与天文学",
        "is_team": "0",
        "completed_on": "2025-12-01",
        "contact_phone": "0561-3098765",
        "data_confirmed": "y",
        "students-0-name": "王芳",
        "students-0-gender": "女",
        "students-0-grade": "八年级",
        "students-0-school_name": "淮北市第一中学",
        "advisers-0-name": "张老师",
        "advisers-0-gender": "男",
        "advisers-0-unit": "淮北市第一中学",
        "advisers-0-phone": "13900000000",
    }
    if entry is not None:
        data["section"] = str(entry.section_id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
