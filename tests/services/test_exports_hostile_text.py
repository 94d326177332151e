"""Every export writer on every kind of text already stored (old data, stored before the input
checks): controls, noncharacters, direction and invisible marks, emoji, rare characters, line
breaks. None fails, every workbook reloads, and no cell holds what Excel calls damage."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from competition.domain.characters import ILLEGAL
from competition.extensions import db as _db
from competition.models import ScoreSheet
from competition.services import exports
from tests.conftest import DB_KIND
from tests.factories.exports import build_ranked

HOSTILE = {
    "nul": "\x00",  # SQLite keeps it; PostgreSQL refuses NUL in text, so it cannot be stored there
    "escape": "\x1b[31m",
    "backspace": "\x08",
    "delete": "\x7f",
    "c1": "\x85\x9b",
    "noncharacter": "\uffff\ufdd0\U0010ffff",
    "bidi": "\u202e",
    "zero-width": "\u200b\u200d\ufeff",
    "emoji": "😀",
    "extension-b": "𠀀",
    "newline": "\n第二行\r\n",
}
KINDS = [k for k in HOSTILE if not (k == "nul" and DB_KIND == "postgresql")]


def plant(r, w, bad: str) -> None:
    """The hostile text in every stored text that an export shows."""
    c = r.contest
    c.name, c.full_name = f"创新大赛{bad}", f"淮北市{bad}青少年科技创新大赛"
    for s in c.sections:
        s.name = f"{s.name}{bad}"
    w.d1.name, w.d2.name = f"相山区{bad}", f"杜集区{bad}"
    for school in (w.s1, w.s2, w.s3):
        school.name = f"{school.name}{bad}"
    for judge in (w.judge1, w.judge2):
        judge.name = f"评委{bad}{judge.id}"
    for entry in (r.team, r.evil, r.plain, r.counselor):
        entry.title = f"{entry.title}{bad}"
        for student in entry.students:
            student.name = f"{student.name[:4]}{bad}"
        for adviser in entry.advisers:
            adviser.name = f"{adviser.name[:4]}{bad}"
    for sheet in _db.session.query(ScoreSheet):
        sheet.comment = f"评语{bad}"
    for result in (r.res_team, r.res_evil):
        result.nomination_reason = f"推荐{bad}"
    _db.session.commit()


def assert_clean_workbook(data: bytes) -> None:
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        assert not ILLEGAL.search(ws.title)
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not ILLEGAL.search(value), (ws.title, value)


@pytest.mark.parametrize("kind", KINDS)
def test_every_writer_takes_every_stored_text(kind, world, db, tmp_path):
    r = build_ranked(world)
    plant(r, world, HOSTILE[kind])
    contest = r.contest

    for workbook in (
        exports.nomination_workbook(contest),
        exports.results_workbook(contest),
        exports.score_sheets_workbook(contest),
    ):
        assert_clean_workbook(workbook)
    text = exports.nomination_csv(contest).decode("utf-8-sig")
    assert not ILLEGAL.search(text.replace("\r\n", "").replace("\n", ""))

    for pdf in (exports.score_sheets_pdf(contest), exports.application_form_pdf(r.team)):
        assert pdf[:5] == b"%PDF-"
        path = tmp_path / "out.pdf"
        path.write_bytes(pdf)
        shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert not ILLEGAL.search(shown.replace("\n", "").replace("\f", ""))

    summary = exports.write_bundle(contest, tmp_path / "bundle.zip")
    assert summary is not None
    with zipfile.ZipFile(tmp_path / "bundle.zip") as zf:
        for name in zf.namelist():
            assert not ILLEGAL.search(name), name
    assert not ILLEGAL.search(exports.bundle_download_name(contest))
