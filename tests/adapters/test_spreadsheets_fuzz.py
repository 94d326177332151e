"""Fuzzing the import parsers (competition/adapters/spreadsheets/) directly with hypothesis: random bytes,
random CSV text in several encodings, damaged and hand-made zips, real workbooks with damaged parts.

Whatever the input, `read_table` either returns a Table or raises the module's own `SheetError`
(with a message that renders), never anything else; what it returns is well formed.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from competition.adapters import spreadsheets as sheets
from competition.domain.text import phone_valid
from competition.i18n.messages import translate
from competition.services.imports import COLUMNS, column_report
from tests.factories import SAMPLES

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # hand-made zips repeat names
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
KINDS = st.sampled_from(sorted(COLUMNS))
NAMES = st.one_of(
    st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.CSV", "a.xls", "a", "", "a.xlsm", "名单.csv"]), st.text(max_size=30)
)
XLSX_SAMPLES = ["teachers_libreoffice.xlsx", "judges_libreoffice.xlsx", "entries_libreoffice.xlsx"]
CSV_SAMPLES = ["schools_gbk.csv", "schools_utf8_bom.csv"]
ALIASES = sorted({alias for cols in COLUMNS.values() for c in cols for alias in c.aliases})


def read(data: bytes, name: str, kind: str, max_rows: int = sheets.MAX_ROWS):
    """read_table, allowed to refuse only with SheetError; checks what comes back."""
    try:
        table = sheets.read_table(data, name, COLUMNS[kind], max_rows=max_rows)
    except sheets.SheetError as exc:
        assert translate(exc.message).strip()
        assert all(translate(h).strip() for h in exc.hints) and exc.matched >= 0
        return None
    keys = {c.key for c in COLUMNS[kind]}
    assert set(table.columns) <= keys
    assert {c.key for c in COLUMNS[kind] if c.required} <= set(table.columns)
    assert len(table.rows) <= max_rows
    lines = [r.line for r in table.rows]
    assert lines == sorted(lines) and all(line > table.header_line for line in lines)
    for row in table.rows:
        assert set(row.values) == set(table.columns)
        assert all(v is None or isinstance(v, str) for v in row.values.values())
    # the column report: every read column once, left to right; unread ones say why or are plainly unused
    cells = table.header_cells
    assert [c.index for c in cells] == sorted({c.index for c in cells})
    assert sorted(c.key for c in cells if c.key) == sorted(table.columns)
    for c in cells:
        assert c.key or c.text or c.filled > 0
        assert not (c.same_as and c.suggestion)
        assert c.same_as is None or c.same_as in table.columns
    notes, absent = column_report(kind, table)
    assert len(notes) == len(cells) and all(n.note for n in notes if n.field is None)
    assert all(isinstance(name, str) for name in absent)
    return table


# ---------------------------------------------------------------------------------------------
# Bytes and text


@FUZZ
@given(data=st.binary(max_size=3000), name=NAMES, kind=KINDS)
@example(data=b"PK\x05\x06" + b"\x00" * 18, name="a.xlsx", kind="teachers")
@example(data=b"\xd0\xcf\x11\xe0" + b"\x00" * 100, name="a.xls", kind="teachers")
@example(data=b"\xef\xbb\xbf", name="a.csv", kind="schools")
def test_random_bytes(data, name, kind) -> None:
    read(data, name, kind)


CELL = st.one_of(
    st.sampled_from(ALIASES),
    st.text(max_size=12),
    st.sampled_from(["", " ", '"', '""', 'a"b', "=1+1", "13800000000", "１３８"]),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "latin-1", "utf-16", "shift_jis"]


@FUZZ
@given(
    rows=st.lists(st.lists(CELL, max_size=8), max_size=15),
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(ENCODINGS),
    kind=KINDS,
    max_rows=st.integers(1, 20),
)
def test_random_csv_text(rows, delimiter, newline, encoding, kind, max_rows) -> None:
    text = newline.join(delimiter.join(cells) for cells in rows)
    read(text.encode(encoding, errors="ignore"), "名单.csv", kind, max_rows=max_rows)


@FUZZ
@given(sample=st.sampled_from(CSV_SAMPLES), data=st.data())
def test_damaged_csv_samples(sample, data) -> None:
    raw = bytearray((SAMPLES / sample).read_bytes())
    for _ in range(data.draw(st.integers(1, 10))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    read(bytes(raw[:cut]), sample, "schools")


# ---------------------------------------------------------------------------------------------
# Zips and workbooks


@FUZZ
@given(sample=st.sampled_from(XLSX_SAMPLES), data=st.data())
def test_damaged_workbooks(sample, data) -> None:
    """A real workbook cut short or with bytes overwritten."""
    raw = bytearray((SAMPLES / sample).read_bytes())
    for _ in range(data.draw(st.integers(0, 12))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    read(bytes(raw), sample, data.draw(KINDS))


MEMBER_NAMES = st.one_of(
    st.sampled_from(
        [
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
            "xl/_rels/workbook.xml.rels",
            "_rels/.rels",
            "word/document.xml",
            "xl/sharedStrings.xml",
            "../evil",
            "/abs",
        ]
    ),
    st.text(min_size=1, max_size=20).filter(lambda n: "\x00" not in n),
)  # zipfile cuts at NUL
XMLISH = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"<a/>",
            b"<?xml version='1.0'?><workbook/>",
            b"<x>&lol;</x>",
            b"<!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><x>&b;</x>",
            b"<worksheet><mergeCells><mergeCell ref='1:3'/></mergeCells></worksheet>",
        ]
    ),
)


@FUZZ
@given(members=st.lists(st.tuples(MEMBER_NAMES, XMLISH), max_size=6), kind=KINDS)
def test_hand_made_zips(members, kind) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members:
            zf.writestr(name, content)
    read(out.getvalue(), "a.xlsx", kind)


def test_zip_bomb_is_refused_before_inflating() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (150 * 1024 * 1024) + b"/>")
    assert len(out.getvalue()) < 1024 * 1024
    assert read(out.getvalue(), "bomb.xlsx", "teachers") is None


def _replace_member(data: bytes, member: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


REFS = st.one_of(
    st.sampled_from(
        [
            "A1:A3",
            "A3:A40",
            "1:3",
            "3:5",
            "4:40",
            "A:A",
            "A1",
            "B2:A1",
            "XFD1048576:A1",
            "A0:B0",
            "ZZZZ1:A2",
            "",
            ":",
            "A1:",
            "$A$1:$A$9",
            "A1:B3 C4:D5",
        ]
    ),
    st.text(alphabet="AB12:$ ", max_size=10),
    st.text(max_size=10),
)


@FUZZ
@given(refs=st.lists(REFS, min_size=1, max_size=4))
@example(refs=["3:5"])  # whole rows merged: no column bounds
def test_workbook_with_strange_merged_ranges(refs) -> None:
    """The district column of the teachers' sample is merged; its merge refs are replaced."""
    data = (SAMPLES / "teachers_libreoffice.xlsx").read_bytes()
    member = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/sheet"))

    def change(xml: bytes) -> bytes:
        cells = "".join(f'<mergeCell ref="{_xml_attr(r)}"/>' for r in refs)
        block = f'<mergeCells count="{len(refs)}">{cells}</mergeCells>'.encode()
        if b"<mergeCells" in xml:
            return re.sub(rb"<mergeCells.*?</mergeCells>", lambda _m: block, xml, flags=re.S)
        return xml.replace(b"</sheetData>", b"</sheetData>" + block)

    read(_replace_member(data, member, change), "teachers.xlsx", "teachers")


def _xml_attr(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    text = "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\ufffe\uffff")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@FUZZ
@given(
    header=st.lists(CELL, min_size=1, max_size=8),
    rows=st.lists(
        st.lists(
            st.one_of(CELL, st.integers(), st.floats(allow_nan=True), st.booleans(), st.dates(), st.none()), max_size=8
        ),
        max_size=12,
    ),
    title_rows=st.integers(0, 12),
    kind=KINDS,
    max_rows=st.integers(1, 20),
)
def test_generated_workbooks(header, rows, title_rows, kind, max_rows) -> None:
    """Workbooks written by openpyxl: any cell values, the header anywhere in the first rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["淮北市2026年名单"])
    ws.append([_xml_attr(h) for h in header])
    for r in rows:
        ws.append([_xml_attr(v) if isinstance(v, str) else v for v in r])
    out = io.BytesIO()
    wb.save(out)
    read(out.getvalue(), "名单.xlsx", kind, max_rows=max_rows)


# ---------------------------------------------------------------------------------------------
# The small helpers the importers use on every cell


@FUZZ
@given(
    value=st.one_of(
        st.none(), st.text(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.dates(), st.datetimes()
    ),
    kind=st.sampled_from(sheets.KINDS),
)
def test_clean_value_never_fails(value, kind) -> None:
    cleaned = sheets.clean_value(value, kind)
    assert cleaned is None or isinstance(cleaned, str)
    for check in (phone_valid, sheets.is_mobile, sheets.email_ok):
        assert check(cleaned) in (True, False)
