"""Reading an .xlsx: read-only and streaming, the header looked for on every sheet, vertically
merged cells filled down from the sheet's XML."""

from __future__ import annotations

import io
import zipfile

from defusedxml.ElementTree import iterparse  # refuses entity tricks (a dependency; openpyxl uses it too)

from .cells import clean_value
from .headers import _Candidate, _count_unread, _find_header, _header_cells, _missing_required, _no_header_error
from .model import HEADER_SEARCH_ROWS, MAX_EMPTY_RUN, Column, Row, SheetError, Table, _damaged, _too_many_rows
from .sniffing import check_zip


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges (min_col, min_row, max_col, max_row), read by streaming its XML."""
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    with archive.open(member) as fh:
        for _event, elem in iterparse(fh, events=("end",)):  # nosec B314 - defusedxml when installed
            tag = elem.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and elem.get("ref"):
                ranges.append(range_boundaries(elem.get("ref")))
            elif tag in ("row", "c", "v", "is", "f", "sheetData"):
                elem.clear()
    return ranges


def _rows_of(ws):
    """(line, cells) of every row; read-only mode fills the gaps between stored rows."""
    yield from enumerate(ws.iter_rows(values_only=True), start=1)


def _open_xlsx(data: bytes):
    """The workbook (read-only), after the zip bomb check, or SheetError for a damaged file."""
    import openpyxl

    archive = check_zip(data)
    try:
        return archive, openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged parts
        raise _damaged() from None


def _heads(wb) -> list[tuple]:
    """(worksheet, its first rows) for every sheet, where a header row is looked for."""
    heads = []
    for ws in wb.worksheets:
        head = []
        for _line, cells in _rows_of(ws):
            head.append(cells)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        heads.append((ws, head))
    return heads


def _choose(heads: list[tuple], columns: list[Column]) -> tuple:
    """The first sheet whose header has every required column, with that header; else the
    error about the header that came closest."""
    best: _Candidate | None = None
    for ws, head in heads:
        cand = _find_header(head, columns, ws.title)
        if cand is None:
            continue
        if not _missing_required(cand, columns):
            return ws, cand
        if best is None or len(cand.positions) > len(best.positions):
            best = cand
    raise _no_header_error(best, columns)


def _read_xlsx(data: bytes, columns: list[Column], max_rows: int) -> Table:
    archive, wb = _open_xlsx(data)
    try:
        sheets = [ws.title for ws in wb.worksheets]
        ws, cand = _choose(_heads(wb), columns)
        kinds = {c.key: c.kind for c in columns}
        by_line: dict[int, list] = {}
        read = set(cand.positions.values())
        unread: dict[int, int] = {}
        empty_run = 0
        for line, cells in _rows_of(ws):
            if line <= cand.line:
                continue
            _count_unread(cells, read, unread)
            values = [cells[i] if i < len(cells) else None for i in cand.positions.values()]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                empty_run += 1
                if empty_run > MAX_EMPTY_RUN:  # formatting far below the data: nothing more to read
                    break
                continue
            empty_run = 0
            if len(by_line) >= max_rows:
                raise _too_many_rows(max_rows)
            by_line[line] = values
        merges = _merged_ranges(archive, ws._worksheet_path.lstrip("/"))
    except SheetError:
        raise
    except Exception:
        raise _damaged() from None
    finally:
        wb.close()
    keys = list(cand.positions)
    filled: dict[str, int] = {}
    # Fill down vertically merged ranges: the top-left cell's value covers the whole range.
    for min_col, min_row, max_col, max_row in merges:
        if max_row == min_row or min_row not in by_line:
            continue
        for k, key in enumerate(keys):
            top = by_line[min_row][k]
            if top is None or not min_col <= cand.positions[key] + 1 <= max_col:
                continue
            for line in range(min_row + 1, max_row + 1):
                if line in by_line and by_line[line][k] is None:
                    by_line[line][k] = top
                    filled[key] = filled.get(key, 0) + 1
    rows = [
        Row(line, {key: clean_value(vals[k], kinds[key]) for k, key in enumerate(keys)})
        for line, vals in sorted(by_line.items())
    ]
    return Table(
        sheet=ws.title,
        header_line=cand.line,
        columns=cand.headers,
        rows=rows,
        sheets=sheets,
        filled_down=filled,
        header_cells=_header_cells(cand, columns, unread),
    )
