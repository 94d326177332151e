"""Exports: open every workbook with openpyxl, read the CSV back, unzip the bundle."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from competition.adapters import xlsx
from competition.adapters.xlsx import safe_text
from competition.models import Entry
from competition.services import exports
from tests.factories.exports import JPG_BYTES, PDF_BYTES, build_ranked


@pytest.fixture()
def ranked(world):
    return build_ranked(world)


def test_safe_text_neutralises_formulas_and_keeps_numbers():
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for prefix in "=+-@\t\r":
        assert safe_text(prefix + "abc") == "'" + prefix + "abc"
    assert safe_text("校园雨水") == "校园雨水"
    assert safe_text(-1) == -1 and safe_text(88.5) == 88.5 and safe_text(None) is None


def test_row_heights_follow_wrapped_lines():
    # A CJK character is 2 columns wide, a digit 1 (at the 11 pt default); one column is padding.
    assert xlsx.wrapped_lines("张小明", 7, size=11) == 1
    assert xlsx.wrapped_lines("张小明李小红", 7, size=11) == 2
    assert xlsx.wrapped_lines("张小明\n李小红\n欧阳子涵", 9, size=11) == 3
    assert xlsx.wrapped_lines("13800000001", 14, size=11) == 1  # the 联系电话 column
    assert xlsx.wrapped_lines("", 10) == 1

    wb, ws = xlsx.new_workbook()
    xlsx.write_title(ws, 1, "短标题", 2)  # its height (32) already suffices: kept
    xlsx.write_rows(ws, 2, [["张小明\n李小红\n欧阳子涵", 1], ["王芳", 2]])
    ws.merge_cells("A4:B4")
    ws["A4"] = "科技辅导员科技教育创新成果" * 2
    ws["A4"].alignment = xlsx.WRAP_LEFT
    xlsx.set_widths(ws, [9, 8])
    reread = load_workbook(io.BytesIO(xlsx.workbook_bytes(wb))).active
    one_line = reread.row_dimensions[3].height
    assert reread.row_dimensions[1].height == 32
    assert one_line and reread.row_dimensions[2].height >= 3 * one_line - 8
    # 26 CJK characters over the merged 17 columns: 52 / 16 -> 4 lines.
    assert reread.row_dimensions[4].height >= 4 * one_line - 12


def test_nomination_workbook_layout(ranked):
    wb = load_workbook(io.BytesIO(exports.nomination_workbook(ranked.contest)))
    assert wb.sheetnames == ["推荐汇总表", "分类汇总", "各区县名额"]
    ws = wb["推荐汇总表"]
    assert ws["A1"].value == "2026年淮北市青少年科技创新大赛推荐项目汇总表"
    merges = {str(m) for m in ws.merged_cells.ranges}
    assert "A1:P1" in merges and "G2:I2" in merges and "A2:A3" in merges and "P2:P3" in merges
    headers = [ws.cell(row=2, column=c).value for c in range(1, 17)]
    assert headers == [
        "序号",
        "类别",
        "组别",
        "学科",
        "个人/集体",
        "项目名称",
        "作者",
        None,
        None,
        "学校全称",
        "指导教师",
        "市赛奖项",
        "得分",
        "排名",
        "联系电话",
        "备注",
    ]
    assert [ws.cell(row=3, column=c).value for c in (7, 8, 9)] == ["姓名", "性别", "年级"]
    assert ws.freeze_panes == "A4"
    # Print setup: A4 landscape, header rows repeated, fitted to one page wide.
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$3"
    assert ws.column_dimensions["F"].width == 30 and ws.column_dimensions["J"].width == 24
    assert ws["A2"].font.name == "宋体" and ws["F4"].alignment.wrap_text

    rows = [[ws.cell(row=r, column=c).value for c in range(1, 17)] for r in range(4, 7)]
    team, evil, counselor = rows
    assert team == [
        1,
        "学生科技创新成果",
        "初中",
        "物理与天文学",
        "集体",
        "校园雨水回收与再利用装置",
        "张小明\n李小红",
        "男\n女",
        "八年级\n七年级",
        "淮北市第一中学",
        "张老师\n周老师",
        "一等奖",
        91.24,
        1,
        "13800000001",
        "市赛编号 CX2026-XS-001",
    ]
    assert ws.cell(row=4, column=13).number_format == "0.00"
    # Formula injection: text neutralised, the cell is a string, never a formula.
    assert evil[5] == '\'=HYPERLINK("http://x")' and ws.cell(row=5, column=6).data_type == "s"
    assert evil[6] == "'@王五" and evil[14] == "'-1"
    assert evil[12] == 88.5 and isinstance(evil[13], int)
    # Counselor project: the teacher is the author; override nomination counts.
    assert counselor[1] == "科技辅导员科技教育创新成果" and counselor[6] == "张老师" and counselor[4] == "个人"
    # Nothing else nominated; then the stamp and date area.
    assert ws.cell(row=7, column=1).value is None
    assert ws.cell(row=8, column=1).value == "推荐单位（盖章）："
    assert ws.cell(row=8, column=9).value.startswith("日期：")
    assert "A8:H10" in merges

    summary = wb["分类汇总"]
    assert summary["A1"].value.endswith("（分类汇总）")
    assert [summary.cell(row=2, column=c).value for c in range(1, 6)] == ["类别", "组别", "个人", "集体", "合计"]
    body, name = {}, None
    for r in range(3, summary.max_row + 1):  # 类别 is merged over its stages: carry it down
        name = summary.cell(row=r, column=1).value or name
        body[(name, summary.cell(row=r, column=2).value)] = [summary.cell(row=r, column=c).value for c in (3, 4, 5)]
        if name == "合计":
            break
    assert body[("学生科技创新成果", "小学")] == [0, 0, 0]
    assert body[("学生科技创新成果", "初中")] == [0, 1, 1]
    assert body[("学生科技创新成果", "高中")] == [1, 0, 1]
    assert body[("学生科技创新成果", "中专")] == [0, 0, 0]  # a section that names no stages takes all four
    # a counselor section is counted per kind: the 科教方案类 entry, none of 科教制作类
    assert body[("科技辅导员科技教育创新成果（科教方案类）", "初中")] == [1, 0, 1]
    assert body[("科技辅导员科技教育创新成果（科教制作类）", "初中")] == [0, 0, 0]
    assert body[("合计", None)] == [2, 1, 3]
    assert "A3:A6" in {str(m) for m in summary.merged_cells.ranges}
    assert summary.freeze_panes == "A3" and summary.print_title_rows == "$2:$2"
    assert any(summary.cell(row=r, column=1).value == "推荐单位（盖章）：" for r in range(12, 17))


def test_withdrawn_result_is_not_nominated(ranked, db):
    ranked.res_evil.withdrawn = True
    ranked.res_evil.withdrawn_reason = "公示期异议查实"
    db.session.commit()
    titles = [r.entry.title for r in exports.nominated_results(ranked.contest)]
    assert titles == ["校园雨水回收与再利用装置", "校园气象站科学课程方案"]


def test_empty_nomination_workbook_says_so(world):
    ws = load_workbook(io.BytesIO(exports.nomination_workbook(world.contest)))["推荐汇总表"]
    assert ws["A4"].value == "（尚无推荐项目）"
    assert ws["A6"].value == "推荐单位（盖章）："


def test_nomination_csv_utf8_bom(ranked):
    data = exports.nomination_csv(ranked.contest)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:7] == ["序号", "类别", "组别", "学科", "个人/集体", "项目名称", "作者姓名"]
    assert len(rows) == 4
    assert rows[1][6:9] == ["张小明、李小红", "男、女", "八年级、七年级"] and rows[1][12] == "91.24"
    assert rows[2][5] == '\'=HYPERLINK("http://x")' and rows[2][14] == "'-1" and rows[2][6] == "'@王五"
    assert rows[2][12] == "88.5"


def test_results_workbook_has_every_entry(ranked):
    ws = load_workbook(io.BytesIO(exports.results_workbook(ranked.contest))).active
    headers = [c.value for c in ws[2]]
    assert headers[:6] == ["编号", "类别", "组别", "学科", "个人/集体", "项目名称"]
    assert {"原始平均分", "去掉最高最低分后平均分", "最终得分", "组内排名", "奖项", "推荐", "推荐说明"} <= set(headers)
    col = {h: i for i, h in enumerate(headers)}
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"CX2026-XS-001", "CX2026-XS-002", "CX2026-XS-003", "CX2026-XS-004", "CX2026-FD-001"}
    team = rows["CX2026-XS-001"]
    assert team[col["原始平均分"]] == 90.74 and team[col["去掉最高最低分后平均分"]] == 90.99
    assert team[col["最终得分"]] == 91.24 and team[col["组内排名"]] == 1 and team[col["奖项"]] == "一等奖"
    assert team[col["推荐"]] == "是" and team[col["推荐说明"]] == "初中组第1名，占初中名额"
    assert rows["CX2026-XS-003"][col["推荐"]] == "否"
    assert rows["CX2026-FD-001"][col["调整说明"]] == "专家组推荐"
    assert rows["CX2026-XS-004"][col["备注"]] == "尚未排名" and rows["CX2026-XS-004"][col["最终得分"]] is None
    assert rows["CX2026-XS-002"][col["项目名称"]].startswith("'=")
    assert ws.freeze_panes == "C3" and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$2:$2"


def test_score_sheets_workbook(ranked):
    wb = load_workbook(io.BytesIO(exports.score_sheets_workbook(ranked.contest)))
    assert wb.sheetnames == ["初评-学生科技创新成果初评"]
    ws = wb.active
    headers = [c.value for c in ws[2]]
    assert headers == [
        "评委",
        "工作单位",
        "项目编号",
        "项目名称",
        "创新性（40分）",
        "科学性（30分）",
        "实用性（20分）",
        "三自原则（10分）",
        "总分",
        "评语",
        "状态",
        "提交时间",
    ]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    # Ordered by judge name, then entry number.
    assert [(r[0], r[2], r[10]) for r in rows] == [
        ("赵评委", "CX2026-XS-001", "未评分"),
        ("赵评委", "CX2026-XS-003", "草稿"),
        ("钱评委", "CX2026-XS-001", "已提交"),
        ("钱评委", "CX2026-XS-002", "已提交"),
    ]
    assert rows[2][4:10] == (36, 27, 18, 9, 90, "选题贴近生活，数据翔实。")
    assert rows[3][5] == 25.5 and rows[3][9] == "'=1+1 评语"
    assert rows[1][6] is None  # a criterion not yet scored stays empty
    assert ws.freeze_panes == "C3" and ws.page_setup.orientation == "landscape"


def test_score_sheets_pdf_has_a_signature_line_per_judge(ranked, tmp_path):
    path = tmp_path / "sheets.pdf"
    path.write_bytes(exports.score_sheets_pdf(ranked.contest))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert text.count("评委签名") == 2
    assert "钱评委" in text and "赵评委" in text and "淮北师范大学" in text
    assert "选题贴近生活" in text and "CX2026-XS-002" in text
    judge_pages = [p for p in pages if "评委：" in p]
    assert len(judge_pages) == 2 and all("评委签名" in p for p in judge_pages)


def test_safe_name_for_windows():
    assert exports.safe_name('a\\b/c:d*e?f"g<h>i|j') == "a_b_c_d_e_f_g_h_i_j"
    assert exports.safe_name('雨水/回收:装置*?"<>|') == "雨水_回收_装置"
    assert exports.safe_name("  名字.  ") == "名字"
    assert exports.safe_name("CON") == "_CON"
    assert len(exports.safe_name("长" * 200, max_len=60)) == 60
    assert exports.safe_name("") == "未命名"


def test_bundle_tree_and_contents(ranked, tmp_path, db):
    ranked.team.title = '雨水/回收:装置*?"<>|'
    db.session.commit()
    target = tmp_path / "bundle.zip"
    seen = []
    summary = exports.write_bundle(ranked.contest, target, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert summary.entries == 3 and summary.files == 4 and not summary.missing
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        folder = "CX2026-XS-001_雨水_回收_装置"
        # Files named by the default pattern 参赛项目+学校+项目名称+参赛人员姓名, then the material
        # (the title's \/:*?"<> made "_", runs of "_" made one); the two photos numbered in upload order.
        team = f"{folder}/学生科技创新成果+淮北市第一中学+雨水_回收_装置_+张小明、李小红"
        assert f"{team}_研究报告.pdf" in names
        assert f"{team}_照片_1.jpg" in names and f"{team}_照片_2.jpg" in names
        assert (
            "CX2026-XS-002_=HYPERLINK(_http_x_)/学生科技创新成果+濉溪县第一中学+=HYPERLINK(_http_x_)+@王五_研究报告.pdf"
            in names
        )
        assert zf.read(f"{team}_研究报告.pdf") == PDF_BYTES
        assert zf.read(f"{team}_照片_1.jpg") == JPG_BYTES
        assert zf.read(f"{team}_照片_2.jpg") == JPG_BYTES[::-1]
        info = zf.getinfo(f"{team}_照片_1.jpg")
        assert info.compress_type == zipfile.ZIP_STORED and info.flag_bits & 0x800  # UTF-8 names
        assert "2026年淮北市青少年科技创新大赛推荐项目汇总表.xlsx" in names
        assert zf.read(f"{folder}/CX2026-XS-001_申报书.pdf").startswith(b"%PDF")  # the generated 申报书
        assert summary.forms == 3
        manifest = list(csv.reader(io.StringIO(zf.read("材料清单.csv").decode("utf-8-sig"))))
        assert manifest[0][0] == "序号" and len([r for r in manifest[1:] if r[5] != "" or "系统生成" in r[4]]) >= 4
        for name in names:
            assert not set('\\:*?"<>|') & set(name)
        # Not nominated: no folder.
        assert not any(n.startswith("CX2026-XS-003") for n in names)
    assert not list(tmp_path.glob("*.part"))


def test_bundle_reports_a_missing_file(ranked, tmp_path, db, app):
    from competition.adapters.storage import get_storage

    get_storage().delete(ranked.photo2.storage_key)
    summary = exports.write_bundle(ranked.contest, tmp_path / "b.zip")
    assert summary.files == 3 and summary.missing == ["CX2026-XS-001 IMG_002.jpg"]


def test_bundle_job_reports_progress(ranked, db, app):
    from pathlib import Path

    from competition import jobs
    from competition.models import Job

    job = exports.start_bundle(ranked.contest, ranked.contest)
    db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "done", job.error
    assert (job.progress, job.total) == (3, 3)
    assert job.result_name == "2026年淮北市青少年科技创新大赛推荐项目材料.zip"
    path = jobs.result_file(job)
    assert path is not None and Path(app.config["EXPORT_FOLDER"]) in path.parents
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None


def test_the_bundle_job_writes_under_the_folder_it_is_given(ranked, db, tmp_path):
    """The service takes the export folder as an argument; the job table passes the app's."""
    job = exports.start_bundle(ranked.contest, ranked.contest)
    db.session.commit()  # the job reports its progress on a connection of its own
    rel, name = exports.bundle_job(job.id, ranked.contest.id, export_folder=tmp_path / "elsewhere")
    assert rel.startswith("bundles/") and name.endswith(".zip")
    with zipfile.ZipFile(tmp_path / "elsewhere" / rel) as zf:
        assert zf.testzip() is None


def test_the_job_table_passes_the_export_folder_and_keeps_the_old_dotted_name():
    from competition.jobs import table

    func = table.JOBS["exports.bundle"]
    assert table.lookup("competition.services.exports.bundle_job") is func


def test_entry_folder_without_number(ranked, db):
    e = db.session.get(Entry, ranked.plain.id)
    e.number = None
    assert exports.entry_folder(e) == f"ID{e.id}_教室二氧化碳浓度监测"


class _Zeros(io.RawIOBase):
    """A readable stream of n zero bytes that never holds them all."""

    def __init__(self, n: int):
        self.left = n

    def readable(self):
        return True

    def readinto(self, buf):
        k = min(len(buf), self.left)
        buf[:k] = b"\0" * k
        self.left -= k
        return k


def _bundle_peak(contest, target) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        exports.write_bundle(contest, target)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_bundle_streams_large_files(ranked, tmp_path, db):
    """A 96 MB video goes into the zip without being read into memory: the bundle's peak
    memory grows by far less than the file (rendering the 申报书 PDFs costs the same either way)."""
    from competition.adapters.storage import get_storage
    from competition.models import Attachment

    exports.write_bundle(ranked.contest, tmp_path / "warm.zip")  # fonts and templates loaded once
    baseline = _bundle_peak(ranked.contest, tmp_path / "small.zip")
    size = 96 * 1024 * 1024
    stored = get_storage().save_stream(io.BufferedReader(_Zeros(size)))
    video = next(m for m in ranked.team.section.materials if m.code == "video")
    db.session.add(
        Attachment(
            entry_id=ranked.team.id,
            requirement_id=video.id,
            original_name="答辩.MP4",
            storage_key=stored.key,
            file_kind="mp4",
            content_type="video/mp4",
            size=stored.size,
            sha256=stored.sha256,
        )
    )
    db.session.commit()
    db.session.expire_all()
    peak = _bundle_peak(ranked.contest, tmp_path / "big.zip")
    assert peak - baseline < 8 * 1024 * 1024, (baseline, peak)
    with zipfile.ZipFile(tmp_path / "big.zip") as zf:
        folder = "CX2026-XS-001_校园雨水回收与再利用装置"
        info = zf.getinfo(
            f"{folder}/学生科技创新成果+淮北市第一中学+校园雨水回收与再利用装置+张小明、李小红_视频（不超过1分钟）.mp4"
        )
        assert info.file_size == size and info.compress_type == zipfile.ZIP_STORED


def test_a_district_over_its_quota_is_flagged_not_cut(ranked):
    # nominated: the team and the counselor entry (相山区, one by the organizer's override) and
    # 濉溪县's entry; with a quota of 1 per district, 相山区's 2 is flagged and nothing is cut
    c = ranked.contest
    c.settings = {**(c.settings or {}), "nomination_district_cap": 1}
    assert exports.district_quota_rows(c) == [("濉溪县", 1, 1, False), ("相山区", 2, 1, True)]
    ws = load_workbook(io.BytesIO(exports.nomination_workbook(c)))["各区县名额"]
    table = [[ws.cell(row=r, column=k).value for k in range(1, 5)] for r in range(2, 5)]
    assert table == [
        ["区县", "推荐数", "分配名额", "核对"],
        ["濉溪县", 1, 1, "未超出"],
        ["相山区", 2, 1, "超出分配名额"],
    ]
    assert ws.cell(row=4, column=4).font.b and ws.cell(row=3, column=4).font.b is not True
    c.settings = {**c.settings, "nomination_district_cap": None}
    assert exports.district_quota_rows(c) == [("濉溪县", 1, None, False), ("相山区", 2, None, False)]
