"""The full results workbook: every accepted or ranked entry with its scores, rank and award."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...adapters import xlsx
from ...domain.states import EntryState
from ...extensions import db
from ...models import Contest, Entry, School
from .tables import _results, _score, _sort_key, _team_label

RESULT_HEADERS = [
    "编号",
    "类别",
    "组别",
    "学科",
    "个人/集体",
    "项目名称",
    "学校",
    "区县",
    "排名分组",
    "评委人数",
    "原始平均分",
    "去掉最高最低分后平均分",
    "最终得分",
    "组内排名",
    "奖项",
    "推荐",
    "推荐说明",
    "调整说明",
    "备注",
]
RESULT_WIDTHS = [16, 14, 7, 12, 8, 30, 22, 10, 18, 7, 9, 11, 9, 7, 9, 6, 30, 24, 16]


def results_table(contest: Contest) -> list[list]:
    """Every accepted or ranked entry, ranked ones first in group and rank order."""
    results = {r.entry_id: r for r in _results(contest)}
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.contest_id == contest.id)
        .options(selectinload(Entry.school).selectinload(School.district), selectinload(Entry.section))
    ).all()
    wanted = [e for e in entries if e.id in results or e.state == EntryState.ACCEPTED]
    wanted.sort(key=lambda e: _sort_key(e, results.get(e.id)))
    from ..results import group_label

    rows = []
    for e in wanted:
        r = results.get(e.id)
        note = ""
        if r is None:
            note = "尚未排名"
        elif r.withdrawn:
            note = f"已撤销：{r.withdrawn_reason or ''}".rstrip("：")
        rows.append(
            [
                e.number or "",
                e.section.name,
                e.stage or "",
                e.subject or "",
                _team_label(e),
                e.title,
                e.school.name,
                e.school.district.name if e.school.district else "",
                group_label(contest, r.group_key) if r else "",
                r.n_judges if r else None,
                _score(r.raw_mean) if r else None,
                _score(r.trimmed_mean) if r else None,
                _score(r.score) if r else None,
                r.rank if r else None,
                (r.final_award or "") if r else "",
                ("是" if r.final_nominated else "否") if r else "",
                (r.nomination_reason or "") if r else "",
                (r.override_reason or "") if r else "",
                note,
            ]
        )
    return rows


def results_workbook(contest: Contest) -> bytes:
    table = results_table(contest)
    wb, ws = xlsx.new_workbook()
    ws.title = "评审结果"
    ncols = len(RESULT_HEADERS)
    xlsx.write_title(ws, 1, f"{contest.full_name}评审结果", ncols)
    xlsx.write_header(ws, 2, RESULT_HEADERS)
    xlsx.write_rows(ws, 3, table, left_columns=(6, 7, 17, 18, 19), number_formats={11: "0.00", 12: "0.00", 13: "0.00"})
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(ncols)}{max(2, len(table) + 2)}"
    xlsx.set_widths(ws, RESULT_WIDTHS)
    xlsx.print_setup(ws, landscape=True, title_rows="2:2")
    return xlsx.workbook_bytes(wb)
