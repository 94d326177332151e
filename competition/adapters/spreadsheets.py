"""Reading tables from .xlsx and .csv files as people really make them (no Flask here).

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

import csv
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from defusedxml.ElementTree import iterparse  # refuses entity tricks (a dependency; openpyxl uses it too)

from ..domain.reading import reads_the_same
from ..domain.text import MOBILE, N_, Message, clean_phone

HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, all members of an xlsx together
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MB
MAX_MEMBERS = 2_000
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_EMPTY_RUN = 1_000  # consecutive empty rows after which reading stops
MAX_REPORT_COLUMNS = 256  # columns beyond this are neither read nor reported
SUGGEST_CUTOFF = 0.7  # difflib ratio from which an unread header is "close" to a known name
SUGGEST_CONTAINS = 0.8  # the score of a header containing a known name (所属学校 ⊃ 学校) or contained in one
SUGGEST_SOUND = 0.9  # the score (and typo ratio) of a header reading the same in pinyin (油箱 for 邮箱)

KINDS = ("text", "name", "phone", "email", "code", "int")


class SheetError(Exception):
    """The file cannot be read as a table; `message` says why, `hints` what to do (translate at the edge)."""

    def __init__(self, message: Message, hints: list[Message] | None = None, matched: int = 0):
        super().__init__(" ".join(str(m) for m in [message, *(hints or [])]))
        self.message = message
        self.hints = list(hints or [])
        self.matched = matched  # a header lacking required columns: the columns it did match (and hinted)


@dataclass(frozen=True)
class Column:
    """A column the reader looks for: its key, the header names it may carry, its kind."""

    key: str
    aliases: tuple[str, ...]
    kind: str = "text"
    required: bool = False


@dataclass
class Row:
    line: int  # the row number as the spreadsheet program shows it (1-based, header included)
    values: dict[str, str | None]

    def get(self, key: str) -> str | None:
        return self.values.get(key)


@dataclass(frozen=True)
class Suggestion:
    """The known column an unread header resembles, and the accepted name closest to it."""

    column: Column
    alias: str
    # difflib's ratio (containment aside; SUGGEST_SOUND for a pinyin slip): from SUGGEST_CUTOFF on, a likely typo
    ratio: float


@dataclass
class HeaderCell:
    """One column of the header row: read into `key`, or not read (and then why not)."""

    index: int  # 0-based position in the row
    text: str  # the header as found (cleaned for display); "" for a column without a header
    key: str | None = None  # the column it is read into; None when it is not read
    same_as: str | None = None  # not read: names a column already read from an earlier header cell
    suggestion: Suggestion | None = None  # not read: the known column it resembles (difflib)
    filled: int = 0  # not read: the data cells under it that are not empty

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Table:
    sheet: str | None  # None for CSV
    header_line: int
    columns: dict[str, str]  # key -> header text as found in the file
    rows: list[Row]
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook
    encoding: str | None = None  # CSV only
    filled_down: dict[str, int] = field(default_factory=dict)  # key -> cells filled from a merge
    header_cells: list[HeaderCell] = field(default_factory=list)  # every column, read or not, left to right


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    n, letters = index + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------- text cleaning

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def cell_text(value) -> str | None:
    """A cell as text: numbers without a trailing ``.0``, dates as ISO, empty as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def clean_text(value: str | None) -> str | None:
    """Strip, turn every run of spaces (U+3000, tabs, line breaks too) into one space, and drop
    the space between two Chinese characters (``王\u3000芳`` -> 王芳, ``基于…的\\n垃圾…`` joined).
    No NFKC: rare and compatibility characters in names stay exactly as typed."""
    if value is None:
        return None
    text = _SPACES.sub(" ", value).strip()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return text or None


def ascii_text(value: str | None) -> str | None:
    """NFKC (full-width digits/letters/punctuation to ASCII) and spaces collapsed."""
    if value is None:
        return None
    return clean_text(unicodedata.normalize("NFKC", value))


def is_mobile(phone: str | None) -> bool:
    return bool(phone and MOBILE.fullmatch(phone))


def email_ok(email: str | None) -> bool:
    return email is None or bool(_EMAIL.fullmatch(email))


def clean_value(value, kind: str) -> str | None:
    text = cell_text(value)
    if kind == "phone":
        return clean_phone(text)
    if kind == "email":
        text = ascii_text(text)
        return text.replace(" ", "").lower() if text else None
    if kind in ("code", "int"):
        return ascii_text(text)
    return clean_text(text)


def match_key(value: str | None) -> str:
    """A comparison key for names of schools, districts, sections: NFKC, no spaces, lower case."""
    if not value:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).lower()


def _header_key(value) -> str:
    """A header cell reduced for matching: no spaces, marks or bracketed notes (（必填）)."""
    text = match_key(cell_text(value))
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return text.strip("*:：#")


_SPACE_AT_WIDE_PUNCT = re.compile(r"\s*([\u3000-\u303f\uff00-\uffef])\s*")


def header_text(value) -> str:
    """A header cell as shown to people: one line (Alt+Enter breaks joined), no space at （）."""
    text = clean_text(cell_text(value)) or ""
    return _SPACE_AT_WIDE_PUNCT.sub(r"\1", text)


def _wanted(columns: list[Column]) -> dict[str, str]:
    """Every accepted header name (reduced) -> column key; the first column naming it wins."""
    wanted: dict[str, str] = {}
    for col in columns:
        for alias in col.aliases:
            wanted.setdefault(_header_key(alias), col.key)
    return wanted


def suggest(header, columns: list[Column]) -> Suggestion | None:
    """The known column an unrecognised header most likely means (联系电活 -> 联系电话), or None.

    Every accepted name counts (学校 and 学校全称 as well as 学校名称). A header is close when
    difflib's ratio reaches `SUGGEST_CUTOFF`, or when one contains the other (学校名 in 学校名称,
    电话 in 办公电话; scored `SUGGEST_CONTAINS`, so 所属学校 means 学校 rather than 所属学科).
    A header reading the same in pinyin (油箱 for 邮箱, an input-method slip) counts as a typo
    (ratio `SUGGEST_SOUND`). Headers of one character are never guessed at.
    """
    key = _header_key(header)
    if len(key) < 2:
        return None
    best, best_score = None, 0.0
    for col in columns:
        for alias in col.aliases:
            name = _header_key(alias)
            if not name:
                continue
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if reads_the_same(key, name):  # 油箱 for 邮箱: a pinyin slip is a typo
                ratio = max(ratio, SUGGEST_SOUND)
            score = ratio
            if len(name) >= 2 and (name in key or key in name):
                score = max(score, SUGGEST_CONTAINS)
            if score >= SUGGEST_CUTOFF and score > best_score:
                best, best_score = Suggestion(col, alias, ratio), score
    return best


# ---------------------------------------------------------------- locating the header


def _match_header(cells, columns: list[Column]) -> dict[str, int]:
    """Map column keys to positions in one row; the first header cell matching a column wins."""
    wanted = _wanted(columns)
    found: dict[str, int] = {}
    for index, value in enumerate(cells):
        key = wanted.get(_header_key(value))
        if key and key not in found:
            found[key] = index
    return found


@dataclass
class _Candidate:
    sheet: str | None
    line: int
    positions: dict[str, int]
    headers: dict[str, str]
    cells: tuple = ()


def _find_header(rows_head: list[tuple], columns: list[Column], sheet: str | None) -> _Candidate | None:
    best = None
    for offset, cells in enumerate(rows_head[:HEADER_SEARCH_ROWS]):
        positions = _match_header(cells, columns)
        if len(positions) < 2:
            continue
        if best is None or len(positions) > len(best.positions):
            headers = {k: header_text(cells[i]) for k, i in positions.items()}
            best = _Candidate(sheet, offset + 1, positions, headers, tuple(cells))
    return best


def _count_unread(cells, read: set[int], filled: dict[int, int]) -> None:
    """Count the non-empty cells of a data row in the columns that are not read."""
    for index, value in enumerate(cells[:MAX_REPORT_COLUMNS]):
        if index not in read and value is not None and (not isinstance(value, str) or value.strip()):
            filled[index] = filled.get(index, 0) + 1


def _header_cells(cand: _Candidate, columns: list[Column], filled: dict[int, int]) -> list[HeaderCell]:
    """Every column of the header row, read or not; unread ones say why (same as / resembles)."""
    wanted = _wanted(columns)
    read_at = {i: k for k, i in cand.positions.items()}
    found = []
    for index in sorted({*range(min(len(cand.cells), MAX_REPORT_COLUMNS)), *read_at, *filled}):
        raw = cand.cells[index] if index < len(cand.cells) else None
        text = header_text(raw)
        if index in read_at:
            found.append(HeaderCell(index, text, key=read_at[index]))
            continue
        if not text and not filled.get(index):
            continue
        cell = HeaderCell(index, text, filled=filled.get(index, 0))
        if text:
            cell.same_as = wanted.get(_header_key(raw))
            cell.suggestion = None if cell.same_as else suggest(raw, columns)
        found.append(cell)
    return found


def _missing_required(candidate: _Candidate, columns: list[Column]) -> list[str]:
    return [c.aliases[0] for c in columns if c.required and c.key not in candidate.positions]


def _rename_hints(best: _Candidate, columns: list[Column]) -> list[Message]:
    """For each missing required column, the unread header that looks like it (学校名 for 学校名称)."""
    missing = {c.key for c in columns if c.required and c.key not in best.positions}
    read = set(best.positions.values())
    hints = []
    for index, raw in enumerate(best.cells[:MAX_REPORT_COLUMNS]):
        if index in read or not header_text(raw):
            continue
        found = suggest(raw, columns)
        if found and found.column.key in missing:
            hints.append(
                Message(
                    N_(
                        "Column %(letter)s is headed “%(header)s”: did you mean “%(name)s”? If it holds that, "
                        "rename the header to “%(name)s” and upload the file again."
                    ),
                    {"letter": column_letter(index), "header": header_text(raw), "name": found.alias},
                )
            )
    return hints


def _no_header_error(best: _Candidate | None, columns: list[Column]) -> SheetError:
    if best is None:
        names = "、".join(c.aliases[0] for c in columns if c.required)
        return SheetError(
            Message(
                N_(
                    "No header row with the expected columns was found in the first %(n)d rows "
                    "(expected columns such as %(names)s)."
                ),
                {"n": HEADER_SEARCH_ROWS, "names": names},
            )
        )
    names = "、".join(_missing_required(best, columns))
    hints = _rename_hints(best, columns)
    matched = len(best.positions) + len(hints)
    if best.sheet is None:
        return SheetError(
            Message(
                N_("The header row (row %(line)d) lacks the required columns: %(names)s."),
                {"line": best.line, "names": names},
            ),
            hints,
            matched,
        )
    return SheetError(
        Message(
            N_("The header row (sheet %(sheet)s, row %(line)d) lacks the required columns: %(names)s."),
            {"sheet": best.sheet, "line": best.line, "names": names},
        ),
        hints,
        matched,
    )


# ---------------------------------------------------------------- file kinds


def _utf16(data: bytes) -> bool:
    """A UTF-16 text (Excel's "Unicode text", Notepad's "Unicode"): its BOM, or every other byte NUL."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:512]
    return len(head) >= 4 and (head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4)


def _text_but_nul(head: bytes) -> bool:
    """Text (UTF-8 or GB18030) once its NUL bytes are taken out: a CSV with stray NULs, not an image."""
    text = head.replace(b"\x00", b"")
    for encoding in ("utf-8", "gb18030"):
        try:
            text[:-4].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(data: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv' from the content (the extension only decides between text formats)."""
    head = data[:8]
    name = filename.lower()
    if not data:
        raise SheetError(Message(N_("The file is empty.")))
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise SheetError(
            Message(N_("This file is a PDF document, not a spreadsheet. Please upload an .xlsx or .csv file."))
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(
            Message(
                N_(
                    "This is an old Excel 97-2003 (.xls) file or another Office "
                    "binary file. Please open it and save it as .xlsx, then upload again."
                )
            )
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise SheetError(
            Message(
                N_(
                    "This file is named .xlsx but is not an Excel workbook "
                    "(it may be damaged or renamed). Please upload an .xlsx or .csv file."
                )
            )
        )
    if _utf16(data):
        raise SheetError(
            Message(N_("The file is encoded as UTF-16. Please save it as UTF-8 CSV or as an Excel (.xlsx) workbook."))
        )
    start = data[:4096]
    if not name.endswith((".csv", ".txt")) or (b"\x00" in start and not _text_but_nul(start)):
        raise SheetError(Message(N_("This file is not a spreadsheet. Please upload an .xlsx or .csv file.")))
    if b"\x00" in start:
        raise SheetError(
            Message(
                N_(
                    "The file contains NUL characters, so it is not a text table. "
                    "Please upload an .xlsx or a UTF-8 .csv file."
                )
            )
        )
    return "csv"


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open an xlsx as a zip and refuse a damaged archive or a zip bomb before any inflating."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise _damaged() from None
    if len(infos) > MAX_MEMBERS:
        raise SheetError(Message(N_("The workbook contains too many parts to be a normal spreadsheet.")))
    total = sum(i.file_size for i in infos)
    too_dense = any(i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if total > MAX_UNCOMPRESSED or too_dense:
        raise SheetError(
            Message(
                N_(
                    "The workbook would unpack to %(mb)d MB, which is far more than a list of this kind "
                    "needs (a possible zip bomb). It was not opened."
                ),
                {"mb": total // (1024 * 1024)},
            )
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SheetError(
                Message(N_("This file is a Word document, not a spreadsheet. Please upload an .xlsx or .csv file."))
            )
        raise SheetError(Message(N_("This zip file is not an Excel workbook. Please upload an .xlsx or .csv file.")))
    return archive


def _too_many_rows(limit: int) -> SheetError:
    return SheetError(
        Message(N_("The sheet has more than %(n)d data rows. Please split it into smaller files."), {"n": limit})
    )


# ---------------------------------------------------------------- xlsx


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


def _damaged() -> SheetError:
    return SheetError(
        Message(
            N_(
                "The workbook is damaged (it cannot be opened as an .xlsx file). "
                "Please save it again from Excel or WPS and upload it again."
            )
        )
    )


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


# ---------------------------------------------------------------- csv


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(
        Message(
            N_(
                "The text encoding of this CSV file is not recognised. "
                "Please save it as UTF-8 or as 'CSV (comma delimited)' from Excel."
            )
        )
    )


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
