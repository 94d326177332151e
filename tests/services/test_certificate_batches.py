"""Printing certificates in batches on the real database and the real WeasyPrint: one PDF per
person in a zip, the background job, one school's batch, and batch PDFs of any size (chunks
copied into the output as they come, a failure leaving no file behind)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from competition import jobs
from competition.extensions import db
from competition.models import Certificate, Job
from competition.services import ServiceError
from competition.services import certificates as service
from tests.factories.certificates import awarded_world

BASE_URL = "https://kx.example.cn"  # the public address the edge passes (PUBLIC_BASE_URL)


def certs(contest):
    return db.session.scalars(
        select(Certificate).where(Certificate.contest_id == contest.id).order_by(Certificate.number)
    ).all()


@pytest.fixture()
def issued(world):
    w = awarded_world(world)
    service.issue(w.contest, w.organizer, base_url=BASE_URL)
    db.session.commit()
    return w


def test_zip_has_one_pdf_per_person_named_number_name_award(issued, tmp_path):
    rows = [r for r in certs(issued.contest) if not r.revoked]
    buf = io.BytesIO()
    assert service.write_zip(issued.contest, [r.id for r in rows], buf, base_url=BASE_URL, chunk=4) == len(rows)
    with zipfile.ZipFile(buf) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(f"{r.number}_{r.recipient_name}_{r.award}.pdf" for r in rows)
        for name in names:
            assert len(PdfReader(io.BytesIO(zf.read(name))).pages) == 1


def test_batch_job_renders_a_section_in_the_background(issued, app):
    section = issued.contest.sections[0]
    job = service.start_batch(issued.contest, issued.organizer, fmt="pdf", section_id=section.id)
    db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "done", job.error
    assert (job.progress, job.total) == (7, 7)

    path = jobs.result_file(job)
    assert len(PdfReader(str(path)).pages) == 7 and job.result_name.endswith(".pdf")


def test_batch_for_one_school_only(issued):
    ids = service.select_ids(issued.contest.id, school_id=issued.s3.id)
    assert [db.session.get(Certificate, i).recipient_name for i in ids] == ["陈燚"]
    with pytest.raises(ServiceError):
        service.start_batch(issued.contest, issued.organizer, fmt="pdf", school_id=issued.s3.id + 999)


# --- batch PDFs of any size: chunks copied into the output as they come --------------------

SURNAMES, GIVEN = "赵钱孙李周吴郑王冯陈", "春夏秋"


@pytest.fixture()
def dozens(issued):
    """The issued world plus 30 individual winners (37 certificates): with chunk=4, ten chunks."""
    from tests import factories
    from tests.factories.certificates import make_result

    for i in range(30):
        name = f"{SURNAMES[i % 10]}小{GIVEN[i // 10]}"
        entry = factories.make_entry(
            issued.contest,
            issued.s2,
            title=f"批量打印测试项目{i + 1}",
            state="accepted",
            students=[{"name": name, "gender": "女", "grade": "七年级", "school_name": issued.s2.name}],
        )
        make_result(issued.contest, entry, ("一等奖", "二等奖", "三等奖")[i % 3])
    service.issue(issued.contest, issued.organizer, base_url=BASE_URL)
    db.session.commit()
    return issued


def _font_files(page) -> list[bytes]:
    """The embedded font programs a page uses, in resource-name order."""
    out = []
    fonts = page["/Resources"]["/Font"]
    for key in sorted(fonts):
        font = fonts[key]
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object()["/FontDescriptor"]
            stream = next(descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor)
            out.append(stream.get_data())
    return out


def test_batch_pdf_across_chunks_keeps_order_fonts_and_metadata(dozens, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where any temporary file would go
    contest = dozens.contest
    ids = service.select_ids(contest.id)
    rows = [db.session.get(Certificate, i) for i in ids]
    assert len(rows) == 37
    out = tmp_path / "batch.pdf"
    seen = []
    with out.open("wb") as fh:
        pages = service.write_pdf(
            contest, ids, fh, base_url=BASE_URL, chunk=4, progress=lambda done, total: seen.append((done, total))
        )
    assert pages == 37 and seen[-1] == (37, 37) and len(seen) == 10

    reader = PdfReader(str(out), strict=True)
    assert len(reader.pages) == 37
    assert reader.metadata.title == f"{contest.full_name} 获奖证书"
    assert reader.metadata.creator == "competition"
    assert (
        "Pages:           37"
        in subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    )
    # Order: page i is certificate i (pdftotext separates pages with a form feed).
    texts = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[
        :37
    ]
    for i, (cert, text) in enumerate(zip(rows, texts, strict=True)):
        flat = text.replace("\n", "").replace(" ", "")
        assert cert.recipient_name in flat and cert.number in flat, (i, cert.number)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert any("Noto-Serif-CJK-SC" in r for r in font_rows)
    assert font_rows and all(" yes " in r for r in font_rows), fonts  # every font embedded

    # The printed result is what WeasyPrint rendered: each page's content and font programs are
    # those of its chunk rendered on its own.
    doc = service.document_context(contest, base_url=BASE_URL)
    for start in range(0, 37, 4):
        alone = PdfReader(io.BytesIO(service.render_chunk(contest, rows[start : start + 4], doc)))
        for j, page in enumerate(alone.pages):
            joined = reader.pages[start + j]
            assert joined.get_contents().get_data() == page.get_contents().get_data()
            assert _font_files(joined) == _font_files(page)
    assert list(scratch.iterdir()) == []  # no temporary file left behind


def test_a_failing_certificate_leaves_no_file_behind(dozens, app, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    contest = dozens.contest
    ids = service.select_ids(contest.id)
    broken = db.session.get(Certificate, ids[21])  # in the sixth of ten chunks
    broken.data = {**broken.data, "name": None}  # damaged stored data: rendering it raises
    db.session.commit()

    partial = io.BytesIO()
    with pytest.raises(TypeError):
        service.write_pdf(contest, ids, partial, base_url=BASE_URL, chunk=4)
    assert partial.tell() > 0  # it failed midway: five chunks were already written out

    # A job (or the CLI) writes to a .part file and removes it when the writer fails.
    folder = Path(app.config["EXPORT_FOLDER"]) / "certificates"
    before = set(folder.iterdir()) if folder.exists() else set()  # other tests' finished jobs

    job = service.start_batch(contest, dozens.organizer, fmt="pdf")
    db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "failed" and job.result_path is None
    assert set(folder.iterdir()) == before  # the half-written .part file was removed
    assert list(scratch.iterdir()) == []
