"""Locating the header row: which cells name which known columns, what an unread header
resembles (联系电活 for 联系电话), and the error that says what a header lacks."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ...domain.reading import reads_the_same
from ...domain.text import N_, Message
from .cells import _header_key, header_text
from .model import (
    HEADER_SEARCH_ROWS,
    MAX_REPORT_COLUMNS,
    SUGGEST_CONTAINS,
    SUGGEST_CUTOFF,
    SUGGEST_SOUND,
    Column,
    HeaderCell,
    SheetError,
    Suggestion,
    column_letter,
)


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
