"""Reading tables from .xlsx and .csv files as people really make them (no Flask here).

The package: `model` (limits, columns, the table, SheetError), `cells` (cleaning values),
`headers` (finding the header row), `sniffing` (file kinds, the zip check, encodings),
`xlsx_reader` and `csv_reader`; `read_table` and `header_matches` are here.

What office software produces, and what this module copes with:
- a title row (often merged across the columns) above the header: the header row is found by
  matching known column names within the first rows (``HEADER_SEARCH_ROWS``);
- header names with small variations (姓名 / 名字 / 教师姓名, 学校 / 学校名称 ...), full-width
  characters, stray spaces, line breaks and ``*`` marks in the header cells;
- several sheets (the one holding the header is used; ``Table.sheet`` says which);
- a column merged vertically (区县 over a block of schools): the merged ranges are read from
  the sheet's XML and their value filled down; a cell that is empty without a merge stays empty;
- phones typed as numbers (``int``/``float`` -> text without ``.0``);
- empty (but bordered) trailing rows;
- CSV in UTF-8 with or without BOM, or GBK/GB18030 (Excel on Chinese Windows).

Safety: a file that is not a spreadsheet, a corrupted xlsx and a zip bomb are refused with a
`SheetError` before openpyxl touches them (the zip's declared sizes are checked: zipfile never
inflates a member beyond its declared size); rows beyond ``max_rows`` are refused while
streaming, so a 50,000-row sheet costs little memory and time.

Values are cleaned per column kind (see `clean_value`): names lose inner spaces between Chinese
characters but keep rare characters (喆, 堃) untouched; phone, e-mail and code columns are
NFKC-normalised (full-width digits and letters become ASCII).
"""

from __future__ import annotations

from .cells import ascii_text, cell_text, clean_text, clean_value, email_ok, header_text, is_mobile, match_key
from .csv_reader import _read_csv
from .headers import suggest
from .model import (
    HEADER_SEARCH_ROWS,
    KINDS,
    MAX_CSV_BYTES,
    MAX_EMPTY_RUN,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_REPORT_COLUMNS,
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    SUGGEST_CONTAINS,
    SUGGEST_CUTOFF,
    SUGGEST_SOUND,
    Column,
    HeaderCell,
    Row,
    SheetError,
    Suggestion,
    Table,
    _damaged,
    column_letter,
)
from .sniffing import check_zip, decode_text, sniff
from .xlsx_reader import _choose, _heads, _open_xlsx, _read_xlsx


def read_table(data: bytes, filename: str, columns: list[Column], *, max_rows: int = MAX_ROWS) -> Table:
    """Read the table holding `columns` from an .xlsx or .csv file, or raise SheetError."""
    kind = sniff(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data, columns, max_rows)
    return _read_csv(data, columns, max_rows)


def header_matches(data: bytes, filename: str, columns_by_kind: dict[str, list[Column]]) -> dict[str, tuple]:
    """For each kind of list: (columns its header matched, None) when the file reads as that kind,
    else (columns matched and hinted, the SheetError). Reads only the header rows, and opens a
    workbook once for all kinds (opening a large one costs seconds: its shared strings)."""
    out: dict[str, tuple] = {}
    if sniff(data, filename) != "xlsx":
        for kind, columns in columns_by_kind.items():
            try:
                out[kind] = (len(_read_csv(data, columns, 0, header_only=True).columns), None)
            except SheetError as exc:
                out[kind] = (exc.matched, exc)
        return out
    _archive, wb = _open_xlsx(data)
    try:
        heads = _heads(wb)
    except Exception:
        raise _damaged() from None
    finally:
        wb.close()
    for kind, columns in columns_by_kind.items():
        try:
            _ws, cand = _choose(heads, columns)
            out[kind] = (len(cand.headers), None)
        except SheetError as exc:
            out[kind] = (exc.matched, exc)
    return out


__all__ = [
    "Column",
    "HEADER_SEARCH_ROWS",
    "HeaderCell",
    "KINDS",
    "MAX_CSV_BYTES",
    "MAX_EMPTY_RUN",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_REPORT_COLUMNS",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "Row",
    "SUGGEST_CONTAINS",
    "SUGGEST_CUTOFF",
    "SUGGEST_SOUND",
    "SheetError",
    "Suggestion",
    "Table",
    "ascii_text",
    "cell_text",
    "check_zip",
    "clean_text",
    "clean_value",
    "column_letter",
    "decode_text",
    "email_ok",
    "header_matches",
    "header_text",
    "is_mobile",
    "match_key",
    "read_table",
    "sniff",
    "suggest",
]
