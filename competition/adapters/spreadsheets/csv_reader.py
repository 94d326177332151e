"""Reading a .csv: UTF-8 or GB18030, comma, tab or semicolon, the header within the first rows."""

from __future__ import annotations

import csv
import io

from ...domain.text import N_, Message
from .cells import clean_value
from .headers import _count_unread, _find_header, _header_cells, _missing_required, _no_header_error
from .model import HEADER_SEARCH_ROWS, MAX_CSV_BYTES, Column, Row, SheetError, Table, _too_many_rows
from .sniffing import decode_text


def _read_csv(data: bytes, columns: list[Column], max_rows: int, header_only: bool = False) -> Table:
    if len(data) > MAX_CSV_BYTES:
        raise SheetError(Message(N_("The CSV file is larger than %(mb)d MB."), {"mb": MAX_CSV_BYTES // 2**20}))
    text, encoding = decode_text(data)
    first = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delimiter = ","
    sample = "\n".join(first)
    if sample.count(",") == 0:
        delimiter = "\t" if sample.count("\t") >= sample.count(";") and "\t" in sample else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[tuple] = []
    rows_iter = iter(reader)
    try:
        for cells in rows_iter:
            head.append(tuple(cells))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        raise SheetError(Message(N_("The CSV file is malformed (unbalanced quotes).")))  # noqa: B904
    cand = _find_header(head, columns, None)
    if cand is None or _missing_required(cand, columns):
        raise _no_header_error(cand, columns)
    if header_only:
        return Table(
            sheet=None,
            header_line=cand.line,
            columns=cand.headers,
            rows=[],
            encoding=encoding,
            header_cells=_header_cells(cand, columns, {}),
        )
    kinds = {c.key: c.kind for c in columns}
    rows: list[Row] = []
    read = set(cand.positions.values())
    unread: dict[int, int] = {}

    def take(line: int, cells) -> None:
        _count_unread(cells, read, unread)
        raw = {k: (cells[i] if i < len(cells) else None) for k, i in cand.positions.items()}
        raw = {k: (v if v is None or v.strip() else None) for k, v in raw.items()}
        if all(v is None for v in raw.values()):
            return
        if len(rows) >= max_rows:
            raise _too_many_rows(max_rows)
        rows.append(Row(line, {k: clean_value(v, kinds[k]) for k, v in raw.items()}))

    try:
        for line, cells in enumerate(head, start=1):
            if line > cand.line:
                take(line, cells)
        for line, cells in enumerate(rows_iter, start=len(head) + 1):
            take(line, cells)
    except csv.Error:
        raise SheetError(Message(N_("The CSV file is malformed (unbalanced quotes).")))  # noqa: B904
    return Table(
        sheet=None,
        header_line=cand.line,
        columns=cand.headers,
        rows=rows,
        encoding=encoding,
        header_cells=_header_cells(cand, columns, unread),
    )
