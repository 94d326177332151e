"""Every download of a contest whose stored text is hostile (old data, stored before the input
checks, bypassing the forms): each Excel export, the CSV, the score-sheet PDF and the
certificate zip answer 200, open, show the printable part of the text, and are offered under a
file name without controls or line breaks."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition import jobs
from competition.domain.characters import DIRECTION, ILLEGAL
from competition.extensions import db as _db
from competition.models import Contest, District, Job, School, ScoreSheet, Student, User
from tests.factories.exports import build_ranked

# C0 and C1 controls, noncharacters, a bidi override, a zero-width space and a line break (a lone
# surrogate cannot be stored in PostgreSQL, NUL neither: not here).
BAD = "\x1b[31m\x08\x85\uffff\ufdd0\u202e\u200b\n"


def hostile(head: str, tail: str, column) -> str:
    """head + BAD + tail, padded with tail to the column's length (2,000 characters where the
    column is unlimited), as long as the database lets it be stored."""
    limit = getattr(column.type, "length", None) or 2000
    text = f"{head}{BAD}{tail}"
    return text + "长" * (limit - len(text))


@pytest.fixture()
def planted(world):
    r = build_ranked(world)
    c = r.contest
    c.state = "published"
    c.full_name = hostile("淮北市青少年", "科技创新大赛", Contest.__table__.c.full_name)
    world.d1.name = hostile("相山", "区", District.__table__.c.name)
    world.s1.name = hostile("淮北市第一", "中学", School.__table__.c.name)
    world.judge2.name = hostile("钱", "评委", User.__table__.c.name)
    r.team.students[0].name = hostile("张", "小明", Student.__table__.c.name)
    for sheet in _db.session.query(ScoreSheet):
        sheet.comment = hostile("选题", "贴近生活", ScoreSheet.__table__.c.comment)
    _db.session.commit()
    return r


def assert_safe_file_name(response) -> None:
    header = response.headers["Content-Disposition"]
    assert not ILLEGAL.search(header) and "\n" not in header and "\r" not in header, header
    shown = unquote(header)
    assert not ILLEGAL.search(shown) and not DIRECTION.search(shown) and "\n" not in shown, shown


def workbook_text(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def test_every_download_survives_hostile_stored_text(planted, world, client, login_as):
    login_as(world.organizer)
    cid = planted.contest.id
    base = f"/organizer/exports/{cid}"
    # Each export with the printable parts it must show (the text either side of BAD).
    expected = {
        "nominations.xlsx": ["淮北市第一", "中学", "张", "小明"],
        "results.xlsx": ["淮北市青少年", "科技创新大赛", "相山", "淮北市第一"],
        "score-sheets.xlsx": ["淮北市青少年", "钱", "评委", "选题", "贴近生活"],
    }
    for name, parts in expected.items():
        response = client.get(f"{base}/{name}")
        assert response.status_code == 200, name
        assert_safe_file_name(response)
        text = workbook_text(response.data)
        assert not ILLEGAL.search(text), name
        for part in parts:
            assert part in text, (name, part)
        assert "长" * 30 in text, name

    csv = client.get(f"{base}/nominations.csv")
    assert csv.status_code == 200
    assert_safe_file_name(csv)
    assert "淮北市第一" in csv.data.decode("utf-8-sig")

    pdf = client.get(f"{base}/score-sheets.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert_safe_file_name(pdf)
    shown = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    # Only the text before U+202E: the PDF renderer still applies the override (reverses what follows).
    assert "淮北市青少年" in shown and ("选题" in shown or "题选" in shown)

    assert client.post(f"/organizer/contests/{cid}/certificates/issue").status_code == 302
    response = client.post(f"/organizer/contests/{cid}/certificates/batch", data={"scope": "all", "fmt": "zip"})
    assert response.status_code == 302
    jobs.wait_all()
    job = _db.session.scalar(select(Job).where(Job.kind == "certificates"))
    status = client.get(f"/organizer/jobs/{job.id}.json").get_json()
    assert status["state"] == "done", status
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert_safe_file_name(download)
    with zipfile.ZipFile(io.BytesIO(download.data)) as zf:
        names = zf.namelist()
        assert names and all(n.endswith(".pdf") for n in names)
        for n in names:
            assert not ILLEGAL.search(n) and not DIRECTION.search(n) and "\u200b" not in n, repr(n)
            assert zf.read(n).startswith(b"%PDF")
        assert any("张" in n and "小明" in n for n in names), names
