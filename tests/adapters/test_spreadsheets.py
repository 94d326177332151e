"""The sheet reader on the office-made samples and on broken files (no database)."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from competition.adapters import spreadsheets as sheets
from competition.domain.text import phone_valid
from competition.services.imports import COLUMNS
from tests.factories import accounts as fa

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
    text = (
        "名单\n所属区县 ,＊学校全称,名字（必填）,联系电话\n相山区,淮北市第一中学,张　三,１３９０００００００１\n,,,\n"
    )
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


@pytest.mark.parametrize(
    "data,name,words",
    [
        (lambda: fa.pdf_renamed(), "a.xlsx", "PDF"),
        (lambda: fa.truncated(), "a.xlsx", "damaged"),
        (lambda: fa.zip_bomb(), "a.xlsx", "zip bomb"),
        (lambda: fa.sample("research_report_sample.docx"), "a.xlsx", "Word"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", ".xls"),
        (lambda: b"just text", "a.xlsx", "not an Excel workbook"),
        (lambda: fa.sample("photo_sample.jpg"), "a.csv", "not a spreadsheet"),
        (lambda: b"", "a.csv", "empty"),
    ],
)
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
        "from competition.adapters import spreadsheets as sheets\n"
        "from competition.services.imports import COLUMNS\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    sheets.read_table(data, 'big.xlsx', COLUMNS['teachers'])\n"
        "except sheets.SheetError:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(Path(__file__).resolve().parent.parent.parent),
    )
    grown_kb = int(out.stdout.strip().splitlines()[-1])
    assert grown_kb < 50 * 1024, f"reading grew the process by {grown_kb} KB"
    print(f"50,000 rows: refused; resident memory grew by {grown_kb // 1024} MB")


def test_within_the_cap_is_read():
    t = sheets.read_table(fa.big_xlsx(300), "ok.xlsx", TEACHERS)
    assert len(t.rows) == 300 and t.rows[0].values["phone"] == "13800000002"


@pytest.mark.parametrize(
    "raw,kind,expected",
    [
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
    ],
)
def test_clean_value(raw, kind, expected):
    assert sheets.clean_value(raw, kind) == expected


def test_phone_checks():
    assert phone_valid("13956108876") and phone_valid("0561-3098765") and phone_valid(None)
    assert not phone_valid("12345") and not phone_valid("1395610887")


# ---------------------------------------------------------------- the columns of the header row


def relabel(data: bytes, renames: dict[str, str]) -> bytes:
    """A LibreOffice-made workbook with some header cells retyped (only its shared strings change,
    so merges, styles and number cells stay LibreOffice's own)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                text = body.decode("utf-8")
                for old, new in renames.items():
                    target = f'<t xml:space="preserve">{old}</t>'
                    assert target in text, old
                    new_xml = new.replace("&", "&amp;").replace("<", "&lt;")
                    text = text.replace(target, f'<t xml:space="preserve">{new_xml}</t>', 1)
                body = text.encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def cells_of(table):
    return {c.letter: c for c in table.header_cells}


def test_samples_report_every_column_read_or_not():
    t = read("teachers_libreoffice.xlsx")
    cells = cells_of(t)
    assert list(cells) == list("ABCDEFG")
    assert [cells[x].key for x in "BCDEFG"] == ["district", "school", "name", "gender", "phone", "email"]
    seq = cells["A"]  # 序号: not read, nothing like any field, filled in every row
    assert seq.text == "序号" and seq.key is None and seq.suggestion is None and seq.same_as is None
    assert seq.filled == 40
    j = cells_of(read("judges_libreoffice.xlsx", "judges"))
    assert j["H"].text == "备注" and j["H"].key is None and j["H"].suggestion is None
    assert j["H"].filled == 6  # 评审组长, 办公电话, 外聘 ...
    e = cells_of(read("entries_libreoffice.xlsx", "entries"))
    assert [c.text for c in e.values() if c.key is None] == ["序号"]
    for name in ("schools_gbk.csv", "schools_utf8_bom.csv"):
        s = read(name, "schools")
        assert all(c.key for c in s.header_cells) and len(s.header_cells) == 5


@pytest.mark.parametrize(
    "header,kind,alias",
    [
        ("联系电活", "teachers", "联系电话"),
        ("学校名", "teachers", "学校名称"),
        ("学校名", "schools", "学校名称"),
        ("电子油箱", "teachers", "电子邮箱"),
        ("教师姓命", "teachers", "教师姓名"),
        ("手机号吗", "judges", "手机号码"),  # 吗 for 码: the same pinyin
        ("联系人电话", "schools", "联系电话"),  # a phone, not 联系人
        ("所属学校", "entries", "学校"),  # contains 学校: not 所属学科
        ("指导教师3", "entries", "指导教师"),
        ("办公电话", "judges", "电话"),
        ("Ｅ－ｍａｉｌ地址", "teachers", "e-mail"),
    ],
)
def test_a_header_close_to_a_known_name_is_suggested(header, kind, alias):
    found = sheets.suggest(header, COLUMNS[kind])
    assert found is not None and found.alias == alias


@pytest.mark.parametrize(
    "header", ["序号", "备注", "身份证号码", "微信号", "QQ号", "出生年月", "民族", "学号", "区", "", "年级"]
)
def test_unrelated_headers_get_no_suggestion(header):
    assert sheets.suggest(header, COLUMNS["teachers"]) is None


def test_retyped_headers_in_a_libreoffice_workbook():
    """Alt+Enter inside a header cell, spaces, full-width brackets, a misspelt and a duplicate column."""
    data = relabel(
        fa.sample("teachers_libreoffice.xlsx"),
        {
            "教师姓名": " 教师\n姓名 ",  # Alt+Enter and stray spaces
            "学校名称": "学校名称（全称）",  # full-width brackets around a note
            "手机": "联系电活",  # misspelt: not read
            "邮箱": "手机号码",  # a second phone column? no: the first phone-like header is read
        },
    )
    t = sheets.read_table(data, "t.xlsx", TEACHERS)
    assert t.header_line == 2 and t.filled_down == {"district": 36}  # the merged title and 区县 still work
    cells = cells_of(t)
    assert cells["D"].key == "name" and cells["D"].text == "教师姓名"
    assert cells["C"].key == "school" and cells["C"].text == "学校名称（全称）"
    assert cells["G"].key == "phone" and cells["G"].text == "手机号码"
    typo = cells["F"]
    assert typo.key is None and typo.suggestion.alias == "联系电话" and typo.suggestion.column.key == "phone"
    assert typo.filled == 40
    rows = {r.line: r.values for r in t.rows}
    assert rows[22]["name"] == "秦勇" and rows[3]["school"] == "淮北市第一中学"


def test_second_column_for_the_same_field_and_a_column_without_header():
    text = "学校,姓名,手机,联系电话,,备注\n一中,甲,13900000001,0561-3021188,x,\n一中,乙,,,,\n"
    t = sheets.read_table(text.encode("utf-8"), "t.csv", TEACHERS)
    cells = cells_of(t)
    assert cells["C"].key == "phone" and cells["D"].key is None and cells["D"].same_as == "phone"
    assert cells["D"].filled == 1
    assert cells["E"].text == "" and cells["E"].filled == 1 and cells["E"].key is None
    assert cells["F"].text == "备注" and cells["F"].filled == 0


def test_missing_required_column_names_the_header_that_looks_like_it():
    data = relabel(fa.sample("teachers_libreoffice.xlsx"), {"学校名称": "学校名"})
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table(data, "t.xlsx", TEACHERS)
    assert "学校名称" in str(exc.value.message)
    [hint] = exc.value.hints
    assert hint.params == {"letter": "C", "header": "学校名", "name": "学校名称"}
    gbk = fa.sample("schools_gbk.csv").decode("gb18030").replace("学校名称", "学校名", 1).encode("gb18030")
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_table(gbk, "s.csv", COLUMNS["schools"])
    assert [h.params["header"] for h in exc.value.hints] == ["学校名"]


@pytest.mark.parametrize(
    "header,kind,alias",
    [
        ("油箱", "teachers", "邮箱"),  # same pinyin (you xiang): an input-method slip
        ("油箱", "judges", "邮箱"),
        ("电子油箱", "teachers", "电子邮箱"),
        ("联细电话", "schools", "联系电话"),
    ],
)
def test_a_header_that_reads_the_same_in_pinyin_is_suggested(header, kind, alias):
    found = sheets.suggest(header, COLUMNS[kind])
    assert found is not None and found.alias == alias and found.ratio >= sheets.SUGGEST_CUTOFF
