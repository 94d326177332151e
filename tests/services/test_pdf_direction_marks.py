"""A direction override stored in a name (old data, or free text) must not print the rest of the
line backwards in a PDF: the 申报书, the score sheets and the certificates, read back with poppler."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from competition.extensions import db
from competition.models import Certificate, ScoreSheet, Student
from competition.services import certificates, exports
from competition.services.application_form import render_application_form
from tests.factories.certificates import awarded_world
from tests.factories.exports import build_ranked

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it prints right to left
MARKS = "\u202e\u202d\u2067\u200f\u061c"


def shown(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


def test_the_application_form_prints_text_after_an_override_in_order(world, tmp_path):
    entry = world.entry1
    entry.title = f"雨水{OVERRIDE}回收装置Alpha"
    entry.students.append(
        Student(position=1, name=f"王{MARKS}甲乙丙", gender="男", grade="八年级", school_name="淮北市第一中学")
    )
    db.session.flush()
    text = shown(tmp_path, render_application_form(entry))
    assert "雨水回收装置Alpha" in text
    assert "王甲乙丙" in text
    assert not any(ch in text for ch in MARKS)


def test_the_score_sheets_print_a_judges_name_and_comment_in_order(world, tmp_path):
    r = build_ranked(world)
    world.judge1.name = f"赵{OVERRIDE}评委甲"
    for sheet in db.session.scalars(select(ScoreSheet)):
        sheet.comment = f"评语{OVERRIDE}创新性强abc"
    db.session.commit()
    text = shown(tmp_path, exports.score_sheets_pdf(r.contest))
    assert "赵评委甲" in text
    assert "评语创新性强abc" in text
    assert OVERRIDE not in text


def test_a_certificate_prints_a_name_with_an_override_in_order(world, tmp_path):
    w = awarded_world(world)
    certificates.issue(w.contest, w.organizer)
    db.session.commit()
    cert = db.session.scalars(
        select(Certificate).where(Certificate.contest_id == w.contest.id).order_by(Certificate.number)
    ).first()
    cert.data = {**cert.data, "name": f"李{OVERRIDE}甲乙丙", "title": f"雨水{OVERRIDE}回收装置Alpha"}
    db.session.commit()
    text = shown(tmp_path, certificates.single_pdf(cert, base_url="https://kx.example.cn"))
    assert "李甲乙丙" in text
    assert "《雨水回收装置Alpha》" in text
    assert OVERRIDE not in text
