"""Read and check a file; nothing is written."""

from __future__ import annotations

from flask_babel import gettext as _

from ...adapters.spreadsheets import SheetError, read_table
from ...domain.imports import clean_identity_cells, illegal_cells, sentences
from ...i18n.messages import translate
from ...models import Contest
from .. import ServiceError
from .columns import COLUMNS, KINDS, column_report
from .plan import Plan, PlanRow, finish
from .plan_entries import plan_entries
from .plan_people import plan_people
from .plan_schools import plan_schools


def preview(
    kind: str,
    data: bytes,
    filename: str,
    *,
    contest: Contest | None = None,
    school_choices: dict[int, int | None] | None = None,
) -> Plan:
    """Read and check the file; nothing is written.

    `school_choices` (schools import): line -> the existing school's id a near row is imported as,
    or None for a new school; rows not in it take their best candidate."""
    if kind not in KINDS:
        raise ServiceError(_("Unknown kind of import."), "kind")
    if kind == "entries" and contest is None:
        raise ServiceError(_("Choose the contest the entries belong to."), "contest_id")
    try:
        table = read_table(data, filename, COLUMNS[kind])
    except SheetError as exc:
        raise ServiceError(sentences(translate(m) for m in [exc.message, *exc.hints]), "file") from None
    if not table.rows:
        raise ServiceError(_("The sheet has a header but no data rows."), "file")
    for row in table.rows:
        clean_identity_cells(row.values)
    if kind == "schools":
        rows = plan_schools(table, school_choices or {})
    else:
        planner = {"teachers": plan_people, "reviewers": plan_people, "judges": plan_people, "entries": plan_entries}[
            kind
        ]
        rows = planner(kind, table, contest)
    _refuse_illegal_characters(kind, table, rows)
    notes, absent = column_report(kind, table)
    return Plan(kind=kind, filename=filename, table=table, rows=rows, contest=contest, columns=notes, absent=absent)


def _refuse_illegal_characters(kind: str, table, rows: list[PlanRow]) -> None:
    """A cell holding a control character, a noncharacter or a lone surrogate makes its row a
    problem naming the column and the row: such a row is not imported."""
    labels = {c.key: c.aliases[0] for c in COLUMNS[kind]}
    by_line = {r.line: r for r in table.rows}
    for row in rows:
        source = by_line.get(row.line)
        if source is not None:
            row.problems += [translate(m) for m in illegal_cells(source.values, labels, row.line)]
        finish(row)
