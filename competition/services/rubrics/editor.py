"""The rubric editor's form: its rows as text, a first visit's rows, the move buttons and the scale
the rows as typed would give. Nothing here reads or writes the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...domain.scoring import format_score
from ...models import Criterion, Round, Rubric, Section
from .checks import MAX_SCORE, MAX_WEIGHT, RowInput


@dataclass
class EditorRow:
    """One criterion row of the editor, as text the way the page shows and sends it. `new`: not a
    criterion of this rubric yet (a blank row, or one copied from another rubric)."""

    id: int | None = None
    code: str = ""
    name: str = ""
    max_score: str = ""
    weight: str = "1"
    descriptors: str = ""
    order: str = "1"
    remove: bool = False
    new: bool = True

    def as_input(self) -> RowInput:
        # a stored criterion keeps its code whatever the form says: codes never change
        return RowInput(
            id=self.id,
            code=self.code if self.new else "",
            name=self.name,
            max_score=self.max_score,
            weight=self.weight,
            descriptors=self.descriptors,
            order=self.order,
            remove=self.remove,
        )


def editor_rows(criteria: Iterable[Criterion], *, copied: bool = False) -> list[EditorRow]:
    """Rows for stored criteria; `copied`: as new rows of another rubric."""
    return [
        EditorRow(
            id=None if copied else c.id,
            code=c.code,
            name=c.name,
            max_score=format_score(c.max_score),
            weight=format_score(c.weight or 1.0),
            descriptors=c.descriptors or "",
            order=str(i + 1),
            new=copied,
        )
        for i, c in enumerate(criteria)
    ]


def blank_row(position: int) -> EditorRow:
    return EditorRow(order=str(position))


def editor_start(
    rnd: Round, section: Section | None, rubric: Rubric | None, source: Rubric | None
) -> tuple[list[EditorRow], str]:
    """The rows and the rubric name of a first visit: the rubric's own, else a copy of `source`,
    else one blank row named after the section and round."""
    if rubric is not None:
        return editor_rows(rubric.criteria), rubric.name
    rows = editor_rows(source.criteria, copied=True) if source else [blank_row(1)]
    name = (f"{section.name}{rnd.name}" if section else rnd.name) if section or not source else source.name
    return rows, name


def move_rows(rows: list[EditorRow], action: str) -> None:
    """The editor's own buttons: "add" a blank row, "up-<i>" / "down-<i>" move row i (then the
    positions are numbered again); anything else changes nothing."""
    if action == "add":
        rows.append(blank_row(len(rows) + 1))
        return
    direction, _sep, index = action.partition("-")
    i = int(index) if index.isdigit() else -1
    j = i - 1 if direction == "up" else i + 1
    if 0 <= i < len(rows) and 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
        for position, row in enumerate(rows, start=1):
            row.order = str(position)


def preview_scale(rows: list[EditorRow]) -> float | None:
    """sum(weight * max) of the rows as typed, when every kept row has numbers."""
    total = 0.0
    for r in rows:
        if r.remove or (r.new and not (r.name.strip() or r.max_score.strip())):
            continue
        try:
            max_score, weight = float(r.max_score), float(r.weight or 1)
        except ValueError:
            return None
        if not (0 < max_score <= MAX_SCORE and 0 < weight <= MAX_WEIGHT):
            return None
        total += max_score * weight
    return round(total, 4) if total > 0 else None
