"""What the spreadsheet reader works with: its limits, the columns it looks for, the table it
returns, and the error it raises (its message translated at the edge)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...domain.text import N_, Message

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


def _too_many_rows(limit: int) -> SheetError:
    return SheetError(
        Message(N_("The sheet has more than %(n)d data rows. Please split it into smaller files."), {"n": limit})
    )


def _damaged() -> SheetError:
    return SheetError(
        Message(
            N_(
                "The workbook is damaged (it cannot be opened as an .xlsx file). "
                "Please save it again from Excel or WPS and upload it again."
            )
        )
    )
