"""The judges' score sheets: grouped by round and rubric, as a workbook and as a signed PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...adapters import xlsx
from ...domain import scoring
from ...domain.states import SheetState
from ...extensions import db
from ...models import Assignment, Contest, Entry, Round, User, utcnow
from .tables import _score

SHEET_STATE_LABELS: dict[str | None, str] = {SheetState.FINAL: "已提交", SheetState.DRAFT: "草稿", None: "未评分"}


@dataclass
class SheetRow:
    judge: User
    entry: Entry
    scores: list[float | None]
    total: float | None
    comment: str
    state: str
    submitted_at: datetime | None
    counts: bool = False  # domain.scoring.counts (the export shows the state, not this)


@dataclass
class SheetGroup:
    """The sheets of one round under one rubric (criteria are the columns)."""

    round: Round
    rubric_name: str
    criteria: list  # Criterion rows
    rows: list[SheetRow] = field(default_factory=list)


def score_sheet_groups(contest: Contest) -> list[SheetGroup]:
    """Every assignment of every round with its score sheet, grouped by round and rubric,
    ordered by judge then entry number."""
    groups: dict[tuple[int, int | None], SheetGroup] = {}
    rounds = db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.number)).all()
    for rnd in rounds:
        assignments = list(
            db.session.scalars(
                select(Assignment)
                .where(Assignment.round_id == rnd.id)
                .options(
                    selectinload(Assignment.sheet),
                    selectinload(Assignment.judge),
                    selectinload(Assignment.entry).selectinload(Entry.section),
                )
            )
        )
        assignments.sort(key=lambda a: (a.judge.name, a.judge.id, a.entry.number or "", a.entry.id))
        for a in assignments:
            rubric = rnd.rubric_for(a.entry.section_id)
            key = (rnd.id, rubric.id if rubric else None)
            if key not in groups:
                groups[key] = SheetGroup(
                    rnd, rubric.name if rubric else rnd.name, list(rubric.criteria) if rubric else []
                )
            group = groups[key]
            sheet = a.sheet
            values = (sheet.scores or {}) if sheet else {}
            group.rows.append(
                SheetRow(
                    judge=a.judge,
                    entry=a.entry,
                    scores=[_number(values.get(str(c.id), values.get(c.id))) for c in group.criteria],
                    total=_score(sheet.total) if sheet else None,
                    comment=(sheet.comment or "") if sheet else "",
                    state=SHEET_STATE_LABELS.get(sheet.state if sheet else None, sheet.state if sheet else ""),
                    submitted_at=sheet.submitted_at if sheet else None,
                    counts=sheet is not None and scoring.counts(sheet.state, sheet.total),
                )
            )
    return list(groups.values())


def _number(value):
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def score_sheets_workbook(contest: Contest, to_local: Callable[[datetime], str] | None = None) -> bytes:
    """One worksheet per round and rubric: judge, entry, every criterion, total, comment."""
    wb, first = xlsx.new_workbook()
    used: set[str] = set()
    groups = score_sheet_groups(contest)
    if not groups:
        first.title = "评分表"
        xlsx.write_title(first, 1, f"{contest.full_name}评委评分表", 6)
        first.cell(row=2, column=1, value="（尚无评分分配）")
        return xlsx.workbook_bytes(wb)
    for i, group in enumerate(groups):
        ws = first if i == 0 else wb.create_sheet()
        ws.title = xlsx.sheet_title(f"{group.round.name}-{group.rubric_name}", used)
        headers = (
            ["评委", "工作单位", "项目编号", "项目名称"]
            + [f"{c.name}（{_number(c.max_score)}分）" for c in group.criteria]
            + ["总分", "评语", "状态", "提交时间"]
        )
        ncols = len(headers)
        xlsx.write_title(ws, 1, f"{contest.full_name} {group.round.name}评分表（{group.rubric_name}）", ncols, size=14)
        xlsx.write_header(ws, 2, headers)
        n = len(group.criteria)
        body = [
            [
                r.judge.name,
                r.judge.affiliation or "",
                r.entry.number or "",
                r.entry.title,
                *r.scores,
                r.total,
                r.comment,
                r.state,
                to_local(r.submitted_at) if (to_local and r.submitted_at) else "",
            ]
            for r in group.rows
        ]
        xlsx.write_rows(ws, 3, body, left_columns=(2, 4, 6 + n), number_formats={5 + n: "0.00"})
        ws.freeze_panes = "C3"
        xlsx.set_widths(ws, [10, 18, 16, 30] + [10] * n + [8, 40, 8, 17])
        xlsx.print_setup(ws, landscape=True, title_rows="2:2")
    return xlsx.workbook_bytes(wb)


def score_sheets_by_judge(contest: Contest) -> list[dict]:
    """For the printable PDF: per judge, their tables (one per round and rubric)."""
    judges: dict[int, dict] = {}
    for group in score_sheet_groups(contest):
        for row in group.rows:
            j = judges.setdefault(row.judge.id, {"judge": row.judge, "tables": {}})
            table = j["tables"].setdefault(id(group), {"group": group, "rows": []})
            table["rows"].append(row)
    out = []
    for j in sorted(judges.values(), key=lambda j: (j["judge"].name, j["judge"].id)):
        out.append({"judge": j["judge"], "tables": list(j["tables"].values())})
    return out


def score_sheets_pdf(contest: Contest) -> bytes:
    from ...adapters.pdf import render_pdf

    html = render_template(
        "documents/score_sheets.html", contest=contest, judges=score_sheets_by_judge(contest), printed_at=utcnow()
    )
    return render_pdf(html)
