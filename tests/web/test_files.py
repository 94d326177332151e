"""Downloading materials: who may, under which name, with which headers."""

from urllib.parse import unquote

import pytest

from competition.extensions import db
from competition.models import Assignment
from tests import factories as f
from tests.factories.teacher import PHOTO_JPG, REPORT_DOCX, REPORT_PDF, attach


@pytest.fixture()
def report(world):
    """A report uploaded to entry1 (school s1, district d1) under a name with a student's name in it."""
    att = attach(world.entry1, "report", REPORT_PDF, name="王芳的研究报告.pdf")
    world.entry1.number = "CX2026-XS-001"
    db.session.commit()
    return att


def offered_name(resp) -> str:
    """The UTF-8 file name of a download (RFC 5987 filename*)."""
    return unquote(resp.headers["Content-Disposition"].split("filename*=UTF-8''", 1)[1])


def pattern_name(entry, attachment) -> str:
    """The default material_file_pattern: 参赛项目+学校+项目名称+参赛人员姓名, then the material."""
    names = "、".join(s.name for s in entry.students)
    return f"{entry.section.name}+{entry.school.name}+{entry.title}+{names}_{attachment.requirement.name}.pdf"


def assign(world, judge, entry, published=True):
    a = Assignment(round_id=world.contest.rounds[0].id, judge_id=judge.id, entry_id=entry.id, published=published)
    db.session.add(a)
    db.session.commit()
    return a


def test_anonymous_is_sent_to_log_in(client, report):
    resp = client.get(f"/files/{report.id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_schools_teacher_downloads_with_safe_headers(client, world, login_as, report):
    login_as(world.teacher1)
    resp = client.get(f"/files/{report.id}")
    assert resp.status_code == 200
    assert resp.data == REPORT_PDF.read_bytes()
    assert resp.mimetype == "application/pdf"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # the contest's pattern, not the uploaded name (王芳的研究报告.pdf), RFC 5987
    assert offered_name(resp) == pattern_name(world.entry1, report) and "王芳" not in offered_name(resp)
    assert "/" not in disposition.split("filename", 1)[1].replace("UTF-8''", "")
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_inline_view_for_the_judges_page(client, world, login_as, report):
    login_as(world.teacher1)
    resp = client.get(f"/files/{report.id}?inline=1")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("inline;")
    assert "frame-ancestors 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Content-Security-Policy"].endswith("; sandbox")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_a_download_is_sandboxed_too(client, world, login_as, report):
    login_as(world.teacher1)
    resp = client.get(f"/files/{report.id}")
    assert resp.headers["Content-Security-Policy"].endswith("; sandbox")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_office_files_are_never_inline(client, world, login_as):
    att = attach(world.entry1, "log", REPORT_DOCX)
    db.session.commit()
    login_as(world.teacher1)
    resp = client.get(f"/files/{att.id}?inline=1")
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_content_type_comes_from_the_sniffed_kind(client, world, login_as):
    att = attach(world.entry1, "photos", PHOTO_JPG, name="photo.png")
    db.session.commit()
    login_as(world.teacher1)
    resp = client.get(f"/files/{att.id}")
    assert resp.mimetype == "image/jpeg"


def test_range_requests_for_video_seeking(client, world, login_as, report):
    login_as(world.teacher1)
    resp = client.get(f"/files/{report.id}", headers={"Range": "bytes=0-99"})
    assert resp.status_code == 206
    assert resp.data == REPORT_PDF.read_bytes()[:100]
    assert resp.headers["Content-Range"].startswith("bytes 0-99/")


@pytest.mark.parametrize(
    "who,status",
    [
        ("teacher1", 200),
        ("teacher2", 404),
        ("teacher3", 404),
        ("reviewer1", 404),
        ("reviewer2", 404),
        ("organizer", 200),
        ("judge1", 404),
        ("judge2", 404),
    ],
)
def test_who_may_download(client, world, login_as, report, who, status):
    """The report is on entry1, a draft: its school and organizers only; to anyone else 404,
    as for an id that does not exist (reviewers of the district too, until it is submitted)."""
    login_as(getattr(world, who))
    assert client.get(f"/files/{report.id}").status_code == status


def test_unknown_ids_are_404(client, world, login_as):
    login_as(world.organizer)
    assert client.get("/files/999999").status_code == 404


def test_judges_need_a_published_assignment(client, world, login_as, report):
    assignment = assign(world, world.judge2, world.entry1, published=False)
    login_as(world.judge2)
    assert client.get(f"/files/{report.id}").status_code == 404
    assignment.published = True
    db.session.commit()
    assert client.get(f"/files/{report.id}").status_code == 200


def test_a_judge_of_a_blind_contest_never_sees_the_original_name(client, world, login_as, report):
    assign(world, world.judge2, world.entry1)
    login_as(world.judge2)
    disposition = client.get(f"/files/{report.id}").headers["Content-Disposition"]
    assert "%E7%8E%8B%E8%8A%B3" not in disposition  # 王芳
    assert "CX2026-XS-001_" in disposition and disposition.endswith(".pdf")
    assert "%E7%A0%94%E7%A9%B6%E6%8A%A5%E5%91%8A" in disposition  # 研究报告 (the material's name)


def test_open_judging_names_the_file_by_the_contests_pattern(client, world, login_as, report):
    world.contest.blind_judging = False
    assign(world, world.judge2, world.entry1)
    login_as(world.judge2)
    assert offered_name(client.get(f"/files/{report.id}")) == pattern_name(world.entry1, report)


def test_the_pattern_is_the_contests_setting(client, world, login_as, report):
    world.contest.settings = {**(world.contest.settings or {}), "material_file_pattern": "{number}-{material}"}
    db.session.commit()
    login_as(world.teacher1)
    assert offered_name(client.get(f"/files/{report.id}")) == f"CX2026-XS-001-{report.requirement.name}.pdf"


def test_a_judge_assigned_elsewhere_cannot_download(client, world, login_as, report):
    other = f.make_entry(world.contest, world.s2, state="submitted")
    assign(world, world.judge2, other)
    login_as(world.judge2)
    assert client.get(f"/files/{report.id}").status_code == 404
