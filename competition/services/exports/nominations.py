"""推荐汇总表: the nomination workbook (the table, its classified summary and the stamp area)
and its CSV."""

from __future__ import annotations

from collections import defaultdict

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ...adapters import xlsx
from ...models import Contest, Result, Section
from .tables import nominated_results, nomination_table, nomination_title

NOMINATION_HEADERS = [
    "序号",
    "类别",
    "组别",
    "学科",
    "个人/集体",
    "项目名称",
    "作者",
    None,
    None,
    "学校全称",
    "指导教师",
    "市赛奖项",
    "得分",
    "排名",
    "联系电话",
    "备注",
]
AUTHOR_SUBHEADERS = ["姓名", "性别", "年级"]
NOMINATION_WIDTHS = [6, 14, 7, 12, 8, 30, 9, 6, 9, 24, 12, 9, 8, 6, 14, 18]
CSV_HEADERS = [
    "序号",
    "类别",
    "组别",
    "学科",
    "个人/集体",
    "项目名称",
    "作者姓名",
    "作者性别",
    "作者年级",
    "学校全称",
    "指导教师",
    "市赛奖项",
    "得分",
    "排名",
    "联系电话",
    "备注",
]


# The two kinds of 科技辅导员 entries the province counts apart (the subject's first part).
COUNSELOR_KINDS = ("科教制作类", "科教方案类")


def _category(section: Section, subject: str | None) -> str:
    """类别 as the summary counts it: a counselor section apart per kind (科教制作类-物理 -> 科教制作类)."""
    kind = (subject or "").split("-", 1)[0]
    return f"{section.name}（{kind}）" if section.kind == "counselor" and kind in COUNSELOR_KINDS else section.name


def nomination_summary(contest: Contest, results: list[Result] | None = None) -> list[tuple]:
    """(类别, 组别, 个人, 集体) for every section x stage of the contest, in its order; a counselor
    section once per kind (科教制作类, 科教方案类)."""
    results = nominated_results(contest) if results is None else results
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        key = (_category(r.entry.section, r.entry.subject), r.entry.stage or "")
        counts[key][1 if r.entry.is_team else 0] += 1
    rows = []
    for section in contest.sections:
        names = [f"{section.name}（{k}）" for k in COUNSELOR_KINDS] if section.kind == "counselor" else []
        names += [section.name] if not names or any(n == section.name for n, _st in counts) else []
        for name in names:
            stages = list(section.stages or [])
            stages += sorted({st for (n, st) in counts if n == name and st not in stages})
            for stage in stages:
                ind, team = counts.get((name, stage), (0, 0))
                rows.append((name, stage, ind, team))
    return rows


def district_quota_rows(contest: Contest, results: list[Result] | None = None) -> list[tuple]:
    """(区县, 推荐数, 名额, over) per district with a nomination: "以分配名额为上限", so a district
    over its quota (the nomination_district_cap setting; an organizer's override can pass it) is
    flagged, never silently cut."""
    results = nominated_results(contest) if results is None else results
    cap = contest.settings_view.nomination_district_cap
    counts: dict[str, int] = defaultdict(int)
    for r in results:
        district = r.entry.school.district if r.entry.school else None
        counts[district.name if district else "（未填区县）"] += 1
    return [(name, n, cap, cap is not None and n > cap) for name, n in sorted(counts.items())]


def nomination_workbook(contest: Contest) -> bytes:
    results = nominated_results(contest)
    table = nomination_table(contest, results)
    wb, ws = xlsx.new_workbook()
    ws.title = "推荐汇总表"
    ncols = len(NOMINATION_HEADERS)
    xlsx.write_title(ws, 1, nomination_title(contest), ncols)
    # Two header rows: 作者 spans 姓名 / 性别 / 年级; every other heading spans both rows.
    for col, text in enumerate(NOMINATION_HEADERS, start=1):
        for row in (2, 3):
            xlsx.style_header(ws.cell(row=row, column=col))
        if text is None:
            continue
        ws.cell(row=2, column=col, value=text)
        if text == "作者":
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 2)
            for k, sub in enumerate(AUTHOR_SUBHEADERS):
                ws.cell(row=3, column=col + k, value=sub)
        else:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.row_dimensions[2].height = ws.row_dimensions[3].height = 20
    end = xlsx.write_rows(ws, 4, table, left_columns=(6, 10), number_formats={13: "0.00"})
    if not table:
        ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=ncols)
        ws.cell(row=4, column=1, value="（尚无推荐项目）").alignment = xlsx.WRAP_CENTER
        end = 5
    _stamp_area(ws, end + 1, ncols)
    ws.freeze_panes = "A4"
    xlsx.set_widths(ws, NOMINATION_WIDTHS)
    xlsx.print_setup(ws, landscape=True, title_rows="2:3")
    ws.print_area = f"A1:{get_column_letter(ncols)}{end + 3}"

    _summary_sheet(wb.create_sheet("分类汇总"), contest, results)
    _district_sheet(wb.create_sheet("各区县名额"), contest, results)
    return xlsx.workbook_bytes(wb)


def _district_sheet(ws, contest: Contest, results: list[Result]) -> None:
    rows = district_quota_rows(contest, results)
    xlsx.write_title(ws, 1, f"{nomination_title(contest)}（各区县名额）", 4, size=14)
    xlsx.write_header(ws, 2, ["区县", "推荐数", "分配名额", "核对"])
    body = [
        [name, n, cap if cap is not None else "不限", "超出分配名额" if over else "未超出"]
        for name, n, cap, over in rows
    ]
    if body:
        xlsx.write_rows(ws, 3, body)
    for r, (_name, _n, _cap, over) in enumerate(rows, start=3):
        if over:
            ws.cell(row=r, column=4).font = Font(name=xlsx.FONT_NAME, bold=True, color="C00000")
    # the province's rule, said under the table: the list is checked against the quota, never cut
    note = 3 + len(body) + 1
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=4)
    cell = ws.cell(
        row=note, column=1, value="以分配名额为上限：超出分配名额的区县已标出，推荐名单未作删减，请推荐单位核定。"
    )
    cell.font = xlsx.font(10)
    cell.alignment = xlsx.WRAP_CENTER
    ws.row_dimensions[note].height = 32
    ws.freeze_panes = "A3"
    xlsx.set_widths(ws, [20, 10, 10, 14])
    xlsx.print_setup(ws, landscape=False, title_rows="2:2")


def _stamp_area(ws, row: int, ncols: int) -> None:
    """推荐单位（盖章） on the left and the date on the right, with room for the seal."""
    half = ncols // 2
    ws.merge_cells(start_row=row, start_column=1, end_row=row + 2, end_column=half)
    ws.merge_cells(start_row=row, start_column=half + 1, end_row=row + 2, end_column=ncols)
    left = ws.cell(row=row, column=1, value="推荐单位（盖章）：")
    right = ws.cell(row=row, column=half + 1, value="日期：        年      月      日")
    for cell in (left, right):
        cell.font = xlsx.font(12)
        cell.alignment = Alignment(horizontal="left", vertical="top")
    for r in range(row, row + 3):
        ws.row_dimensions[r].height = 24


def _summary_sheet(ws, contest: Contest, results: list[Result]) -> None:
    rows = nomination_summary(contest, results)
    xlsx.write_title(ws, 1, f"{nomination_title(contest)}（分类汇总）", 5, size=14)
    xlsx.write_header(ws, 2, ["类别", "组别", "个人", "集体", "合计"])
    body = [[name, stage, ind, team, ind + team] for name, stage, ind, team in rows]
    body.append(["合计", "", sum(r[2] for r in body), sum(r[3] for r in body), sum(r[4] for r in body)])
    end = xlsx.write_rows(ws, 3, body)
    # Merge each 类别 over its stages, and the total's label over two columns.
    start = 3
    while start < end - 1:
        stop = start
        while stop + 1 < end - 1 and body[stop + 1 - 3][0] == body[start - 3][0]:
            stop += 1
        if stop > start:
            ws.merge_cells(start_row=start, start_column=1, end_row=stop, end_column=1)
        start = stop + 1
    ws.merge_cells(start_row=end - 1, start_column=1, end_row=end - 1, end_column=2)
    for col in range(1, 6):
        ws.cell(row=end - 1, column=col).font = xlsx.font(bold=True)
    _stamp_area(ws, end + 1, 5)
    ws.freeze_panes = "A3"
    xlsx.set_widths(ws, [28, 10, 10, 10, 10])
    xlsx.print_setup(ws, landscape=False, title_rows="2:2")


def nomination_csv(contest: Contest) -> bytes:
    rows = []
    for row in nomination_table(contest):
        rows.append([("、".join(v.split("\n")) if isinstance(v, str) else v) for v in row])
    return xlsx.csv_bytes(CSV_HEADERS, rows)
