"""Certificate pages: who may do what, the public verification page, and the batch job flow."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from competition import jobs
from competition.extensions import db
from competition.models import AuditEvent, Certificate, Job
from competition.services import certificates as service
from tests.factories.certificates import issued_world


@pytest.fixture()
def issued(world):
    w = issued_world(world)
    w.cert_s1 = next(c for c in w.certs if c.school_id == w.s1.id)
    w.cert_s3 = next(c for c in w.certs if c.school_id == w.s3.id)
    return w


def finalize(w):
    w.contest.state = "final"
    db.session.commit()


# --- organizers --------------------------------------------------------------------------


def test_organizer_page_lists_certificates_and_issues(issued, login_as):
    client = login_as(issued.organizer)
    page = client.get(f"/organizer/contests/{issued.contest.id}/certificates")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "周子涵" in html and issued.cert_s1.number in html and "获奖证书" in html
    response = client.post(f"/organizer/contests/{issued.contest.id}/certificates/issue", follow_redirects=True)
    assert response.status_code == 200 and "未变 7 张" in response.get_data(as_text=True)
    assert client.get(f"/organizer/contests/{issued.contest.id}/certificates?q=周子涵&status=valid").status_code == 200


def test_organizer_batch_job_runs_and_reports_progress_as_json(issued, login_as):
    client = login_as(issued.organizer)
    response = client.post(
        f"/organizer/contests/{issued.contest.id}/certificates/batch",
        data={"scope": "school", "school_id": issued.s1.id, "fmt": "zip"},
    )
    assert response.status_code == 302
    jobs.wait_all()
    job = db.session.scalar(select(Job).where(Job.kind == "certificates"))
    status = client.get(f"/organizer/jobs/{job.id}.json").get_json()
    assert status["state"] == "done" and status["progress"] == status["total"] == 4  # 2 students + 2 advisers
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    import zipfile

    with zipfile.ZipFile(io.BytesIO(download.data)) as zf:
        assert len(zf.namelist()) == 4 and all(n.endswith(".pdf") for n in zf.namelist())


def test_preview_and_single_pdf(issued, login_as):
    client = login_as(issued.organizer)
    preview = client.get(f"/organizer/contests/{issued.contest.id}/certificates/preview.pdf")
    assert preview.status_code == 200 and len(PdfReader(io.BytesIO(preview.data)).pages) == 1
    one = client.get(f"/organizer/certificates/{issued.cert_s1.id}.pdf")
    assert one.status_code == 200 and one.data.startswith(b"%PDF")


def test_correction_form_reissues_and_audits(issued, login_as):
    client = login_as(issued.organizer)
    cert = issued.cert_s1
    assert client.get(f"/organizer/certificates/{cert.id}").status_code == 200
    bad = client.post(f"/organizer/certificates/{cert.id}/correct", data={"name": "周梓涵", "reason": ""})
    assert bad.status_code == 422 and "请填写更正原因" in bad.get_data(as_text=True)
    assert db.session.get(Certificate, cert.id).revision == 1  # nothing half-saved
    ok = client.post(
        f"/organizer/certificates/{cert.id}/correct",
        data={
            "name": "周梓涵",
            "school": cert.data["school"],
            "grade": "八年级",
            "title": cert.data["title"],
            "reason": "家长反映姓名有误",
        },
    )
    assert ok.status_code == 302
    cert = db.session.get(Certificate, cert.id)
    assert (cert.recipient_name, cert.revision) == ("周梓涵", 2)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.correct")).actor_id
        == issued.organizer.id
    )


def test_revoke_form(issued, login_as, client):
    client = login_as(issued.organizer)
    cert = issued.cert_s3
    assert client.post(f"/organizer/certificates/{cert.id}/revoke", data={"reason": ""}).status_code == 422
    assert (
        client.post(f"/organizer/certificates/{cert.id}/revoke", data={"reason": "异议成立，奖项撤销"}).status_code
        == 302
    )
    assert db.session.get(Certificate, cert.id).revoked
    page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "已被撤销" in page and "异议成立" in page


def test_asset_upload_checks_content(issued, login_as, tmp_path):
    from PIL import Image

    client = login_as(issued.organizer)
    url = f"/organizer/contests/{issued.contest.id}/certificates/assets"
    fake = client.post(
        url,
        data={"slot": "seal-0", "file": (io.BytesIO(b"GIF89a...."), "seal.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "不是可读取的 PNG 或 JPEG 图片" in fake.get_data(as_text=True)
    buf = io.BytesIO()
    Image.new("RGBA", (240, 240), (0, 0, 0, 0)).save(buf, "PNG")
    buf.seek(0)
    good = client.post(url, data={"slot": "seal-0", "file": (buf, "公章.png")}, content_type="multipart/form-data")
    assert good.status_code == 302
    assert client.get(f"/organizer/contests/{issued.contest.id}/certificates/assets/seal-0.png").mimetype == "image/png"


@pytest.mark.parametrize("who", ["teacher1", "reviewer1", "judge1"])
def test_only_organizers_generate_batches(issued, login_as, who):
    client = login_as(getattr(issued, who))
    cid = issued.contest.id
    assert (
        client.post(f"/organizer/contests/{cid}/certificates/batch", data={"scope": "all", "fmt": "pdf"}).status_code
        == 403
    )
    assert client.post(f"/organizer/contests/{cid}/certificates/issue").status_code == 403
    assert client.get(f"/organizer/contests/{cid}/certificates").status_code == 403
    assert client.post(f"/organizer/certificates/{issued.cert_s1.id}/revoke", data={"reason": "x"}).status_code == 403
    assert db.session.scalar(select(Job.id)) is None


def test_anonymous_users_are_sent_to_log_in(issued, client):
    response = client.get(f"/organizer/contests/{issued.contest.id}/certificates")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/teacher/certificates").status_code == 302


# --- teachers ----------------------------------------------------------------------------


def test_teachers_wait_until_results_are_final(issued, login_as):
    client = login_as(issued.teacher1)
    page = client.get("/teacher/certificates").get_data(as_text=True)
    assert "结果最终确定" in page and issued.cert_s1.number not in page
    assert client.get(f"/teacher/certificates/{issued.cert_s1.id}.pdf").status_code == 403
    assert client.get(f"/teacher/certificates/contest/{issued.contest.id}.pdf").status_code == 403


def test_teachers_download_only_their_own_school_after_final(issued, login_as):
    finalize(issued)
    client = login_as(issued.teacher1)
    page = client.get("/teacher/certificates").get_data(as_text=True)
    assert issued.cert_s1.number in page and issued.cert_s3.number not in page
    own = client.get(f"/teacher/certificates/{issued.cert_s1.id}.pdf")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    assert client.get(f"/teacher/certificates/{issued.cert_s3.id}.pdf").status_code == 403
    school_pdf = client.get(f"/teacher/certificates/contest/{issued.contest.id}.pdf")
    assert school_pdf.status_code == 200
    own_count = sum(1 for c in issued.certs if c.school_id == issued.s1.id)
    assert len(PdfReader(io.BytesIO(school_pdf.data)).pages) == own_count == 4


def test_teachers_cannot_download_revoked_certificates(issued, login_as):
    service.revoke(issued.cert_s1, issued.organizer, "撤销")
    finalize(issued)
    assert login_as(issued.teacher1).get(f"/teacher/certificates/{issued.cert_s1.id}.pdf").status_code == 403


# --- public verification -----------------------------------------------------------------


def test_verify_page_shows_the_certificate(issued, client):
    cert = next(c for c in issued.certs if c.recipient_name == "刘𠇔")
    page = client.get(f"/verify/{cert.verification_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("刘𠇔", cert.data["school"], "二等奖", issued.contest.full_name, cert.number, "真实有效"):
        assert text in html


def test_verify_unknown_code_is_404(issued, client):
    resp = client.get("/verify/not-a-real-code")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert "未能验证此证书" in html and "可能不是真实证书" in html and "noindex" in html
    assert client.get("/verify/" + "x" * 200).status_code == 404


def test_verify_old_revision_says_superseded(issued, client):
    cert = issued.cert_s1
    old = cert.verification_code
    service.correct(cert, issued.organizer, name="周梓涵", reason="更正")
    db.session.commit()
    html = client.get(f"/verify/{old}").get_data(as_text=True)
    assert "旧版本" in html and "周子涵" in html


def test_verify_is_rate_limited(issued, tmp_root, database_url):
    """A second app with rate limiting on (the shared limiter is switched off again afterwards)."""
    from competition import create_app
    from competition.extensions import limiter
    from tests.conftest import make_test_config

    code = issued.cert_s1.verification_code
    limited = create_app(make_test_config(tmp_root, database_url, RATELIMIT_ENABLED=True))
    try:
        c = limited.test_client()
        statuses = [c.get(f"/verify/{code}").status_code for _ in range(31)]
        assert statuses[:30] == [200] * 30 and statuses[30] == 429
        assert c.get("/verify/unknown").status_code == 429  # guessing codes is limited too
    finally:
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_page_warns_when_qr_codes_point_to_an_unreachable_address(app, issued, login_as):
    for url, bad in [
        ("http://127.0.0.1:5000", True),
        ("http://localhost:8000", True),
        ("http://192.168.1.10", True),
        ("http://zhuji", True),
        ("", True),
        (None, True),
        ("https://kx.huaibei.gov.cn", False),
        ("http://61.191.20.5/contest", False),
    ]:
        assert (service.unreachable_base_url(url) is not None) is bad, url
    client = login_as(issued.organizer)
    page = f"/organizer/contests/{issued.contest.id}/certificates"
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    html = client.get(page).get_data(as_text=True)
    assert "证书上的二维码在校外无法打开" in html and "二维码指向 http://127.0.0.1:5000" in html
    app.config["PUBLIC_BASE_URL"] = "https://kx.huaibei.gov.cn"
    assert "证书上的二维码在校外无法打开" not in client.get(page).get_data(as_text=True)


def test_an_awarded_entrys_own_page_shows_the_award_and_its_certificates(issued, login_as):
    """The teacher's entry page showed neither the award nor the certificates."""
    client = login_as(issued.teacher1)
    url = f"/teacher/entries/{issued.team.id}"
    own = [c for c in issued.certs if c.entry_id == issued.team.id]
    assert len(own) >= 2
    # While the results are internal, nothing is said.
    issued.contest.state = "results"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "一等奖" not in page and own[0].number not in page
    # On public notice (公示): the award; the certificates come once the results are final.
    issued.contest.state = "published"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'id="award"' in page and "一等奖" in page
    assert own[0].number not in page and "结果最终确定后" in page
    finalize(issued)
    page = client.get(url).get_data(as_text=True)
    assert "一等奖" in page
    for cert in own:
        assert cert.number in page and cert.recipient_name in page
        assert f'href="/teacher/certificates/{cert.id}.pdf"' in page
        pdf = client.get(f"/teacher/certificates/{cert.id}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    others = [c for c in issued.certs if c.entry_id != issued.team.id]
    assert not [c.number for c in others if c.number in page]
    # A revoked certificate is not offered.
    service.revoke(own[0], issued.organizer, "撤销")
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert f"/teacher/certificates/{own[0].id}.pdf" not in page and own[1].number in page
    # An entry without an award says nothing of one.
    page = client.get(f"/teacher/entries/{issued.loser.id}").get_data(as_text=True)
    assert 'id="award"' not in page
