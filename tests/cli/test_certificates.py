"""`flask --app competition certificates CONTEST --out FILE` issues and prints certificates."""

from __future__ import annotations

import zipfile

from pypdf import PdfReader
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Certificate
from tests.factories.certificates import awarded_world


def test_cli_writes_one_pdf_with_a_page_per_certificate(runner, world, tmp_path):
    w = awarded_world(world)
    out = tmp_path / "all.pdf"
    result = runner.invoke(args=["certificates", w.contest.code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "新增 7" in result.output and "生成证书" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 7  # committed
    assert len(PdfReader(str(out)).pages) == 7


def test_cli_section_school_and_zip(runner, world, tmp_path):
    w = awarded_world(world)
    out = tmp_path / "s3.zip"
    result = runner.invoke(
        args=["certificates", w.contest.code, "--out", str(out), "--section", "XS", "--school", str(w.s3.id)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        assert [n.split("_", 1)[1] for n in zf.namelist()] == ["陈燚_三等奖.pdf"]


def test_cli_errors_are_clear(runner, world, tmp_path):
    result = runner.invoke(args=["certificates", "NOPE", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "没有代码为 NOPE 的赛事" in result.output
    result = runner.invoke(
        args=["certificates", world.contest.code, "--out", str(tmp_path / "x.pdf"), "--section", "ZZ"]
    )
    assert result.exit_code != 0 and "没有类别 ZZ" in result.output
    # results not published yet: no certificates are issued
    result = runner.invoke(args=["certificates", world.contest.code, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "结果公示后才能生成证书" in result.output
    world.contest.state = "published"
    db.session.commit()
    # no awards yet: nothing to print, and no half-written file
    result = runner.invoke(args=["certificates", world.contest.code, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "没有可打印的证书" in result.output
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.pdf.part").exists()
