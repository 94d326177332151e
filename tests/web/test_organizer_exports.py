"""Organizer exports and reports over HTTP, the export commands, and who may use them."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition import jobs
from competition.models import AuditEvent, Entry, Job
from tests.factories.exports import build_ranked


@pytest.fixture()
def ranked(world):
    return build_ranked(world)


def export_urls(contest_id: int, job_id: int | None = None) -> list[tuple[str, str]]:
    urls = [
        ("GET", "/organizer/exports"),
        ("GET", f"/organizer/exports/{contest_id}"),
        ("GET", f"/organizer/exports/{contest_id}/nominations.xlsx"),
        ("GET", f"/organizer/exports/{contest_id}/nominations.csv"),
        ("GET", f"/organizer/exports/{contest_id}/results.xlsx"),
        ("GET", f"/organizer/exports/{contest_id}/score-sheets.xlsx"),
        ("GET", f"/organizer/exports/{contest_id}/score-sheets.pdf"),
        ("POST", f"/organizer/exports/{contest_id}/bundle"),
        ("GET", "/organizer/reports"),
        ("GET", f"/organizer/reports/{contest_id}"),
        ("GET", f"/organizer/reports/{contest_id}/report.pdf"),
        ("GET", "/organizer/reports/annual/2026.pdf"),
        ("GET", f"/organizer/reports/{contest_id}/provincial"),
        ("POST", f"/organizer/reports/{contest_id}/provincial"),
    ]
    if job_id is not None:
        urls += [("GET", f"/organizer/jobs/{job_id}.json"), ("GET", f"/organizer/jobs/{job_id}/download")]
    return urls


def _bundle_job(client, db, contest_id) -> Job:
    response = client.post(f"/organizer/exports/{contest_id}/bundle")
    assert response.status_code == 302
    jobs.wait_all()
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_only_organizers_export(ranked, world, client, login_as, db):
    login_as(world.organizer)
    job = _bundle_job(client, db, world.contest.id)
    urls = export_urls(world.contest.id, job.id)
    client.post("/logout")
    with client.session_transaction() as sess:
        sess.clear()
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    for user in (world.teacher1, world.judge1, world.reviewer1, world.reviewer2):
        login_as(user)
        for method, url in urls:
            response = client.open(url, method=method, data={f"outcome-{ranked.team.id}": "省一等奖"})
            assert response.status_code == 403, (user.username, method, url)
    db.session.expire_all()
    assert db.session.get(Entry, ranked.team.id).provincial_outcome is None
    assert db.session.scalar(select(Job.id).where(Job.id > job.id)) is None  # no bundle was started


def test_organizer_downloads_workbooks(ranked, world, client, login_as):
    login_as(world.organizer)
    page = client.get(f"/organizer/exports/{world.contest.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "推荐汇总表" in html and "校园雨水回收与再利用装置" in html
    assert "<script>" not in html and " style=" not in html

    response = client.get(f"/organizer/exports/{world.contest.id}/nominations.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data))["推荐汇总表"]
    assert ws["F4"].value == "校园雨水回收与再利用装置" and ws["F5"].value.startswith("'=")

    response = client.get(f"/organizer/exports/{world.contest.id}/nominations.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[1][5] == "校园雨水回收与再利用装置"

    wb = load_workbook(io.BytesIO(client.get(f"/organizer/exports/{world.contest.id}/results.xlsx").data))
    assert wb.active.max_row == 7  # title, header, five accepted entries
    groups = {row[8] for row in wb.active.iter_rows(min_row=3, values_only=True) if row[8]}
    assert groups and not any("|" in g or g == "*" for g in groups), groups  # the group's name, not its key (XS|小学)

    wb = load_workbook(io.BytesIO(client.get(f"/organizer/exports/{world.contest.id}/score-sheets.xlsx").data))
    assert wb.active["A3"].value == "赵评委"

    response = client.get(f"/organizer/exports/{world.contest.id}/score-sheets.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_missing_contest_is_404(world, client, login_as):
    login_as(world.organizer)
    assert client.get("/organizer/exports/9999").status_code == 404
    assert client.get("/organizer/exports/9999/nominations.xlsx").status_code == 404
    assert client.get("/organizer/reports/9999").status_code == 404
    assert client.get("/organizer/reports/annual/1999.pdf").status_code == 404


def test_bundle_job_progress_and_download(ranked, world, client, login_as, db):
    login_as(world.organizer)
    job = _bundle_job(client, db, world.contest.id)
    status = client.get(f"/organizer/jobs/{job.id}.json").get_json()
    assert status["state"] == "done" and (status["progress"], status["total"]) == (3, 3)
    assert status["download_url"] == f"/organizer/jobs/{job.id}/download"
    page = client.get(f"/organizer/exports/{world.contest.id}").get_data(as_text=True)
    assert f'data-job-url="/organizer/jobs/{job.id}.json"' in page
    response = client.get(status["download_url"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        assert any(n.startswith("CX2026-XS-001_") and n.endswith("_研究报告.pdf") for n in zf.namelist())
    # A job that has not finished has nothing to download; an unknown job is not found.
    other = jobs.enqueue("certificates", "certificates.batch", params={})
    db.session.commit()
    assert client.get(f"/organizer/jobs/{other.id}.json").get_json()["download_url"] is None
    assert client.get(f"/organizer/jobs/{other.id}/download").status_code == 404
    assert client.get("/organizer/jobs/999999.json").status_code == 404


def test_bundle_without_nominations_is_refused_clearly(world, client, login_as, db):
    login_as(world.organizer)
    response = client.post(f"/organizer/exports/{world.contest.id}/bundle", follow_redirects=True)
    assert "还没有推荐项目" in response.get_data(as_text=True)
    assert db.session.scalar(select(Job.id)) is None


def test_reports_dashboard_shows_numbers_and_charts(ranked, world, client, login_as):
    login_as(world.organizer)
    html = client.get(f"/organizer/reports/{world.contest.id}").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "reports.js" in html
    charts = [json.loads(m.replace("&#39;", "'")) for m in re.findall(r"data-chart='([^']*)'", html)]
    by_label = {tuple(c["labels"]): c for c in charts}
    district = next(c for c in charts if "相山区" in c["labels"])
    i = district["labels"].index("相山区")
    # 相山区: entry1 (draft, not counted), team, plain, unranked, counselor = 4 entries, 3 awards, 2 recommended.
    assert [ds["data"][i] for ds in district["datasets"]] == [4, 3, 2]
    assert ("一等奖", "二等奖", "三等奖") in by_label
    assert "淮北市第一中学" in html and "初评" in html


def test_reports_overview_and_pdf(ranked, world, client, login_as, tmp_path):
    login_as(world.organizer)
    html = client.get("/organizer/reports").get_data(as_text=True)
    assert world.contest.full_name in html and "/organizer/reports/annual/2026.pdf" in html
    for url in (f"/organizer/reports/{world.contest.id}/report.pdf", "/organizer/reports/annual/2026.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        path = tmp_path / "r.pdf"
        path.write_bytes(response.data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        text = re.sub(r"\s+", "", text)
        assert "推荐参加省级比赛3项，其中0项获省级奖项" in text
        assert "相山区" in text and "淮北市第一中学" in text


def test_provincial_outcomes_are_recorded_and_audited(ranked, world, client, login_as, db):
    login_as(world.organizer)
    world.contest.state = "published"
    db.session.commit()
    page = client.get(f"/organizer/reports/{world.contest.id}/provincial").get_data(as_text=True)
    assert "<fieldset disabled>" in page and "最终确定后" in page
    refused = client.post(
        f"/organizer/reports/{world.contest.id}/provincial",
        data={f"outcome-{ranked.team.id}": "省一等奖"},
        follow_redirects=True,
    )
    assert "最终确定后" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Entry, ranked.team.id).provincial_outcome is None
    world.contest.state = "final"
    db.session.commit()
    page = client.get(f"/organizer/reports/{world.contest.id}/provincial").get_data(as_text=True)
    assert "<fieldset disabled>" not in page and "<fieldset" in page
    assert f'name="outcome-{ranked.team.id}"' in page and f'name="outcome-{ranked.plain.id}"' not in page
    response = client.post(
        f"/organizer/reports/{world.contest.id}/provincial",
        data={
            f"outcome-{ranked.team.id}": "省一等奖",
            f"outcome-{ranked.evil.id}": "未获奖",
            f"outcome-{ranked.counselor.id}": "",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Entry, ranked.team.id).provincial_outcome == "省一等奖"
    assert db.session.get(Entry, ranked.evil.id).provincial_outcome == "未获奖"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry.provincial_outcome")).all()
    assert len(events) == 2 and {e.after["provincial_outcome"] for e in events} == {"省一等奖", "未获奖"}
    html = client.get(f"/organizer/reports/{world.contest.id}").get_data(as_text=True)
    assert "共推荐 3 个项目参加省赛，其中 1 个获得省级奖项" in html

    # A value the province never gives is refused, and nothing already saved changes.
    response = client.post(
        f"/organizer/reports/{world.contest.id}/provincial",
        data={f"outcome-{ranked.team.id}": "省二等奖", f"outcome-{ranked.evil.id}": "国家金奖"},
        follow_redirects=True,
    )
    assert "国家金奖" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Entry, ranked.team.id).provincial_outcome == "省一等奖"


def test_export_commands(ranked, world, app, tmp_path, db):
    runner = app.test_cli_runner()
    code = world.contest.code
    out = tmp_path / "推荐.xlsx"
    result = runner.invoke(args=["export-nominations", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "推荐项目 3 项" in result.output
    assert load_workbook(out)["推荐汇总表"]["A1"].value.endswith("推荐项目汇总表")
    out = tmp_path / "推荐.csv"
    assert runner.invoke(args=["export-nominations", code, "--out", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    result = runner.invoke(args=["export-nominations", code, "--out", str(tmp_path / "x.txt")])
    assert result.exit_code != 0 and ".xlsx" in result.output
    result = runner.invoke(args=["export-nominations", "NOPE", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "NOPE" in result.output
    assert runner.invoke(args=["export-results", code, "--out", str(tmp_path / "r.xlsx")]).exit_code == 0
    assert runner.invoke(args=["export-scores", code, "--out", str(tmp_path / "s.xlsx")]).exit_code == 0
    assert runner.invoke(args=["export-scores", code, "--out", str(tmp_path / "s.pdf")]).exit_code == 0
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    result = runner.invoke(args=["export-bundle", code, "--out", str(tmp_path / "b.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert len({n.split("/")[0] for n in zf.namelist() if "/" in n}) == 3
