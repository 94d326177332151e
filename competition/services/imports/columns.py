"""The columns each kind of list is read from, the report on every column of the header row, and
which kind of list a file looks like."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...adapters.spreadsheets import SUGGEST_CUTOFF, Column, SheetError, Table, header_matches
from ...domain.imports import sentences, unread_note
from ...i18n.messages import translate
from .. import ServiceError

if TYPE_CHECKING:
    from .plan import Plan


KINDS = ("schools", "teachers", "reviewers", "judges", "entries")
KIND_LABELS = {
    "schools": _l("Schools"),
    "teachers": _l("Teachers"),
    "reviewers": _l("Reviewers"),
    "judges": _l("Judges"),
    "entries": _l("Entries of a contest"),
}
ROLE_OF = {"teachers": "teacher", "reviewers": "reviewer", "judges": "judge"}
MAX_UPLOAD = 20 * 1024 * 1024  # bytes; a list of 20,000 people is far smaller
_NAME = ("姓名", "名字", "教师姓名", "老师姓名", "辅导员姓名", "评委姓名", "审查员姓名")
_SCHOOL = ("学校名称", "学校", "学校全称", "所在学校", "单位名称")
_DISTRICT = ("区县", "县区", "所属区县", "区/县", "县(区)", "区(县)", "所在区县", "地区")
_PHONE = ("手机", "手机号码", "手机号", "联系电话", "电话", "联系方式", "移动电话")
_EMAIL = ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "邮件")
_USERNAME = ("用户名", "账号", "帐号", "登录名")

COLUMNS: dict[str, list[Column]] = {
    "schools": [
        Column("district", _DISTRICT, required=True),
        Column("name", ("学校名称", "学校", "学校全称", "单位名称"), required=True),
        Column("stage_kind", ("学段", "学校类型", "办学类型")),
        Column("contact_name", ("联系人", "联系老师", "联系人姓名"), "name"),
        Column("contact_phone", ("联系电话", "电话", "手机", "手机号码", "联系方式")),
    ],
    "teachers": [
        Column("district", _DISTRICT),
        Column("school", _SCHOOL, required=True),
        Column("name", _NAME, "name", required=True),
        Column("gender", ("性别",)),
        Column("phone", _PHONE, "phone"),
        Column("email", _EMAIL, "email"),
        Column("username", _USERNAME, "code"),
    ],
    "reviewers": [
        Column("name", _NAME, "name", required=True),
        Column("district", _DISTRICT),
        Column("gender", ("性别",)),
        Column("affiliation", ("工作单位", "单位", "所在单位")),
        Column("phone", _PHONE, "phone"),
        Column("email", _EMAIL, "email"),
        Column("username", _USERNAME, "code"),
    ],
    "judges": [
        Column("name", _NAME, "name", required=True),
        Column("gender", ("性别",)),
        Column("affiliation", ("工作单位", "单位", "所在单位", "单位名称")),
        Column("title", ("职称", "职务/职称", "职务")),
        Column("subjects", ("擅长学科", "学科", "专业", "擅长领域", "评审学科")),
        Column("phone", _PHONE, "phone"),
        Column("email", _EMAIL, "email"),
        Column("username", _USERNAME, "code"),
    ],
    "entries": [
        Column("section", ("类别", "项目类别", "申报类别", "参赛类别"), required=True),
        Column("stage", ("学段", "组别", "学段组别"), required=True),
        Column("subject", ("学科", "学科分类", "所属学科")),
        Column("team", ("个人/集体", "个人/团体", "个人或集体", "项目类型", "申报形式")),
        Column("title", ("项目名称", "作品名称", "成果名称", "名称"), required=True),
        *[
            Column(
                f"author{i}",
                (f"作者{i}", f"第{'一二三四五'[i - 1]}作者") + (("作者", "作者姓名") if i == 1 else ()),
                "name",
            )
            for i in range(1, 6)
        ],
        Column("school", _SCHOOL, required=True),
        *[
            Column(
                f"adviser{i}",
                (f"指导教师{i}", f"辅导教师{i}", f"指导老师{i}") + (("指导教师",) if i == 1 else ()),
                "name",
            )
            for i in range(1, 3)
        ],
        Column("phone", ("联系电话", "手机", "联系方式"), "phone"),
        Column("abstract", ("摘要", "项目简介", "简介")),
    ],
}


@dataclass
class ColumnNote:
    """One column of the file as the preview reports it."""

    letter: str  # A, B, ... as the spreadsheet program shows it
    header: str  # as written in the file; "" for a column without a header
    field: str | None  # the field it is read into (its usual column name), None when not read
    required: bool = False  # read into a required field
    note: str | None = None  # not read: why, and what to do
    warn: bool = False  # not read although it probably holds data the import needs
    unused: bool = False  # not read, and nothing like any field (序号, 备注)


# ------------------------------------------------------------------ the columns of the file


def field_name(column: Column) -> str:
    return column.aliases[0]


def column_report(kind: str, table: Table) -> tuple[list[ColumnNote], list[str]]:
    """Every column of the header row (read into which field, or why not) and the optional fields
    no column was found for (numbered extras such as 作者2 left out when 作者1 is there too)."""
    by_key = {c.key: c for c in COLUMNS[kind]}
    read_from = {c.key: c for c in table.header_cells if c.key}
    notes = []
    for cell in table.header_cells:
        if cell.key:
            column = by_key[cell.key]
            notes.append(ColumnNote(cell.letter, cell.text, field_name(column), required=column.required))
            continue
        message, warn = unread_note(cell, by_key, read_from, close=SUGGEST_CUTOFF)
        note = translate(message)
        unused = bool(cell.text) and not cell.same_as and cell.suggestion is None
        notes.append(ColumnNote(cell.letter, cell.text, None, note=note, warn=warn, unused=unused))
    suggested = {c.suggestion.column.key for c in table.header_cells if c.suggestion and not c.key}
    absent = []
    for column in COLUMNS[kind]:
        numbered = re.fullmatch(r"(\D+)(\d)", column.key)
        if numbered and numbered.group(2) != "1":
            continue  # 作者2..5, 指导教师2: optional extras of 作者1 / 指导教师1
        if column.key not in table.columns and column.key not in suggested and not column.required:
            absent.append(field_name(column))
    return notes, absent


def column_report_lines(plan: Plan) -> list[str]:
    """The column report as text lines (the command line prints them; warnings first)."""
    lines = []
    for c in plan.columns:
        header = c.header or _("(no header)")
        if c.field:
            lines.append(_("Column %(letter)s “%(header)s” → %(field)s", letter=c.letter, header=header, field=c.field))
        elif c.warn:
            lines.append(
                _(
                    "Column %(letter)s “%(header)s” NOT READ, check it: %(note)s",
                    letter=c.letter,
                    header=header,
                    note=c.note,
                )
            )
        else:
            lines.append(
                _("Column %(letter)s “%(header)s” not read: %(note)s", letter=c.letter, header=header, note=c.note)
            )
    if plan.absent:
        lines.append(_("Optional columns not in the file: %(names)s", names="、".join(plan.absent)))
    if plan.column_warnings:
        lines.append(
            _(
                "%(n)d columns above are not read although they look like data the import needs.",
                n=len(plan.column_warnings),
            )
        )
    return lines


def guess_kind(data: bytes, filename: str, kinds: tuple[str, ...] = KINDS) -> str:
    """The kind whose columns the sheet matches best (for the command line, where no form asks).

    When a kind that fails (a required column missing) matched more columns than the best readable
    one, its error is raised instead of guessing: a 辅导员 list with 学校名 is not imported as reviewers.
    """
    try:
        matches = header_matches(data, filename, {k: COLUMNS[k] for k in kinds})
    except SheetError as exc:  # not a readable table at all (damaged, a PDF, a zip bomb ...)
        raise ServiceError(sentences(translate(m) for m in [exc.message, *exc.hints]), "file") from None
    scores: dict[str, int] = {}
    errors: dict[str, SheetError] = {}
    for kind, (matched, failure) in matches.items():
        if failure is None:
            scores[kind] = matched
        else:
            errors[kind] = failure
    rival = max(errors, key=lambda k: (errors[k].matched, -kinds.index(k))) if errors else None
    best = max(scores, key=lambda k: (scores[k], -kinds.index(k))) if scores else None
    if best is None or (rival is not None and errors[rival].matched > scores[best]):
        # a 辅导员 list with 学校名 for 学校名称 matches teachers better than reviewers: say what to rename
        assert rival is not None  # no kind read, so every kind (never none) failed
        failure = errors[rival]
        raise ServiceError(sentences(translate(m) for m in [failure.message, *failure.hints]), "file")
    return best


def likely_kind(data: bytes, filename: str, chosen: str) -> str | None:
    """Another kind whose columns the sheet matches better than `chosen`, or None.

    For the organizer who picked 评委 and uploaded the 辅导员 list: the form says which kind the
    file looks like instead of importing teachers as judges (or refusing with a missing column).
    A 辅导员 list whose 学校名称 is misspelt (学校名) is not taken for a list of reviewers: the
    chosen kind counts the columns its header matched and the misspelt one it suggests.
    """
    try:
        matches = header_matches(data, filename, {k: COLUMNS[k] for k in KINDS})
    except SheetError:
        return None
    # a header lacking a required column still counts what it matched
    scores = {kind: matched for kind, (matched, _exc) in matches.items()}
    readable = [kind for kind, (_matched, exc) in matches.items() if exc is None]
    if not readable:
        return None
    best = max(readable, key=lambda k: (scores[k], -KINDS.index(k)))
    return best if best != chosen and scores[best] > scores[chosen] else None
