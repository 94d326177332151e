"""Workbook and CSV helpers shared by every export: safe cells, styles, widths, print setup.

No Flask here. Every text cell goes through `safe_text`, which neutralises spreadsheet formula
injection (OWASP "CSV injection"): a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe, so Excel, WPS and LibreOffice show it as text and
never run it. Real numbers (scores, ranks) stay numbers. `safe_text` also drops the characters a
workbook cannot hold (controls, noncharacters: `domain.characters.printable`), so text stored
before the input checks existed never makes an export fail or Excel call the file damaged.

Row heights: a spreadsheet program does not grow a row for wrapped text stored in the file
(LibreOffice keeps the written or default height, so the lines of a cell run over the next rows
when printed). `workbook_bytes`, which every writer ends with, sets each row's height from the
line count of its wrapped cells (`fit_row_heights`).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.characters import printable, text_width

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FONT_NAME = "宋体"  # present on every Chinese Windows PC; WPS and LibreOffice map it too
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def safe_text(value: Any) -> Any:
    """The value to write into a cell: printable text, with an apostrophe before a formula."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def font(size: float = 10.5, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def new_workbook() -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    return wb, wb.active


def sheet_title(text: str, used: set[str] | None = None) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of []:*?/\\ ."""
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in printable(text, multiline=False)).strip("'") or "Sheet"
    name = name[:31]
    if used is not None:
        base, n = name, 2
        while name in used:
            suffix = f"({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        used.add(name)
    return name


def write_title(ws: Worksheet, row: int, text: str, ncols: int, *, size: float = 16, height: float = 32) -> None:
    """A merged title row across the table."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    cell = ws.cell(row=row, column=1, value=safe_text(text))
    cell.font = font(size, bold=True)
    cell.alignment = WRAP_CENTER  # a long contest name wraps (and its row grows) instead of running off
    ws.row_dimensions[row].height = height


def write_header(ws: Worksheet, row: int, headers: Sequence[str], *, height: float = 30) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=safe_text(text))
        style_header(cell)
    ws.row_dimensions[row].height = height


def style_header(cell) -> None:
    cell.font = font(bold=True)
    cell.fill = HEADER_FILL
    cell.alignment = WRAP_CENTER
    cell.border = BORDER


def write_rows(
    ws: Worksheet,
    first_row: int,
    rows: Iterable[Sequence[Any]],
    *,
    left_columns: Iterable[int] = (),
    number_formats: dict[int, str] | None = None,
) -> int:
    """Body rows with borders and wrapped text; returns the row after the last one written.

    `left_columns` (1-based) are aligned left (long texts), the others centred;
    `number_formats` maps a column to a format such as "0.00".
    """
    left = set(left_columns)
    formats = number_formats or {}
    r = first_row
    for values in rows:
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=safe_text(value))
            cell.font = font()
            cell.border = BORDER
            cell.alignment = WRAP_LEFT if col in left else WRAP_CENTER
            if col in formats and isinstance(value, (int, float)):
                cell.number_format = formats[col]
        r += 1
    return r


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Column widths in characters (a Chinese character counts about 2)."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def print_setup(
    ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None, fit_width: bool = True
) -> None:
    """A4, landscape by default, header rows repeated on every page, fitted to the page width."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages as needed downwards
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


DEFAULT_WIDTH = 8.43  # columns without a width of their own (Excel's default)
LINE_SPACING = 1.45  # line height of the CJK fonts Excel, WPS and LibreOffice print with, in em
ROW_PADDING = 4.0  # points above and below the text
MAX_ROW_HEIGHT = 409.0  # the largest height Excel accepts


def text_columns(text: str, size: float = 10.5) -> float:
    """Width of one line of text in column units (the width of a digit of the default 11 pt
    font): a CJK character about 2, a Latin letter or digit about 1, scaled by the font size."""
    return 2 * text_width(text) * size / 11


def wrapped_lines(text: str, width: float, size: float = 10.5) -> int:
    """How many lines `text` takes in a wrapping cell `width` columns wide: its own line breaks,
    then each line broken where it is full (one column is kept for the cell's padding)."""
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(text_columns(line, size) / usable - 1e-9)) for line in text.split("\n"))


def fit_row_heights(ws: Worksheet) -> None:
    """Make every row tall enough for its wrapped cells; a height already set is only raised.

    A cell merged over several columns counts their widths together; one merged over several
    rows is left alone (header cells whose height the writer sets)."""
    widths: dict[int, float] = {}

    def width_of(col: int) -> float:
        if col not in widths:
            dim = ws.column_dimensions.get(get_column_letter(col))
            widths[col] = dim.width if dim is not None and dim.customWidth else DEFAULT_WIDTH
        return widths[col]

    spans: dict[tuple[int, int], float | None] = {}
    for merged in ws.merged_cells.ranges:
        across = sum(width_of(c) for c in range(merged.min_col, merged.max_col + 1))
        spans[(merged.min_row, merged.min_col)] = across if merged.min_row == merged.max_row else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                spans.setdefault((r, c), None)
    needed: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            width = spans.get((cell.row, cell.column), width_of(cell.column))
            if width is None:
                continue
            size = float(cell.font.sz or 11) if cell.font else 11.0
            lines = wrapped_lines(cell.value, width, size)
            height = lines * size * LINE_SPACING + ROW_PADDING
            needed[cell.row] = max(needed.get(cell.row, 0.0), height)
    for r, height in needed.items():
        dim = ws.row_dimensions[r]
        if dim.height is None or dim.height < height:
            dim.height = round(min(height, MAX_ROW_HEIGHT), 1)


def workbook_bytes(wb: Workbook) -> bytes:
    """The saved workbook, every sheet's row heights fitted to its wrapped text first."""
    for ws in wb.worksheets:
        fit_row_heights(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel opens Chinese text right), every text cell neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_text(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
