"""What a preview is made of (Plan, PlanRow, ...) and the lookups every kind of list shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters.spreadsheets import Table, match_key
from ...domain.school_matching import KnownSchool, SchoolIndex
from ...extensions import db
from ...models import Contest, District, School
from .columns import ColumnNote


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


@dataclass
class StoredSchools:
    """The stored schools: by full name (as `match_key`), by id, and for near names."""

    by_key: dict[str, School]
    by_id: dict[int, School]
    index: SchoolIndex


def stored_schools() -> StoredSchools:
    schools = db.session.scalars(select(School)).all()
    return StoredSchools(
        {match_key(s.name): s for s in schools},
        {s.id: s for s in schools},
        SchoolIndex(KnownSchool(s.id, s.name, s.district_id) for s in schools),
    )


def near_reason(reason: str) -> str:
    return {
        "same": _("the same name without the province, city or district in front"),
        "contained": _("one name contains the other"),
        "sound": _("the names sound the same"),
        "typo": _("the names differ in one or two characters"),
    }[reason]


def districts_by_key() -> dict[str, District]:
    found = {}
    for d in db.session.scalars(select(District)):
        found[match_key(d.name)] = d
        if d.code:
            found.setdefault(match_key(d.code), d)
    return found


def school_of(row: PlanRow, name: str | None, schools: StoredSchools, district_id: int | None = None) -> School | None:
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
            row.notes.append(
                _(
                    "No school is called “%(name)s”; taken as the existing “%(school)s” (%(reason)s).",
                    name=name,
                    school=school.name,
                    reason=near_reason(near[0].reason),
                )
            )
        elif near:
            row.problems.append(
                _(
                    "Unknown school “%(name)s”; it resembles %(names)s: write the full name of the school meant.",
                    name=name,
                    names="、".join(f"“{m.school.name}”" for m in near),
                )
            )
        else:
            row.problems.append(
                _("Unknown school “%(name)s”: import the schools first or correct the name.", name=name)
            )
    return school


def diff(row: PlanRow, obj, values: dict, labels: dict, shown: dict | None = None, keep_empty=True) -> None:
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


def finish(row: PlanRow) -> PlanRow:
    if row.problems:
        row.action = "error"
    return row
