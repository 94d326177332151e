"""Every exported workbook printed by a real spreadsheet program (LibreOffice Calc, headless):
wrapped cells (three team members, two advisers, long 备注 and 类别, long comments) get rows
tall enough, so no printed line runs over another."""

from __future__ import annotations

import itertools
import subprocess

import pdfplumber

from competition.extensions import db
from competition.models import ScoreSheet, Student
from competition.services import exports, imports
from competition.services.imports import Credential
from tests.factories import section
from tests.factories.exports import build_ranked

LONG_NOTE = "该项目在市赛答辩中表现突出，经专家组复议同意推荐参加省赛，材料已按要求补充完整并经学校盖章确认。"


def realistic(w):
    r = build_ranked(w)
    r.team.students.append(Student(position=2, name="欧阳子涵", gender="女", grade="八年级"))
    section(r.contest, "FD").name = "科技辅导员科技教育创新成果"
    r.res_team.nomination_reason = LONG_NOTE
    r.res_counselor.override_reason = LONG_NOTE
    r.res_plain.withdrawn, r.res_plain.withdrawn_reason = True, LONG_NOTE
    for sheet in db.session.query(ScoreSheet):
        sheet.comment = (sheet.comment or "") + LONG_NOTE * 2
    db.session.commit()
    return r


def overlaps(page) -> list[tuple[str, str]]:
    """Pairs of words whose boxes intersect by more than half a point both ways."""
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
    found = []
    for a, b in itertools.combinations(words, 2):
        dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
        dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
        if dx > 0.5 and dy > 0.5:
            found.append((a["text"], b["text"]))
    return found


def test_printed_workbooks_have_no_overlapping_text(world, db, tmp_path):
    r = realistic(world)
    books = {
        "nominations": exports.nomination_workbook(r.contest),
        "results": exports.results_workbook(r.contest),
        "scores": exports.score_sheets_workbook(r.contest),
        "passwords": imports.credentials_workbook(
            [
                Credential(
                    username="teacher01", password="x7Kp2mQ9", name="欧阳子涵", where=LONG_NOTE, phone="13800000001"
                )
            ],
            title="初始密码 · 教师名单.xlsx",
        ),
    }
    files = []
    for kind, data in books.items():
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(data)
        files.append(str(path))
    out = tmp_path / "pdf"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for kind in books:
        with pdfplumber.open(out / f"{kind}.pdf") as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            for number, page in enumerate(pdf.pages, start=1):
                assert overlaps(page) == [], (kind, number)
        if kind != "passwords":
            assert "推荐" in text or "评分" in text or "评审" in text, kind
    nominations = pdfplumber.open(out / "nominations.pdf")
    shown = "".join(p.extract_text() or "" for p in nominations.pages)
    assert "欧阳子涵" in shown and "科技辅导员" in shown
