"""The 推荐汇总表 workbook (issue #14, Workbooks), read back with openpyxl: 科技辅导员 entries split
into 科教制作类 and 科教方案类, 个人/集体 counted per 学段, and "以分配名额为上限": a district over
its quota flagged with the rule said under the table, its entries kept. Also converted to PDF by
LibreOffice, as an office opens it."""

from __future__ import annotations

import io
import shutil
import subprocess

from openpyxl import load_workbook

from competition.services import exports
from tests.factories.exports import build_ranked


def test_the_workbook_checks_the_quota_and_keeps_every_nomination(world, tmp_path):
    ranked = build_ranked(world)
    c = ranked.contest
    c.settings = {**(c.settings or {}), "nomination_district_cap": 1}
    data = exports.nomination_workbook(c)
    wb = load_workbook(io.BytesIO(data))
    listing = wb["推荐汇总表"]
    # three nominated, none cut though 相山区 has 2 for a quota of 1
    numbers = [listing.cell(row=r, column=16).value for r in range(4, 7)]
    assert numbers == ["市赛编号 CX2026-XS-001", "市赛编号 CX2026-XS-002", "市赛编号 CX2026-FD-001"]
    assert [listing.cell(row=6, column=k).value for k in (2, 4, 5)] == [
        "科技辅导员科技教育创新成果",
        "科教方案类",
        "个人",
    ]
    summary = wb["分类汇总"]
    cells = {(summary.cell(row=r, column=1).value, summary.cell(row=r, column=2).value) for r in range(3, 14)}
    assert ("科技辅导员科技教育创新成果（科教制作类）", "小学") in cells
    assert ("科技辅导员科技教育创新成果（科教方案类）", "小学") in cells
    quota = wb["各区县名额"]
    assert [quota.cell(row=4, column=k).value for k in range(1, 5)] == ["相山区", 2, 1, "超出分配名额"]
    assert quota.cell(row=4, column=4).font.color.rgb.endswith("C00000")
    assert quota["A6"].value.startswith("以分配名额为上限") and "A6:D6" in {str(m) for m in quota.merged_cells.ranges}
    # LibreOffice opens and prints it (the PDF an office would print)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "libreoffice is installed by scripts/install"
    (tmp_path / "nominations.xlsx").write_bytes(data)
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "nominations.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "nominations.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
