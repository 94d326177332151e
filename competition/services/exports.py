"""Exports for the province and the archive: the nomination workbook (推荐汇总表) and its CSV,
the full results workbook, judges' score sheets (xlsx and a signed PDF), and the materials
bundle of the nominated entries (a zip written to disk entry by entry).

Read-only: nothing here changes a row (the bundle job records only its progress).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..adapters import xlsx
from ..domain import scoring
from ..domain.characters import printable, without_direction_marks
from ..domain.states import EntryState, SheetState
from ..extensions import db
from ..i18n.timeutil import utc_to_local
from ..models import (
    Assignment,
    Attachment,
    Contest,
    Entry,
    Job,
    Result,
    Round,
    School,
    User,
    utcnow,
)

STAGE_ORDER = {"小学": 0, "初中": 1, "高中": 2}
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
# Already compressed: stored as they are in the zip (deflating them costs time for nothing).
STORED_KINDS = frozenset({"pdf", "jpg", "jpeg", "png", "mp4", "docx", "xlsx", "zip", "mov", "gif"})


# ---------------------------------------------------------------------------------------------
# Loading


def _sort_key(entry: Entry, result: Result | None):
    return (
        entry.section.sort_order,
        entry.section.code,
        STAGE_ORDER.get(entry.stage or "", 9),
        result.rank if result and result.rank is not None else 10**9,
        -(result.score or 0) if result else 0,
        entry.number or "",
        entry.id,
    )


def _results(contest: Contest) -> list[Result]:
    rows = db.session.scalars(
        select(Result)
        .where(Result.contest_id == contest.id)
        .options(
            selectinload(Result.entry).selectinload(Entry.students),
            selectinload(Result.entry).selectinload(Entry.advisers),
            selectinload(Result.entry).selectinload(Entry.school),
            selectinload(Result.entry).selectinload(Entry.section),
            selectinload(Result.entry).selectinload(Entry.created_by),
        )
    ).all()
    return sorted(rows, key=lambda r: _sort_key(r.entry, r))


def nominated_results(contest: Contest) -> list[Result]:
    """The entries recommended to the province, in table order (类别, 学段, rank)."""
    return [r for r in _results(contest) if r.final_nominated]


def authors(entry: Entry) -> list[tuple[str, str, str]]:
    """(姓名, 性别, 年级) of each author. Counselor projects: the teacher who entered it;
    practice activities: the group's name."""
    if entry.students:
        return [(s.name, s.gender or "", s.grade or "") for s in entry.students]
    if entry.group_name:
        return [(entry.group_name, "", "")]
    if entry.created_by is not None:
        return [(entry.created_by.name, entry.created_by.gender or "", "")]
    return []


def contact_phone(entry: Entry) -> str:
    if entry.contact_phone:
        return entry.contact_phone
    for adviser in entry.advisers:
        if adviser.phone:
            return adviser.phone
    return (entry.created_by.phone or "") if entry.created_by else ""


def _score(value: float | None):
    return round(value, 2) if value is not None else None


def nomination_title(contest: Contest) -> str:
    name = contest.name if contest.name.startswith(str(contest.year)) else f"{contest.year}年{contest.name}"
    return f"{name}推荐项目汇总表"


def _team_label(entry: Entry) -> str:
    return "集体" if entry.is_team else "个人"


def nomination_table(contest: Contest, results: list[Result] | None = None) -> list[list]:
    """One row per nominated entry, authors one per line in the three author columns."""
    results = nominated_results(contest) if results is None else results
    rows = []
    for i, result in enumerate(results, start=1):
        e = result.entry
        people = authors(e)
        rows.append(
            [
                i,
                e.section.name,
                e.stage or "",
                e.subject or "",
                _team_label(e),
                e.title,
                "\n".join(p[0] for p in people),
                "\n".join(p[1] for p in people),
                "\n".join(p[2] for p in people),
                e.school.name,
                "\n".join(a.name for a in e.advisers),
                result.final_award or "",
                _score(result.score),
                result.rank,
                contact_phone(e),
                f"市赛编号 {e.number}" if e.number else "",
            ]
        )
    return rows


# ---------------------------------------------------------------------------------------------
# 推荐汇总表


def nomination_summary(contest: Contest, results: list[Result] | None = None) -> list[tuple]:
    """(类别, 组别, 个人, 集体) for every section x stage of the contest, in its order."""
    results = nominated_results(contest) if results is None else results
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        counts[(r.entry.section_id, r.entry.stage or "")][1 if r.entry.is_team else 0] += 1
    rows = []
    for section in contest.sections:
        stages = list(section.stages or [])
        stages += sorted({st for (sid, st) in counts if sid == section.id and st not in stages})
        for stage in stages:
            ind, team = counts.get((section.id, stage), (0, 0))
            rows.append((section.name, stage, ind, team))
    return rows


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
    return xlsx.workbook_bytes(wb)


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


# ---------------------------------------------------------------------------------------------
# Full results


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
    from .results import group_label

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


# ---------------------------------------------------------------------------------------------
# Judges' score sheets


SHEET_STATE_LABELS = {SheetState.FINAL: "已提交", SheetState.DRAFT: "草稿", None: "未评分"}


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
        assignments = db.session.scalars(
            select(Assignment)
            .where(Assignment.round_id == rnd.id)
            .options(
                selectinload(Assignment.sheet),
                selectinload(Assignment.judge),
                selectinload(Assignment.entry).selectinload(Entry.section),
            )
        ).all()
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
    from ..adapters.pdf import render_pdf

    html = render_template(
        "documents/score_sheets.html", contest=contest, judges=score_sheets_by_judge(contest), printed_at=utcnow()
    )
    return render_pdf(html)


# ---------------------------------------------------------------------------------------------
# Materials bundle


_WINDOWS_BAD = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, max_len: int = 60, fallback: str = "未命名") -> str:
    """A file or folder name Windows accepts: no \\/:*?"<>|, no control, line break or direction
    mark, no trailing dot or space, short."""
    name = without_direction_marks(printable(text or "", multiline=False))
    name = re.sub(r"_{2,}", "_", _WINDOWS_BAD.sub("_", name))
    name = re.sub(r"\s+", " ", name).strip()
    name = name[:max_len].rstrip("._ ")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def download_name(name: str, max_len: int = 120) -> str:
    """The name a download is offered under (every route's Content-Disposition): `safe_name`
    with its extension kept, so a contest name with a newline or a slash cannot break it."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not 1 <= len(ext) <= 5 or not ext.isascii() or not ext.isalnum():
        return safe_name(name, max_len=max_len, fallback="download")
    return f"{safe_name(stem, max_len=max_len - len(ext) - 1, fallback='download')}.{ext}"


def entry_folder(entry: Entry) -> str:
    return safe_name(f"{entry.number or f'ID{entry.id}'}_{entry.title}", max_len=80)


@dataclass
class BundleFile:
    arcname: str
    attachment: Attachment | None = None
    data: bytes | None = None


def plan_entry_files(entry: Entry) -> list[BundleFile]:
    """Every attachment renamed `<number>_<material>.<ext>` (numbered when a material has
    several files), in the order of the section's materials."""
    folder = entry_folder(entry)
    number = safe_name(entry.number or f"ID{entry.id}", max_len=40)
    by_material: dict[str, list[Attachment]] = defaultdict(list)
    order: dict[str, tuple] = {}
    for att in entry.attachments:
        req = att.requirement
        label = req.name if req is not None else Path(att.original_name).stem or "附件"
        by_material[label].append(att)
        order.setdefault(label, (req.sort_order if req is not None else 999, label))
    files = []
    for label in sorted(by_material, key=lambda k: order[k]):
        atts = sorted(by_material[label], key=lambda a: (a.uploaded_at, a.id))
        for i, att in enumerate(atts, start=1):
            ext = (Path(att.original_name).suffix.lstrip(".") or att.file_kind or "bin").lower()
            suffix = f"_{i}" if len(atts) > 1 else ""
            stem = safe_name(f"{number}_{label}{suffix}", max_len=70)
            files.append(BundleFile(f"{folder}/{stem}.{safe_name(ext, 8, 'bin')}", attachment=att))
    return files


def application_form_pdf(entry: Entry) -> bytes | None:
    """The generated 申报书."""
    from .application_form import render_application_form

    return render_application_form(entry)


@dataclass
class BundleSummary:
    entries: int = 0
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    forms: int = 0


def write_bundle(
    contest: Contest, target: str | os.PathLike, progress: Callable[[int, int], None] | None = None
) -> BundleSummary:
    """Write the zip of the nominated entries' materials to `target`, entry by entry.

    Files are copied from storage in chunks (never read whole); the zip is written to a
    temporary name beside `target` and renamed when complete, so a half-built bundle is never
    offered. Media already compressed are stored, the rest deflated.
    """
    from ..adapters.storage import CHUNK, get_storage

    storage = get_storage()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    results = nominated_results(contest)
    summary = BundleSummary()
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(["序号", "项目编号", "项目名称", "文件", "原文件名", "大小（字节）", "SHA-256"])
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".zip.part")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr(
                _info(f"{safe_name(nomination_title(contest), 80)}.xlsx", stored=True), nomination_workbook(contest)
            )
            for i, result in enumerate(results, start=1):
                entry = result.entry
                for bf in plan_entry_files(entry):
                    att = bf.attachment
                    kind = (att.file_kind or "").lower()
                    try:
                        src = storage.open(att.storage_key)
                    except (FileNotFoundError, ValueError):
                        summary.missing.append(f"{entry.number or entry.id} {att.original_name}")
                        writer.writerow(
                            [
                                i,
                                entry.number,
                                xlsx.safe_text(entry.title),
                                bf.arcname,
                                xlsx.safe_text(att.original_name),
                                "",
                                "缺失",
                            ]
                        )
                        continue
                    with src, zf.open(_info(bf.arcname, stored=kind in STORED_KINDS), "w", force_zip64=True) as dst:
                        shutil.copyfileobj(src, dst, CHUNK)
                    summary.files += 1
                    summary.bytes += att.size or 0
                    writer.writerow(
                        [
                            i,
                            entry.number,
                            xlsx.safe_text(entry.title),
                            bf.arcname,
                            xlsx.safe_text(att.original_name),
                            att.size,
                            att.sha256,
                        ]
                    )
                form = application_form_pdf(entry)
                if form is not None:
                    name = f"{entry_folder(entry)}/{safe_name(entry.number or f'ID{entry.id}', 40)}_申报书.pdf"
                    zf.writestr(_info(name, stored=True), form)
                    summary.forms += 1
                    writer.writerow([i, entry.number, xlsx.safe_text(entry.title), name, "（系统生成）", len(form), ""])
                summary.entries += 1
                if progress:
                    progress(i, len(results))
            zf.writestr(_info("材料清单.csv", stored=False), manifest.getvalue().encode("utf-8-sig"))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return summary


def _info(name: str, *, stored: bool) -> zipfile.ZipInfo:
    now = utc_to_local(utcnow())  # people read Beijing time in their file manager
    info = zipfile.ZipInfo(name, date_time=(max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def bundle_download_name(contest: Contest) -> str:
    return download_name(f"{nomination_title(contest).removesuffix('推荐项目汇总表')}推荐项目材料.zip")


def bundle_job(job_id: int, contest_id: int):
    """Job function (competition.jobs): builds the bundle under EXPORT_FOLDER/bundles."""
    from .. import jobs

    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise ValueError("赛事不存在")
    rel = f"bundles/{safe_name(contest.code, 40)}-{job_id}.zip"
    target = Path(current_app.config["EXPORT_FOLDER"]) / rel
    total = len(nominated_results(contest))
    jobs.report(job_id, 0, total)
    write_bundle(contest, target, progress=lambda done, n: jobs.report(job_id, done, n))
    return rel, bundle_download_name(contest)


BUNDLE_JOB = "exports.bundle"


def recent_bundle_jobs(contest: Contest, limit: int = 5) -> list[Job]:
    """The contest's latest bundle jobs, newest first, for the exports page."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.contest_id == contest.id, Job.kind == BUNDLE_JOB)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )


def start_bundle(contest: Contest, actor):
    """Enqueue the bundle job (the request commits it; only then may jobs.start hand it on)."""
    from .. import jobs

    return jobs.enqueue(
        BUNDLE_JOB, "exports.bundle", params={"contest_id": contest.id}, actor=actor, contest_id=contest.id
    )
