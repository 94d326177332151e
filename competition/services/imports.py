"""Imports from office spreadsheets: schools, teachers, reviewers, judges, and entries of a contest
whose registration happened elsewhere.

Two steps. `preview(kind, data, filename)` reads the file (competition/sheets.py), matches every
row against the database by a stable key and returns a `Plan`: what will be created, updated or
left alone, and EVERY problem row with its line number and reason. It writes nothing.
`apply(...)` plans again from the same bytes and, only if no row has a problem, writes all rows
(and flushes; the caller commits once: all rows or none).

Keys: schools by full name; accounts by phone, else by name + school (teachers), name + district
(reviewers) or name + unit (judges) — never by name alone (two teachers named 王伟 exist).
A school name that is not stored but near a stored one (domain/school_matching.py: 杜集区实验学校
for 淮北市杜集区实验学校, 濉溪中学 for 安徽省濉溪中学) is never silently a second school: the
schools import proposes the existing school (`PlanRow.candidates`, `chosen`; the organizer may
choose a new one instead, `school_choices`), and the teachers and entries imports take the one
near school (with a note) or, when several are near, name them in a problem.

New accounts get a username (t/r/j + mobile number, or a stable code when there is no mobile), a
random initial password and must change it at first login; `credentials_workbook` lays the
passwords out for the organizer to hand out.

The plan also reports every column of the header row (`column_report`): which field it is read
into, or why it is not read, with a "did you mean …?" when its header is close to an accepted name
(联系电活, 学校名); `ColumnNote.warn` marks an unread column that probably holds data the import
needs (close to a field that was not found, or a second column for a field already read).

Between preview and confirmation the uploaded file is kept under EXPORT_FOLDER/imports/<token>/
with the uploader's id (`stash_upload`, `load_stash`); the rows are never carried in the form.
Confirming or cancelling drops the file but keeps a note of the outcome (`finish_stash`,
`finished_import`) for the rest of the stash's life, so the browser's Back button and a resubmitted
form land on "already confirmed (n created …)" instead of a 404 and import nothing twice.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..adapters import xlsx
from ..domain.characters import describe, first_illegal, identity
from ..domain.school_matching import KnownSchool, SchoolIndex
from ..domain.states import EntryState
from ..domain.text import phone_valid
from ..extensions import db
from ..i18n.messages import translate
from ..models import Adviser, Contest, District, Entry, School, Student, User, UserRole, utcnow
from ..adapters.spreadsheets import (
    SUGGEST_CUTOFF, Column, HeaderCell, SheetError, Table, email_ok, header_matches, is_mobile, match_key,
    read_table,
)
from . import ServiceError, accounts, audit
from .users import generate_password, split_subjects

log = logging.getLogger(__name__)

KINDS = ("schools", "teachers", "reviewers", "judges", "entries")
KIND_LABELS = {
    "schools": _l("Schools"),
    "teachers": _l("Teachers"),
    "reviewers": _l("Reviewers"),
    "judges": _l("Judges"),
    "entries": _l("Entries of a contest"),
}
ROLE_OF = {"teachers": "teacher", "reviewers": "reviewer", "judges": "judge"}
USERNAME_PREFIX = {"teachers": "t", "reviewers": "r", "judges": "j"}
ENTRY_IMPORT_STATES = (EntryState.SUBMITTED, EntryState.ACCEPTED)
STASH_HOURS = 24
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
        *[Column(f"author{i}", (f"作者{i}", f"第{'一二三四五'[i - 1]}作者") + (("作者", "作者姓名") if i == 1 else ()),
                 "name") for i in range(1, 6)],
        Column("school", _SCHOOL, required=True),
        *[Column(f"adviser{i}", (f"指导教师{i}", f"辅导教师{i}", f"指导老师{i}") + (("指导教师",) if i == 1 else ()),
                 "name") for i in range(1, 3)],
        Column("phone", ("联系电话", "手机", "联系方式"), "phone"),
        Column("abstract", ("摘要", "项目简介", "简介")),
    ],
}


@dataclass(frozen=True)
class SchoolChoice:
    """An existing school a row of the schools import probably means."""

    id: int
    name: str
    district: str
    reason: str  # why it is near, for the organizer


@dataclass
class PlanRow:
    line: int
    action: str  # create, update, same, error
    cells: dict[str, str | None]  # what the preview shows, by column key
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    payload: dict = field(default_factory=dict)
    candidates: list[SchoolChoice] = field(default_factory=list)  # schools import: near existing schools
    chosen: int | None = None  # with candidates: the school the row is imported as; None = a new school


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


@dataclass
class Plan:
    kind: str
    filename: str
    table: Table
    rows: list[PlanRow]
    contest: Contest | None = None
    columns: list[ColumnNote] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # optional fields no column was found for

    @property
    def problem_rows(self) -> list[PlanRow]:
        return [r for r in self.rows if r.problems]

    @property
    def near_rows(self) -> list[PlanRow]:
        """Rows of the schools import whose name is near an existing school (the organizer chooses)."""
        return [r for r in self.rows if r.candidates]

    @property
    def column_warnings(self) -> list[ColumnNote]:
        return [c for c in self.columns if c.warn]

    @property
    def unread_columns(self) -> list[ColumnNote]:
        return [c for c in self.columns if c.field is None]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problem_rows

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.problems)


@dataclass
class Credential:
    username: str
    password: str
    name: str
    where: str  # school, district or unit
    phone: str | None


@dataclass
class Outcome:
    plan: Plan
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    credentials: list[Credential] = field(default_factory=list)


# ------------------------------------------------------------------ preview


def preview(kind: str, data: bytes, filename: str, *, contest: Contest | None = None,
            school_choices: dict[int, int | None] | None = None) -> Plan:
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
        raise ServiceError(_sentences(translate(m) for m in [exc.message, *exc.hints]), "file") from None
    if not table.rows:
        raise ServiceError(_("The sheet has a header but no data rows."), "file")
    _clean_identity_cells(table)
    if kind == "schools":
        rows = _plan_schools(table, school_choices or {})
    else:
        planner = {"teachers": _plan_people, "reviewers": _plan_people, "judges": _plan_people,
                   "entries": _plan_entries}[kind]
        rows = planner(kind, table, contest)
    _refuse_illegal_characters(kind, table, rows)
    notes, absent = column_report(kind, table)
    return Plan(kind=kind, filename=filename, table=table, rows=rows, contest=contest, columns=notes, absent=absent)


# ------------------------------------------------------------------ the columns of the file


def _field_name(column: Column) -> str:
    return column.aliases[0]


def _unread_note(cell: HeaderCell, by_key: dict[str, Column], read_from: dict[str, HeaderCell]) -> tuple[str, bool]:
    """Why a column is not read and what to do about it; True when data we need is probably left out."""
    n = cell.filled
    if not cell.text:
        return _("This column has no header, so its %(n)d filled cells are not read. If it holds data to "
                 "import, give it one of the recognised column names.", n=n), True
    if cell.same_as:
        first = read_from[cell.same_as]
        name = _field_name(by_key[cell.same_as])
        if n:
            return _("Also a name for %(field)s, which is read from column %(letter)s “%(header)s”: only the "
                     "first such column is read, so the %(n)d filled cells here are left out. Merge the two "
                     "columns or rename this one.", field=name, letter=first.letter, header=first.text, n=n), True
        return _("Also a name for %(field)s, which is read from column %(letter)s “%(header)s”; this empty "
                 "column is not read.", field=name, letter=first.letter, header=first.text), False
    hint = cell.suggestion
    if hint is not None:
        name = _field_name(hint.column)
        first = read_from.get(hint.column.key)
        if first is not None:
            if n and hint.ratio >= SUGGEST_CUTOFF:  # 联系电活 beside 联系电话, 指导教师3 beside 指导教师1
                return _("It looks like %(field)s, which is read from column %(letter)s “%(header)s”: its %(n)d "
                         "filled cells are left out. If they are needed, move them into column %(letter)s.",
                         field=name, letter=first.letter, header=first.text, n=n), True
            return _("It resembles %(field)s, which is read from column %(letter)s “%(header)s”.",
                     field=name, letter=first.letter, header=first.text), False
        if n:
            return _("Did you mean “%(alias)s”? If this column holds %(field)s, rename its header to “%(alias)s” "
                     "and upload the file again; otherwise its %(n)d filled cells are left out.",
                     alias=hint.alias, field=name, n=n), True
        return _("Did you mean “%(alias)s”? (The column is empty.)", alias=hint.alias), False
    return _("Not used by this import."), False


def column_report(kind: str, table: Table) -> tuple[list[ColumnNote], list[str]]:
    """Every column of the header row (read into which field, or why not) and the optional fields
    no column was found for (numbered extras such as 作者2 left out when 作者1 is there too)."""
    by_key = {c.key: c for c in COLUMNS[kind]}
    read_from = {c.key: c for c in table.header_cells if c.key}
    notes = []
    for cell in table.header_cells:
        if cell.key:
            column = by_key[cell.key]
            notes.append(ColumnNote(cell.letter, cell.text, _field_name(column), required=column.required))
            continue
        note, warn = _unread_note(cell, by_key, read_from)
        unused = bool(cell.text) and not cell.same_as and cell.suggestion is None
        notes.append(ColumnNote(cell.letter, cell.text, None, note=note, warn=warn, unused=unused))
    suggested = {c.suggestion.column.key for c in table.header_cells if c.suggestion and not c.key}
    absent = []
    for column in COLUMNS[kind]:
        numbered = re.fullmatch(r"(\D+)(\d)", column.key)
        if numbered and numbered.group(2) != "1":
            continue  # 作者2..5, 指导教师2: optional extras of 作者1 / 指导教师1
        if column.key not in table.columns and column.key not in suggested and not column.required:
            absent.append(_field_name(column))
    return notes, absent


def column_report_lines(plan: Plan) -> list[str]:
    """The column report as text lines (the command line prints them; warnings first)."""
    lines = []
    for c in plan.columns:
        header = c.header or _("(no header)")
        if c.field:
            lines.append(_("Column %(letter)s “%(header)s” → %(field)s", letter=c.letter, header=header,
                           field=c.field))
        elif c.warn:
            lines.append(_("Column %(letter)s “%(header)s” NOT READ, check it: %(note)s", letter=c.letter,
                           header=header, note=c.note))
        else:
            lines.append(_("Column %(letter)s “%(header)s” not read: %(note)s", letter=c.letter,
                           header=header, note=c.note))
    if plan.absent:
        lines.append(_("Optional columns not in the file: %(names)s", names="、".join(plan.absent)))
    if plan.column_warnings:
        lines.append(_("%(n)d columns above are not read although they look like data the import needs.",
                       n=len(plan.column_warnings)))
    return lines


def _sentences(parts) -> str:
    """Sentences joined as the language wants: a space after "." but none after "。"."""
    text = ""
    for part in parts:
        text += part if not text or text[-1] in "。？！）”" else " " + part
    return text


def _first_seen(seen: dict, key, line: int) -> int | None:
    """The line where `key` was first seen in the file, or None (and remember this one)."""
    if not key or (isinstance(key, tuple) and not all(key)):
        return None
    if key in seen:
        return seen[key]
    seen[key] = line
    return None


def _check_contact(row: PlanRow, values: dict) -> None:
    phone, email = values.get("phone"), values.get("email")
    if not phone_valid(phone):
        row.problems.append(_("“%(phone)s” is not a valid mobile or landline number.", phone=phone))
    if not email_ok(email):
        row.problems.append(_("“%(email)s” is not a valid e-mail address.", email=email))
    gender = values.get("gender")
    if gender and gender not in ("男", "女"):
        row.problems.append(_("The gender must be 男 or 女, not “%(value)s”.", value=gender))


@dataclass
class _Schools:
    """The stored schools: by full name (as `match_key`), by id, and for near names."""

    by_key: dict[str, School]
    by_id: dict[int, School]
    index: SchoolIndex


def _stored_schools() -> _Schools:
    schools = db.session.scalars(select(School)).all()
    return _Schools({match_key(s.name): s for s in schools}, {s.id: s for s in schools},
                    SchoolIndex(KnownSchool(s.id, s.name, s.district_id) for s in schools))


def _near_reason(reason: str) -> str:
    return {"same": _("the same name without the province, city or district in front"),
            "contained": _("one name contains the other"),
            "sound": _("the names sound the same"),
            "typo": _("the names differ in one or two characters")}[reason]


def _districts_by_key() -> dict[str, District]:
    found = {}
    for d in db.session.scalars(select(District)):
        found[match_key(d.name)] = d
        if d.code:
            found.setdefault(match_key(d.code), d)
    return found


def _school_of(row: PlanRow, name: str | None, schools: _Schools, district_id: int | None = None) -> School | None:
    """The school a row names, or None with the reason added to the row. A name that is not stored
    but near exactly one stored school (in the row's district, when it gives one) is taken as
    that school, with a note; near several, it is a problem naming them."""
    school = schools.by_key.get(match_key(name)) if name else None
    if not name:
        row.problems.append(_("The school is missing."))
    elif school is None:
        near = schools.index.near(name, district_id)
        if len(near) == 1:
            school = schools.by_id[near[0].school.id]
            row.notes.append(_("No school is called “%(name)s”; taken as the existing “%(school)s” (%(reason)s).",
                               name=name, school=school.name, reason=_near_reason(near[0].reason)))
        elif near:
            row.problems.append(_("Unknown school “%(name)s”; it resembles %(names)s: write the full name of the "
                                  "school meant.", name=name,
                                  names="、".join(f"“{m.school.name}”" for m in near)))
        else:
            row.problems.append(_("Unknown school “%(name)s”: import the schools first or correct the name.",
                                  name=name))
    return school


def _plan_schools(table: Table, choices: dict[int, int | None]) -> list[PlanRow]:
    stored, districts = _stored_schools(), _districts_by_key()
    schools = stored.by_key
    in_sheet = SchoolIndex([])  # the new schools of this sheet so far (ids are line numbers)
    seen: dict = {}
    used: dict = {}  # existing school id -> the first line imported into it
    rows = []
    for r in table.rows:
        v = r.values
        row = PlanRow(r.line, "create", dict(v))
        name, district_name = v.get("name"), v.get("district")
        if not name:
            row.problems.append(_("The school name is missing."))
        if not district_name:
            row.problems.append(_("The district is missing."))
        district = districts.get(match_key(district_name)) if district_name else None
        if district_name and district is None:
            row.problems.append(_("Unknown district “%(name)s”: add it under Districts first or correct the name.",
                                  name=district_name))
        if not phone_valid(v.get("contact_phone")):
            row.problems.append(_("“%(phone)s” is not a valid mobile or landline number.", phone=v["contact_phone"]))
        dup = _first_seen(seen, match_key(name), r.line)
        if dup:
            row.problems.append(_("The same school as row %(line)d.", line=dup))
        values = {"name": name, "district_id": district.id if district else None, "stage_kind": v.get("stage_kind"),
                  "contact_name": v.get("contact_name"), "contact_phone": v.get("contact_phone")}
        existing = schools.get(match_key(name)) if name else None
        if existing is None and name and (district or not district_name):
            existing = _choose_near(row, stored, name, district.id if district else None, choices)
        if existing is not None:
            first = _first_seen(used, existing.id, r.line)
            if first and not dup:
                row.problems.append(_("Row %(line)d is already imported as the existing school “%(school)s”.",
                                      line=first, school=existing.name))
        elif name:
            for match in in_sheet.near(name, district.id if district else None)[:1]:
                row.notes.append(_("Resembles “%(school)s” in row %(line)d (%(reason)s); both are created as "
                                   "separate schools.", school=match.school.name, line=match.school.id,
                                   reason=_near_reason(match.reason)))
            in_sheet.add(KnownSchool(r.line, name, district.id if district else None))
        if existing is not None:
            values["name"] = existing.name
            _diff(row, existing, values, {"district_id": _("District"), "stage_kind": _("Stage"),
                                          "contact_name": _("Contact"), "contact_phone": _("Contact phone")},
                  shown={"district_id": lambda i: db.session.get(District, i).name if i else ""})
            row.payload["id"] = existing.id
        row.payload["values"] = values
        rows.append(_finish(row))
    return rows


def _choose_near(row: PlanRow, stored: _Schools, name: str, district_id: int | None,
                 choices: dict[int, int | None]) -> School | None:
    """Schools import: the existing school a new name is near, as chosen (default: the nearest),
    or None for a new school; the row lists the candidates and says what happens."""
    near = stored.index.near(name, district_id)
    if not near:
        return None
    row.candidates = [SchoolChoice(m.school.id, m.school.name, stored.by_id[m.school.id].district.name,
                                   _near_reason(m.reason)) for m in near]
    ids = [c.id for c in row.candidates]
    chosen = choices.get(row.line, ids[0])
    row.chosen = chosen if chosen is None or chosen in ids else ids[0]
    names = "、".join(f"“{c.name}”（{c.district}）" for c in row.candidates)
    if row.chosen is None:
        row.notes.append(_("Created as a new school, as chosen, although it resembles the existing %(names)s.",
                           names=names))
        return None
    school = stored.by_id[row.chosen]
    row.notes.append(_("Resembles the existing school “%(school)s” (%(reason)s): imported as that school, "
                       "unless you choose to create a new one.", school=school.name,
                       reason=next(c.reason for c in row.candidates if c.id == school.id)))
    return school


def _diff(row: PlanRow, obj, values: dict, labels: dict, shown: dict | None = None, keep_empty=True) -> None:
    """Fill row.changes and set the action to update/same; empty cells never erase stored data."""
    shown = shown or {}
    for key, label in labels.items():
        new, old = values.get(key), getattr(obj, key)
        if new in (None, "") and keep_empty:
            values[key] = old
            continue
        if new != old:
            fmt = shown.get(key, lambda x: x or "")
            row.changes.append(f"{label}: {fmt(old) or '—'} → {fmt(new)}")
    row.action = "update" if row.changes else "same"


# Cells naming a person, a school, a place or an account: stored and matched as the forms store
# them (characters.identity), so 王\u200b芳 in a cell is the 王芳 already there.
IDENTITY_CELLS = frozenset({"name", "contact_name", "school", "district", "affiliation", "phone", "contact_phone",
                            "email", "username", *(f"author{i}" for i in range(1, 6)), "adviser1", "adviser2"})


def _clean_identity_cells(table) -> None:
    """Remove invisible characters (zero-width, soft hyphen, BOM, direction marks) from identity cells."""
    for row in table.rows:
        for key, value in row.values.items():
            if key in IDENTITY_CELLS and isinstance(value, str):
                row.values[key] = identity(value)


def _refuse_illegal_characters(kind: str, table, rows: list[PlanRow]) -> None:
    """A cell holding a control character, a noncharacter or a lone surrogate makes its row a
    problem naming the column and the row: such a row is not imported."""
    labels = {c.key: c.aliases[0] for c in COLUMNS[kind]}
    by_line = {r.line: r for r in table.rows}
    for row in rows:
        source = by_line.get(row.line)
        for key, value in (source.values.items() if source else ()):
            bad = first_illegal(value) if isinstance(value, str) else None
            if bad:
                row.problems.append(_("Column %(column)s of row %(line)d contains a character that is not allowed: "
                                      "%(char)s", column=labels.get(key, key), line=row.line,
                                      char=translate(describe(bad))))
        _finish(row)


def _finish(row: PlanRow) -> PlanRow:
    if row.problems:
        row.action = "error"
    return row


def _username_for(kind: str, values: dict, where: str, taken: set[str]) -> str:
    prefix = USERNAME_PREFIX[kind]
    if values.get("username"):
        base = values["username"]
    elif is_mobile(values.get("phone")):
        base = prefix + values["phone"]
    else:  # a stable code, so preview and confirmation agree
        digest = hashlib.sha256(f"{kind}|{values.get('name')}|{where}".encode()).hexdigest()
        base = prefix + str(int(digest[:12], 16))[:8]
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name.lower())
    return name


def _plan_people(kind: str, table: Table, contest) -> list[PlanRow]:
    role = ROLE_OF[kind]
    schools, districts = (_stored_schools() if kind == "teachers" else None), _districts_by_key()
    users = db.session.scalars(select(User)).all()
    by_phone = {u.phone: u for u in users if u.phone}
    by_place: dict[tuple, list[User]] = {}
    for u in users:
        for place in (("school", u.school_id), ("district", u.district_id), ("unit", match_key(u.affiliation))):
            if place[1]:
                by_place.setdefault((match_key(u.name), *place), []).append(u)
    taken = {u.username.lower() for u in users}
    known_subjects = _known_subjects() if kind == "judges" else set()
    seen_phone: dict = {}
    seen_person: dict = {}
    rows = []
    for r in table.rows:
        v = dict(r.values)
        row = PlanRow(r.line, "create", dict(v))
        name = v.get("name")
        if not name:
            row.problems.append(_("The name is missing."))
        _check_contact(row, v)
        values = {k: v.get(k) for k in ("name", "gender", "phone", "email")}
        place: tuple
        where = ""
        if kind == "teachers":
            school_name = v.get("school")
            district_name = v.get("district")
            district = districts.get(match_key(district_name)) if district_name else None
            school = _school_of(row, school_name, schools, district.id if district else None)
            if district_name:
                if district is None:
                    row.problems.append(_("Unknown district “%(name)s”.", name=district_name))
                elif school is not None and school.district_id != district.id:
                    row.problems.append(_("The school %(school)s is in %(real)s, not in %(given)s.",
                                          school=school.name, real=school.district.name, given=district_name))
            values["school_id"] = school.id if school else None
            place = ("school", values["school_id"])
            where = school.name if school else (school_name or "")
        elif kind == "reviewers":
            district_name = v.get("district")
            district = districts.get(match_key(district_name)) if district_name else None
            if district_name and district is None:
                row.problems.append(_("Unknown district “%(name)s”.", name=district_name))
            values["district_id"] = district.id if district else None
            values["affiliation"] = v.get("affiliation")
            place = ("district", values["district_id"])
            where = district.name if district else (v.get("affiliation") or "")
        else:
            values["affiliation"] = v.get("affiliation")
            values["title"] = v.get("title")
            subjects = split_subjects(v.get("subjects"))
            values["subjects"] = "、".join(subjects) or None
            row.cells["subjects"] = values["subjects"]
            unknown = [s for s in subjects if known_subjects and s not in known_subjects]
            if unknown:
                row.notes.append(_("Not a subject of any contest: %(names)s (kept as typed).", names="、".join(unknown)))
            place = ("unit", match_key(values["affiliation"]))
            where = values["affiliation"] or ""
        dup = _first_seen(seen_phone, values.get("phone"), r.line)
        if dup:
            row.problems.append(_("The same phone number as row %(line)d.", line=dup))
        dup = _first_seen(seen_person, (match_key(name), *place), r.line)
        if dup and name:
            row.problems.append(_("The same name and %(place)s as row %(line)d.",
                                  place=_place_label(kind), line=dup))
        existing = by_phone.get(values.get("phone")) if values.get("phone") else None
        if existing is not None and match_key(existing.name) != match_key(name):
            row.problems.append(_("The phone number %(phone)s already belongs to the account %(user)s (%(name)s).",
                                  phone=values["phone"], user=existing.username, name=existing.name))
            existing = None
        if existing is None and name and place[1]:
            matches = by_place.get((match_key(name), *place), [])
            if len(matches) == 1 and not (values.get("phone") and matches[0].phone
                                          and matches[0].phone != values["phone"]):
                existing = matches[0]
        if existing is not None:
            values["name"] = existing.name
            labels = {"gender": _("Gender"), "phone": _("Phone"), "email": _("E-mail")}
            labels.update({k: lbl for k, lbl in (("school_id", _("School")), ("district_id", _("District")),
                                                 ("affiliation", _("Unit")), ("title", _("Title")),
                                                 ("subjects", _("Subjects"))) if k in values})
            _diff(row, existing, values, labels, shown={
                "school_id": lambda i: db.session.get(School, i).name if i else "",
                "district_id": lambda i: db.session.get(District, i).name if i else ""})
            if role not in existing.roles:
                row.changes.append(_("Add the role %(role)s", role=_role_label(role)))
                row.action = "update"
            if not existing.active:
                row.notes.append(_("This account is deactivated; the import does not reactivate it."))
            row.payload["id"] = existing.id
            row.cells["username"] = existing.username
        elif not row.problems:
            if v.get("username") and v["username"].lower() in taken:
                row.problems.append(_("The username %(u)s is already taken.", u=v["username"]))
            else:
                row.cells["username"] = _username_for(kind, values, where, taken)
                row.payload["username"] = row.cells["username"]
        row.payload["values"] = values
        row.payload["where"] = where
        rows.append(_finish(row))
    return rows


def _place_label(kind: str) -> str:
    return {"teachers": _("school"), "reviewers": _("district"), "judges": _("unit")}[kind]


def _role_label(role: str) -> str:
    from ..i18n.labels import ROLE_LABELS

    return str(ROLE_LABELS[role])


def _known_subjects() -> set[str]:
    from ..models import Section

    names: set[str] = set()
    for subjects in db.session.scalars(select(Section.subjects)):
        for values in (subjects or {}).values():
            names.update(values)
    return names


# ------------------------------------------------------------------ entries

_TEAM_WORDS = {"集体": True, "团体": True, "团队": True, "小组": True, "个人": False}


def _stage_of(text: str | None, stages: list[str]) -> str | None:
    if not text:
        return None
    key = match_key(text).removesuffix("组")
    for stage in stages:
        if match_key(stage) == key:
            return stage
    return None


def _plan_entries(kind: str, table: Table, contest: Contest) -> list[PlanRow]:
    schools = _stored_schools()
    sections = {}
    for s in contest.sections:
        sections[match_key(s.name)] = s
        sections.setdefault(match_key(s.code), s)
    existing = {}
    for e in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id)):
        existing[(match_key(e.title), e.school_id)] = e
    taken_people: dict[tuple, str] = {}
    for st, title in db.session.execute(
        select(Student, Entry.title).join(Entry).where(Entry.contest_id == contest.id,
                                                       Entry.state.in_(
                (EntryState.SUBMITTED, EntryState.RETURNED, EntryState.ACCEPTED)))
    ):
        taken_people[(match_key(st.name), match_key(st.school_name))] = title
    teachers: dict[tuple, list[User]] = {}
    for u in db.session.scalars(select(User).join(UserRole).where(UserRole.role == "teacher")):
        teachers.setdefault((match_key(u.name), u.school_id), []).append(u)
    seen_title: dict = {}
    seen_author: dict = {}
    rows = []
    for r in table.rows:
        v = r.values
        row = PlanRow(r.line, "create", dict(v))
        title = v.get("title")
        if not title:
            row.problems.append(_("The title is missing."))
        elif len(title) > 200:
            row.problems.append(_("The title is longer than %(n)d characters.", n=200))
        section = sections.get(match_key(v.get("section"))) if v.get("section") else None
        if not v.get("section"):
            row.problems.append(_("The section (类别) is missing."))
        elif section is None:
            row.problems.append(_("Unknown section “%(name)s” (this contest has: %(names)s).", name=v["section"],
                                  names="、".join(s.name for s in contest.sections)))
        school_name = v.get("school")
        school = _school_of(row, school_name, schools)
        authors = [v[f"author{i}"] for i in range(1, 6) if v.get(f"author{i}")]
        advisers = [v[f"adviser{i}"] for i in range(1, 3) if v.get(f"adviser{i}")]
        team_word = v.get("team")
        is_team = _TEAM_WORDS.get(match_key(team_word)) if team_word else len(authors) > 1
        if team_word and is_team is None:
            row.problems.append(_("个人/集体 must be 个人 or 集体, not “%(value)s”.", value=team_word))
        stage = subject = None
        if section is not None:
            stage = _stage_of(v.get("stage"), list(section.stages or []))
            if not v.get("stage"):
                row.problems.append(_("The stage (学段) is missing."))
            elif stage is None:
                row.problems.append(_("The stage “%(stage)s” is not open in %(section)s (allowed: %(names)s).",
                                      stage=v["stage"], section=section.name, names="、".join(section.stages or [])))
            allowed = section.subjects_for(stage) if stage else []
            subject = v.get("subject")
            if allowed and not subject:
                row.problems.append(_("The subject (学科) is missing."))
            elif allowed and subject not in allowed:
                row.problems.append(_(
                    "Unknown subject “%(subject)s” for %(stage)s in %(section)s (allowed: %(names)s).",
                    subject=subject, stage=stage, section=section.name, names="、".join(allowed)))
            if is_team and not section.team_allowed:
                row.problems.append(_("%(section)s accepts individual entries only.", section=section.name))
            if is_team is False and not section.individual_allowed:
                row.problems.append(_("%(section)s accepts team entries only.", section=section.name))
            if not authors and not section.group_entry:
                row.problems.append(_("No author is given."))
            if is_team is False and len(authors) > 1:
                row.problems.append(_("An individual entry has %(n)d authors.", n=len(authors)))
            if is_team and section.team_allowed and len(authors) == 1:
                row.problems.append(_("A team entry needs at least two authors."))
            if is_team and len(authors) > section.max_team_size:
                row.problems.append(_("A team may have at most %(n)d members.", n=section.max_team_size))
            if advisers and not section.advisers_allowed:
                row.problems.append(_("%(section)s has no advisers; leave 指导教师 empty.", section=section.name))
            elif len(advisers) > section.max_advisers:
                row.problems.append(_("At most %(n)d advisers are allowed.", n=section.max_advisers))
        dup = _first_seen(seen_title, (match_key(title), match_key(school_name)), r.line)
        if dup:
            row.problems.append(_("The same title and school as row %(line)d.", line=dup))
        old = existing.get((match_key(title), school.id)) if title and school else None
        for author in authors:
            key = (match_key(author), match_key(school.name if school else school_name))
            dup = _first_seen(seen_author, key, r.line)
            if dup:
                row.problems.append(_("%(name)s already appears in row %(line)d (one entry per person and contest).",
                                      name=author, line=dup))
            elif key in taken_people and old is None:
                row.problems.append(_("%(name)s already has the entry “%(title)s” in this contest.",
                                      name=author, title=taken_people[key]))
        linked = []
        for name in advisers:
            found = teachers.get((match_key(name), school.id if school else None), [])
            linked.append(found[0].id if len(found) == 1 else None)
        if advisers and school is not None:
            unknown = [n for n, uid in zip(advisers, linked, strict=True) if uid is None]
            if unknown:
                row.notes.append(_("No teacher account for %(names)s at this school; stored by name only.",
                                   names="、".join(unknown)))
        if old is not None and not row.problems:
            row.action = "same"
            row.notes.append(_("Already in this contest; left unchanged."))
        row.payload = {"section_id": section.id if section else None, "school_id": school.id if school else None,
                       "stage": stage, "subject": subject or None, "is_team": bool(is_team), "title": title,
                       "authors": authors, "advisers": list(zip(advisers, linked, strict=True)),
                       "phone": v.get("phone"), "abstract": v.get("abstract"),
                       "school_name": school.name if school else school_name}
        if not phone_valid(v.get("phone")):
            row.problems.append(_("“%(phone)s” is not a valid mobile or landline number.", phone=v["phone"]))
        rows.append(_finish(row))
    return rows


# ------------------------------------------------------------------ apply


def apply(kind: str, data: bytes, filename: str, *, actor: User, contest: Contest | None = None,
          entry_state: str = EntryState.SUBMITTED, school_choices: dict[int, int | None] | None = None) -> Outcome:
    """Write every row of a clean sheet (flush only); refuse the whole sheet if any row is bad."""
    plan = preview(kind, data, filename, contest=contest, school_choices=school_choices)
    if not plan.ok:
        raise ServiceError(_("%(n)d rows have problems; nothing was imported. Correct the sheet and upload it again.",
                             n=len(plan.problem_rows)))
    outcome = Outcome(plan=plan)
    if kind == "schools":
        _apply_schools(plan, outcome, actor)
    elif kind == "entries":
        if entry_state not in ENTRY_IMPORT_STATES:
            raise ServiceError(_("Unknown state for imported entries."), "entry_state")
        _apply_entries(plan, outcome, actor, entry_state)
    else:
        _apply_people(plan, outcome, actor)
    outcome.unchanged = plan.count("same")
    audit.record(actor, f"import.{kind}", contest or actor, after={
        "file": filename, "sheet": plan.table.sheet, "created": outcome.created, "updated": outcome.updated},
        contest_id=contest.id if contest else None)
    db.session.flush()
    log.info("import of %s: contest=%s by=%s file=%s rows=%d created=%d updated=%d unchanged=%d", kind,
             contest.code if contest else "-", audit.who(actor), filename, len(plan.rows), outcome.created,
             outcome.updated, outcome.unchanged)
    return outcome


def _apply_schools(plan: Plan, outcome: Outcome, actor: User) -> None:
    for row in plan.rows:
        values = row.payload["values"]
        if row.action == "create":
            school = School(**values)
            db.session.add(school)
            db.session.flush()
            audit.record(actor, "school.create", school, after=values)
            outcome.created += 1
        elif row.action == "update":
            school = db.session.get(School, row.payload["id"])
            for key, value in values.items():
                setattr(school, key, value)
            after = {"changes": row.changes}
            if row.candidates:
                after["name_in_sheet"] = row.cells.get("name")
            audit.record(actor, "school.update", school, after=after)
            outcome.updated += 1
    db.session.flush()


# Initial passwords are random (about 58 bits) and must be changed at the first login, where
# services/accounts.authenticate rehashes them with the full-strength parameters. They are hashed
# with OWASP's minimum Argon2id profile (19 MiB, t=2, p=1): a few ms each instead of ~0.1 s, so an
# import of a thousand teachers does not hold a request for minutes.
_initial_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def _apply_people(plan: Plan, outcome: Outcome, actor: User) -> None:
    role = ROLE_OF[plan.kind]
    new_rows = [r for r in plan.rows if r.action == "create"]
    passwords = [generate_password() for _ in new_rows]
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(_initial_hasher.hash, passwords))
    for row, password, password_hash in zip(new_rows, passwords, hashes, strict=True):
        values = {k: v for k, v in row.payload["values"].items() if v is not None}
        user = User(username=row.payload["username"], password_hash=password_hash,
                    session_token=accounts.new_session_token(), must_change_password=True, **values)
        user.set_roles([role])
        db.session.add(user)
        db.session.flush()
        audit.record(actor, "user.create", user, after={"username": user.username, "roles": [role],
                                                        "import": plan.filename})
        outcome.credentials.append(Credential(user.username, password, user.name, row.payload["where"], user.phone))
        outcome.created += 1
    for row in plan.rows:
        if row.action != "update":
            continue
        user = db.session.get(User, row.payload["id"])
        for key, value in row.payload["values"].items():
            setattr(user, key, value)
        user.set_roles(user.roles | {role})
        audit.record(actor, "user.update", user, after={"changes": row.changes, "import": plan.filename})
        outcome.updated += 1
    db.session.flush()


def _apply_entries(plan: Plan, outcome: Outcome, actor: User, entry_state: str) -> None:
    now = utcnow()
    created = []
    for row in plan.rows:
        if row.action != "create":
            continue
        p = row.payload
        entry = Entry(contest_id=plan.contest.id, section_id=p["section_id"], school_id=p["school_id"],
                      title=p["title"], abstract=p["abstract"], stage=p["stage"], subject=p["subject"],
                      is_team=p["is_team"], contact_phone=p["phone"], state=EntryState.SUBMITTED, submitted_at=now,
                      data_confirmed=False, created_by_id=None)
        for i, name in enumerate(p["authors"]):
            entry.students.append(Student(position=i, name=name, school_name=p["school_name"], stage=p["stage"]))
        for i, (name, user_id) in enumerate(p["advisers"]):
            entry.advisers.append(Adviser(position=i, name=name, user_id=user_id, unit=p["school_name"]))
        db.session.add(entry)
        db.session.flush()
        audit.record(actor, "entry.import", entry, after={"state": EntryState.SUBMITTED, "file": plan.filename})
        created.append(entry)
        outcome.created += 1
    if entry_state == EntryState.ACCEPTED:
        from . import review  # numbers come from the format review's counter, never reused

        for entry in created:
            review.accept(entry.id, actor=actor)
    db.session.flush()


# ------------------------------------------------------------------ credentials sheet


def credentials_workbook(credentials: list[Credential], *, title: str) -> bytes:
    """The initial passwords as an .xlsx for the organizer to hand out (written once, never stored)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "初始密码"
    ws.append([xlsx.safe_text(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["用户名", "初始密码", "姓名", "学校/单位", "手机"])
    for c in credentials:
        ws.append([xlsx.safe_text(v) for v in (c.username, c.password, c.name, c.where, c.phone)])
    ws.append([])
    ws.append(["首次登录后系统会要求修改密码。请妥善保管本表，分发后删除。"])
    for col, width in zip("ABCDE", (18, 14, 12, 30, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    return xlsx.workbook_bytes(wb)


# ------------------------------------------------------------------ keeping the upload


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _stash_root(folder: str | Path) -> Path:
    return Path(folder) / "imports"


def _clean_old(root: Path) -> None:
    limit = time.time() - STASH_HOURS * 3600
    for child in root.glob("*"):
        try:
            if child.stat().st_mtime < limit:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


def stash_upload(folder: str | Path, *, user_id: int, kind: str, filename: str, data: bytes,
                 contest_id: int | None = None) -> str:
    """Keep an uploaded file until the organizer confirms; returns its token."""
    root = _stash_root(folder)
    root.mkdir(parents=True, exist_ok=True)
    _clean_old(root)
    token = secrets.token_urlsafe(24)
    target = root / token
    target.mkdir(mode=0o700)
    (target / "upload.bin").write_bytes(data)
    meta = {"user_id": user_id, "kind": kind, "filename": filename[:200], "contest_id": contest_id,
            "created": time.time()}
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def _read_meta(folder: str | Path, token: str, user_id: int) -> dict | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        meta = json.loads((_stash_root(folder) / token / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    since = (meta.get("finished") or {}).get("at") or meta.get("created", 0)
    if meta.get("user_id") != user_id or time.time() - since > STASH_HOURS * 3600:
        return None
    return meta


def load_stash(folder: str | Path, token: str, *, user_id: int) -> tuple[dict, bytes] | None:
    """The kept upload for `token` if it belongs to `user_id`, has not expired and is still waiting
    for confirmation (None once it was confirmed or cancelled: see `finished_import`)."""
    meta = _read_meta(folder, token, user_id)
    if meta is None or meta.get("finished"):
        return None
    try:
        return meta, (_stash_root(folder) / token / "upload.bin").read_bytes()
    except OSError:
        return None


def drop_stash(folder: str | Path, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        shutil.rmtree(_stash_root(folder) / token, ignore_errors=True)


def outcome_summary(outcome: Outcome) -> dict:
    """What `finish_stash` keeps of a confirmed import: counts only, never names or passwords."""
    return {"state": "confirmed", "created": outcome.created, "updated": outcome.updated,
            "unchanged": outcome.unchanged, "credentials": len(outcome.credentials)}


def finish_stash(folder: str | Path, token: str, summary: dict, *, credentials: bytes | None = None) -> dict | None:
    """The import of `token` was confirmed (`outcome_summary`) or cancelled ({"state": "cancelled"}):
    the upload is dropped and the summary kept in the meta data (with the passwords workbook, when
    there is one, until its one download). Returns the meta data as `finished_import` would."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    target = _stash_root(folder) / token
    try:
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    (target / "upload.bin").unlink(missing_ok=True)
    if credentials is not None:
        (target / "credentials.xlsx").write_bytes(credentials)
    meta["finished"] = {**summary, "at": time.time()}
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return meta


def finished_import(folder: str | Path, token: str, *, user_id: int) -> dict | None:
    """The meta data of a confirmed or cancelled import of `user_id` (its "finished" entry holds the
    state, the counts and the time), or None when `token` is still waiting, unknown or expired."""
    meta = _read_meta(folder, token, user_id)
    return meta if meta is not None and meta.get("finished") else None


def has_credentials(folder: str | Path, token: str, *, user_id: int) -> bool:
    if _read_meta(folder, token, user_id) is None:
        return False
    return (_stash_root(folder) / token / "credentials.xlsx").exists()


def take_credentials(folder: str | Path, token: str, *, user_id: int) -> bytes | None:
    """The passwords workbook, deleted as it is handed over (a second download gets nothing; the
    note of the finished import stays)."""
    if _read_meta(folder, token, user_id) is None:
        return None
    path = _stash_root(folder) / token / "credentials.xlsx"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return data


def guess_kind(data: bytes, filename: str, kinds=KINDS) -> str:
    """The kind whose columns the sheet matches best (for the command line, where no form asks).

    When a kind that fails (a required column missing) matched more columns than the best readable
    one, its error is raised instead of guessing: a 辅导员 list with 学校名 is not imported as reviewers.
    """
    try:
        matches = header_matches(data, filename, {k: COLUMNS[k] for k in kinds})
    except SheetError as exc:  # not a readable table at all (damaged, a PDF, a zip bomb ...)
        raise ServiceError(_sentences(translate(m) for m in [exc.message, *exc.hints]), "file") from None
    scores, errors = {}, {}
    for kind, (matched, exc) in matches.items():
        if exc is None:
            scores[kind] = matched
        else:
            errors[kind] = exc
    rival = max(errors, key=lambda k: (errors[k].matched, -kinds.index(k))) if errors else None
    best = max(scores, key=lambda k: (scores[k], -kinds.index(k))) if scores else None
    if best is None or (rival and errors[rival].matched > scores[best]):
        # a 辅导员 list with 学校名 for 学校名称 matches teachers better than reviewers: say what to rename
        exc = errors[rival]
        raise ServiceError(_sentences(translate(m) for m in [exc.message, *exc.hints]), "file")
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
