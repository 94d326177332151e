"""Who gets which certificate (获奖证书), its number, and how its text is laid out.

Pure module: plain dataclasses in, plain data out; the service loads rows and stores the result.

* **Recipients.**  For every awarded entry (award after overrides and withdrawal): one
  certificate per team member (setting ``per_team_member``, default on; off gives one team
  certificate listing every member), one per adviser (setting ``advisers``), and, when the
  setting ``schools`` is ``true`` / ``"school"`` or ``"district"``, one 优秀组织单位 certificate
  for every school (or district) with at least ``unit_min_awards`` (default 3) awarded entries.
  Entries in a group's name (实践活动) get one certificate for the group; counselor projects
  (科技辅导员) without student rows go to the teacher who entered them.
* **Stable keys.**  Each certificate is keyed by its recipient (``student:<id>``,
  ``adviser:<id>``, ``team:<entry id>``, ``group:<entry id>``, ``author:<entry id>``,
  ``school:<id>``, ``district:<id>``).  Regenerating finds the certificate again by this key, so
  its number never changes; a correction only bumps its revision.
* **Numbers.**  From the contest's ``number_pattern`` (default ``{year}-{contest}-{section}-{seq:04d}``)
  via :mod:`competition.domain.numbering`.  ``seq`` counts within a *scope*: the values of the
  pattern's other fields (so XS and FD each start at 0001 when the pattern shows the section, and
  one counter serves the whole contest when it does not).  A number once given (even revoked) is
  never given again.  New certificates are numbered in print order: section, award level, stage,
  entry, member position.
* **Layout rules.**  :func:`fit_step` picks a smaller type size for long titles, names and
  school names so they stay inside their box (and wrap only as a last resort).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .characters import identity, printable, text_width
from .numbering import format_number

KINDS = ("student", "team", "group", "author", "adviser", "school", "district")
UNIT_SECTION_CODE = "DW"  # the {section} of 优秀组织单位 certificates (单位)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    gender: str | None = None
    grade: str | None = None
    school_name: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class AwardedEntry:
    entry_id: int
    award: str
    title: str
    section_code: str
    section_name: str
    school_id: int
    school_name: str
    section_kind: str = "student"
    section_order: int = 0
    award_order: int = 0  # 0 for the highest level
    stage: str | None = None
    subject: str | None = None
    district_id: int | None = None
    district_name: str | None = None
    students: tuple[Person, ...] = ()
    advisers: tuple[Person, ...] = ()
    group_name: str | None = None
    author_name: str | None = None  # counselor projects entered without student rows
    entry_number: str | None = None


@dataclass(frozen=True)
class Options:
    per_team_member: bool = True
    advisers: bool = True
    units: str | None = None  # None, "school" or "district"
    unit_min_awards: int = 3

    @classmethod
    def from_setting(cls, setting: Mapping[str, Any] | None) -> Options:
        setting = setting or {}
        units = setting.get("schools", False)
        if units is True:
            units = "school"
        elif units not in ("school", "district"):
            units = None
        return cls(
            per_team_member=bool(setting.get("per_team_member", True)),
            advisers=bool(setting.get("advisers", True)),
            units=units,
            unit_min_awards=int(setting.get("unit_min_awards", 3) or 1),
        )


@dataclass
class Planned:
    """One certificate to issue; `data` is what gets printed (stored with the certificate)."""

    kind: str
    recipient_key: str
    entry_id: int | None
    section_code: str
    stage: str | None
    sort_key: tuple[int | str, ...]
    data: dict[str, object] = field(default_factory=dict)


def _entry_data(e: AwardedEntry) -> dict[str, object]:
    return {
        "title": e.title,
        "award": e.award,
        "section": e.section_name,
        "stage": e.stage or "",
        "subject": e.subject or "",
        "school": e.school_name,
        "advisers": [a.name for a in e.advisers],
        "entry_number": e.entry_number or "",
    }


def plan(entries: Iterable[AwardedEntry], options: Options) -> list[Planned]:
    """Every certificate the awarded entries call for, in print order."""
    out: list[Planned] = []
    awarded: list[AwardedEntry] = [e for e in entries if e.award]
    for e in awarded:
        out.extend(_entry_certificates(e, options))
    if options.units:
        out.extend(_unit_certificates(awarded, options))
    out.sort(key=lambda p: p.sort_key)
    return out


def _entry_certificates(e: AwardedEntry, options: Options) -> list[Planned]:
    """The certificates of one awarded entry: its students (or team, group, author) and advisers."""
    out: list[Planned] = []
    base = (e.section_order, e.section_code, e.award_order, e.stage or "", e.entry_number or "", e.entry_id)
    common = _entry_data(e)

    def add(kind: str, key: str, pos: int, **data: object) -> None:
        out.append(
            Planned(kind, key, e.entry_id, e.section_code, e.stage, base + (pos,), {**common, "kind": kind, **data})
        )

    if e.group_name and not e.students:
        add("group", f"group:{e.entry_id}", 0, name=e.group_name)
    elif not e.students:
        if e.author_name:
            add("author", f"author:{e.entry_id}", 0, name=e.author_name)
    elif options.per_team_member or len(e.students) == 1:
        for i, s in enumerate(e.students):
            add(
                "student", f"student:{s.id}", i, name=s.name, school=s.school_name or e.school_name, grade=s.grade or ""
            )
    else:
        add(
            "team",
            f"team:{e.entry_id}",
            0,
            name="、".join(s.name for s in e.students),
            members=[s.name for s in e.students],
        )
    if options.advisers:
        for i, a in enumerate(e.advisers):
            add(
                "adviser",
                f"adviser:{a.id}",
                100 + i,
                name=a.name,
                school=a.unit or e.school_name,
                members=[s.name for s in e.students] or ([e.group_name] if e.group_name else []),
            )
    return out


def _unit_certificates(awarded: Sequence[AwardedEntry], options: Options) -> list[Planned]:
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    for e in awarded:
        if options.units == "district":
            if e.district_id is None:
                continue
            uid, name = e.district_id, e.district_name or ""
        else:
            uid, name = e.school_id, e.school_name
        counts[uid] = counts.get(uid, 0) + 1
        names[uid] = name
    kind = "district" if options.units == "district" else "school"
    return [
        Planned(
            kind,
            f"{kind}:{uid}",
            None,
            UNIT_SECTION_CODE,
            None,
            (10**6, names[uid], uid),
            {
                "kind": kind,
                "name": names[uid],
                "school": names[uid],
                "award": "优秀组织单位",
                "awarded_entries": counts[uid],
            },
        )
        for uid in sorted(counts, key=lambda u: (-counts[u], names[u]))
        if counts[uid] >= options.unit_min_awards
    ]


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    number: str
    seq: int
    scope: str
    revoked: bool = False


@dataclass(frozen=True)
class Numbered:
    planned: Planned
    number: str
    seq: int
    scope: str
    is_new: bool


def pattern_fields(pattern: str) -> list[str]:
    return [n for _l, n, _s, _c in string.Formatter().parse(pattern) if n]


def number_scope(pattern: str, fields: Mapping[str, object]) -> str:
    """The counter a number draws from: the pattern's fields other than seq."""
    return "|".join(f"{n}={fields.get(n) or ''}" for n in pattern_fields(pattern) if n != "seq")


def assign_numbers(
    planned: Sequence[Planned],
    existing: Mapping[str, Existing],
    pattern: str,
    *,
    year: int,
    contest: str,
    taken: Iterable[Existing] = (),
) -> list[Numbered]:
    """Keep the number of every recipient that already has a valid certificate; number the rest.

    `existing` maps recipient keys to their current (latest) certificate; `taken` lists every
    certificate ever numbered in the contest (revoked too): their numbers and seqs stay taken.
    """
    high: dict[str, int] = {}
    used_numbers: set[str] = set()
    for ex in list(taken) + list(existing.values()):
        high[ex.scope] = max(high.get(ex.scope, 0), ex.seq)
        used_numbers.add(ex.number)
    out: list[Numbered] = []
    for p in planned:
        current = existing.get(p.recipient_key)
        if current is not None and not current.revoked:
            out.append(Numbered(p, current.number, current.seq, current.scope, False))
            continue
        fields = {"year": year, "contest": contest, "section": p.section_code, "stage": p.stage or "", "kind": p.kind}
        scope = number_scope(pattern, fields)
        seq = high.get(scope, 0) + 1
        number = format_number(pattern, seq=seq, **fields)
        while number in used_numbers:  # e.g. the pattern changed between two runs
            seq += 1
            number = format_number(pattern, seq=seq, **fields)
        high[scope] = seq
        used_numbers.add(number)
        out.append(Numbered(p, number, seq, scope, True))
    return out


PRINTED_FIELDS = (
    "kind",
    "name",
    "school",
    "grade",
    "title",
    "award",
    "section",
    "stage",
    "subject",
    "advisers",
    "members",
)


def printed_changes(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, tuple[object, object]]:
    """Printed fields that differ (old, new): a non-empty result means a new revision."""
    return {k: (old.get(k), new.get(k)) for k in PRINTED_FIELDS if (old.get(k) or None) != (new.get(k) or None)}


# --- Chinese dates and numerals ------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"
_SMALL = "零一二三四五六七八九"


def chinese_date(d: date) -> str:
    """二〇二三年五月二十日: years digit by digit, months and days as numbers."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{chinese_number(d.month)}月{chinese_number(d.day)}日"


def chinese_number(n: int) -> str:
    """1..999 as written in running text: 十, 二十, 三十九, 一百零五."""
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    parts = []
    if hundreds:
        parts.append(_SMALL[hundreds] + "百")
        if tens == 0 and ones:
            parts.append("零")
    if tens:
        parts.append(("" if tens == 1 and not hundreds else _SMALL[tens]) + "十")
    if ones:
        parts.append(_SMALL[ones])
    return "".join(parts)


def contest_heading(full_name: str, edition: int | None) -> str:
    """The contest as printed: its full name, with 第N届 put in front when the name lacks it."""
    if not edition or re.search(r"第[〇零一二三四五六七八九十百\d]+届", full_name):
        return full_name
    return f"第{chinese_number(edition)}届{full_name}"


# --- fitting text into its box -------------------------------------------------------------


def fit_step(text: str, *, em_per_line: float, max_lines: int, scales: Sequence[float]) -> int:
    """The first of `scales` (largest first) at which `text` fits in `max_lines` lines of
    `em_per_line` em (measured at scale 1); the last scale (wrapping further) when none does."""
    width = text_width(text)
    for i, scale in enumerate(scales):
        if math.ceil(width * scale / em_per_line - 1e-9) <= max_lines:
            return i
    return len(scales) - 1


# --- file names ----------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(number: str, name: str, award: str) -> str:
    """`<number>_<name>_<award>.pdf`, safe on Windows and in zip files: no control, line
    break, noncharacter, invisible or direction mark (old stored names may hold them)."""
    parts = [_UNSAFE.sub("-", identity(printable(p, multiline=False))).strip(" .") for p in (number, name, award)]
    parts[1] = parts[1][:40].strip(" .")
    return "_".join(p for p in parts if p) + ".pdf"
