"""Workbook and CSV helpers shared by every export: safe cells, styles, widths, print setup.

No Flask here. Every text cell goes through `safe_text`, which neutralises spreadsheet formula
injection (OWASP "CSV injection"): a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe, so Excel, WPS and LibreOffice show it as text and
never run it. Real numbers (scores, ranks) stay numbers. `safe_text` also drops the characters a
workbook cannot hold (controls, noncharacters: `domain.characters.printable`), so text stored
before the input checks existed never makes an export fail or Excel call the file damaged.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .domain.characters import printable

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
    name = "".join("_" if ch in '[]:*?/\\' else ch for ch in printable(text, multiline=False)).strip("'") or "Sheet"
    name = name[:31]
    if used is not None:
        base, n = name, 2
        while name in used:
            suffix = f"({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        used.add(name)
    return name


def write_title(ws: Worksheet, row: int, text: str, ncols: int, *, size: float = 16,
                height: float = 32) -> None:
    """A merged title row across the table."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    cell = ws.cell(row=row, column=1, value=safe_text(text))
    cell.font = font(size, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
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


def write_rows(ws: Worksheet, first_row: int, rows: Iterable[Sequence[Any]], *,
               left_columns: Iterable[int] = (), number_formats: dict[int, str] | None = None) -> int:
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


def print_setup(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None,
                fit_width: bool = True) -> None:
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


def workbook_bytes(wb: Workbook) -> bytes:
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
