"""The sheet reader on the office-made samples and on broken files (no database)."""
import io
from pathlib import Path

import openpyxl
import pytest

from competition import sheets
from competition.services.imports import COLUMNS
from tests import factories_accounts as fa

TEACHERS = COLUMNS["teachers"]


def read(name, kind="teachers"):
    return sheets.read_table(fa.sample(name), name, COLUMNS[kind])


def test_teachers_header_under_merged_title_and_district_filled_from_merges():
    t = read("teachers_libreoffice.xlsx")
    assert (t.sheet, t.header_line, len(t.rows)) == ("辅导员", 2, 40)
    assert t.columns["name"] == "教师姓名" and t.columns["school"] == "学校名称" and t.columns["phone"] == "手机"
    by_line = {r.line: r.values for r in t.rows}
    blocks = {(3, 13): "相山区", (14, 22): "杜集区", (23, 30): "烈山区", (31, 42): "濉溪县"}
    for (first, last), district in blocks.items():
        assert {by_line[i]["district"] for i in range(first, last + 1)} == {district}
    assert t.filled_down == {"district": 36}


def test_teacher_values_are_cleaned():
    rows = {r.line: r.values for r in read("teachers_libreoffice.xlsx").rows}
    assert rows[22]["name"] == "秦勇" and rows[39]["name"] == "喻娟"
    assert rows[12]["name"] == "郑喆" and rows[18]["name"] == "沈堃"
    assert rows[3]["phone"] == "13805617701" and rows[4]["phone"] == "13956102288"  # int and text alike
    assert rows[8]["email"] == "sunhaoran@163.com"
    assert rows[5]["email"] is None
    wangwei = [(v["school"], v["phone"]) for v in rows.values() if v["name"] == "王伟"]
    assert wangwei == [("淮北市第一中学", "13805617701"), ("淮北市第十二中学", "18955613308")]


def test_judges_sample():
    t = read("judges_libreoffice.xlsx", "judges")
    assert (t.sheet, t.header_line, len(t.rows)) == ("评委名单", 2, 25)  # rows 28-29 bordered but empty
    assert t.rows[-1].line == 27
    rows = {r.line: r.values for r in t.rows}
    assert rows[4]["name"] == "王芳" and rows[5]["name"] == "李明"
    assert rows[6]["name"] == "刘喆" and rows[7]["name"] == "陈堃"
    assert rows[8]["phone"] == "13956108876"
    assert rows[12]["phone"] == "0561-3098765"
    assert all(not v["phone"].endswith(".0") for v in rows.values())
    assert rows[15]["subjects"] == "物理与天文学、工程学"


def test_entries_sample_uses_the_sheet_with_the_header():
    t = read("entries_libreoffice.xlsx", "entries")
    assert t.sheet == "申报汇总" and t.sheets == ["申报汇总", "填表说明"] and len(t.rows) == 30
    rows = {r.line: r.values for r in t.rows}
    assert rows[10]["title"] == "基于图像识别的垃圾分类助手"
    assert rows[21]["title"] == "“双减”背景下小学生课外活动时间调查"
    assert rows[6]["title"] == "基于Arduino的教室二氧化碳浓度监测与自动通风系统"
    assert rows[3]["author3"] == "王一诺" and rows[4]["author2"] is None
    assert rows[28]["adviser1"] is None


@pytest.mark.parametrize("name,encoding", [("schools_gbk.csv", "gb18030"), ("schools_utf8_bom.csv", "utf-8")])
def test_school_csv_encodings(name, encoding):
    t = read(name, "schools")
    assert t.encoding == encoding and t.sheet is None and t.header_line == 1
    assert t.columns["district"] == "区县" and len(t.rows) == 20
    rows = {r.values["name"]: r.values for r in t.rows}
    assert rows["杜集区梧南学校"]["stage_kind"] == "九年一贯制"
    assert rows["濉溪中学"]["contact_phone"] == "0561-6012345"
    assert rows["杜集区高岳中心学校"]["contact_name"] == "沈堃"
    assert not any("\r" in (v or "") for r in t.rows for v in r.values.values())


def test_header_variants_full_width_and_marks():
    text = "名单\n所属区县 ,＊学校全称,名字（必填）,联系电话\n相山区,淮北市第一中学,张　三,１３９０００００００１\n,,,\n"
    t = sheets.read_table(text.encode("utf-8"), "t.csv", TEACHERS)
    assert t.header_line == 2 and set(t.columns) == {"district", "school", "name", "phone"}
    assert t.rows[0].values["name"] == "张三" and t.rows[0].values["phone"] == "13900000001"
    assert len(t.rows) == 1


def test_vertical_merge_is_read_not_guessed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区县", "学校", "姓名"])
    ws.append(["相山区", "一中", "甲"])
    ws.append([None, "一中", "乙"])
    ws.append([None, "二中", "丙"])  # empty but NOT merged: stays empty
    ws.merge_cells("A2:A3")
    out = io.BytesIO()
    wb.save(out)
    t = sheets.read_table(out.getvalue(), "m.xlsx", TEACHERS)
    assert [r.values["district"] for r in t.rows] == ["相山区", "相山区", None]


def test_row_numbers_survive_gaps():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "学校", "姓名"
    ws["A3"], ws["B3"] = "一中", "甲"
    ws["A7"], ws["B7"] = "二中", "乙"
    out = io.BytesIO()
    wb.save(out)
    t = sheets.read_table(out.getvalue(), "g.xlsx", TEACHERS)
    assert [r.line for r in t.rows] == [3, 7]


def test_missing_required_column_is_named():
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table("学校,性别\n一中,男\n".encode(), "x.csv", TEACHERS)
    assert "姓名" in str(exc.value.message) and "lacks" in exc.value.message.template


@pytest.mark.parametrize("data,name,words", [
    (lambda: fa.pdf_renamed(), "a.xlsx", "PDF"),
    (lambda: fa.truncated(), "a.xlsx", "damaged"),
    (lambda: fa.zip_bomb(), "a.xlsx", "zip bomb"),
    (lambda: fa.sample("research_report_sample.docx"), "a.xlsx", "Word"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", ".xls"),
    (lambda: b"just text", "a.xlsx", "not an Excel workbook"),
    (lambda: fa.sample("photo_sample.jpg"), "a.csv", "not a spreadsheet"),
    (lambda: b"", "a.csv", "empty"),
])
def test_broken_files(data, name, words):
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table(data(), name, TEACHERS)
    assert words in str(exc.value.message)


def test_fifty_thousand_rows_are_refused_quickly_in_little_memory(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "big.xlsx"
    path.write_bytes(fa.big_xlsx(50_000))
    start = time.perf_counter()
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table(path.read_bytes(), "big.xlsx", TEACHERS)
    assert time.perf_counter() - start < 20  # about 2 s on an idle laptop; CI machines are busy
    assert "20000" in str(exc.value.message)
    # Memory: the peak resident size of a fresh interpreter reading the file, minus its size before.
    probe = (
        "import resource, sys\n"
        "from competition import sheets\n"
        "from competition.services.imports import COLUMNS\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    sheets.read_table(data, 'big.xlsx', COLUMNS['teachers'])\n"
        "except sheets.SheetError:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).resolve().parent.parent))
    grown_kb = int(out.stdout.strip().splitlines()[-1])
    assert grown_kb < 50 * 1024, f"reading grew the process by {grown_kb} KB"
    print(f"50,000 rows: refused; resident memory grew by {grown_kb // 1024} MB")


def test_within_the_cap_is_read():
    t = sheets.read_table(fa.big_xlsx(300), "ok.xlsx", TEACHERS)
    assert len(t.rows) == 300 and t.rows[0].values["phone"] == "13800000002"


@pytest.mark.parametrize("raw,kind,expected", [
    (13805610231, "phone", "13805610231"),
    (13805610231.0, "phone", "13805610231"),
    ("139 5610 8876", "phone", "13956108876"),
    ("+86 139-5610-8876", "phone", "13956108876"),
    ("05613098765", "phone", "0561-3098765"),
    ("０５６１－３０９８７６５", "phone", "0561-3098765"),
    (" SunHaoran@163.COM ", "email", "sunhaoran@163.com"),
    ("王\u3000芳", "name", "王芳"),
    ("李明  ", "name", "李明"),
    ("John  Smith", "name", "John Smith"),
    ("陈堃", "name", "陈堃"),
    (None, "name", None),
    ("   ", "text", None),
    (3.5, "text", "3.5"),
])
def test_clean_value(raw, kind, expected):
    assert sheets.clean_value(raw, kind) == expected


def test_phone_checks():
    assert sheets.phone_ok("13956108876") and sheets.phone_ok("0561-3098765") and sheets.phone_ok(None)
    assert not sheets.phone_ok("12345") and not sheets.phone_ok("1395610887")
