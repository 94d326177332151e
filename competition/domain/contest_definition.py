"""A contest's full definition as plain data (the YAML that `import-contest` loads), validated.

`parse_definition(dict)` returns a `ContestDefinition` or raises `DefinitionError` with every
problem found, each naming where it is (e.g. "sections[1].materials[0]").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, overload

from .certificates import KINDS as CERTIFICATE_KINDS
from .characters import describe, first_illegal, printable
from .numbering import pattern_error
from .text import N_, Message

STAGES = ("小学", "初中", "高中")
SECTION_KINDS = ("student", "counselor", "practice", "painting", "invention", "film", "other")
TEAM_KINDS = ("student", "invention", "film")  # sections that take team entries unless they say otherwise
# A mapping read from YAML: its values can be anything until they are checked.
Data = Mapping[str, Any]
FILE_KINDS = ("pdf", "jpg", "png", "mp4", "docx", "xlsx", "zip")
METHODS = ("calibrated", "mean", "trimmed_mean", "zscore")


class DefinitionError(ValueError):
    def __init__(self, problems: list[Message]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class MaterialDef:
    code: str
    name: str
    file_kinds: list[str]
    required: bool = True
    max_size_mb: int = 50
    max_files: int = 1
    application_form: bool = False
    description: str | None = None


@dataclass
class SectionDef:
    code: str
    name: str
    kind: str
    stages: list[str]
    subjects: dict[str, list[str]]
    individual_allowed: bool = True
    team_allowed: bool = True
    max_team_size: int = 3
    max_advisers: int = 2
    advisers_allowed: bool = True
    group_entry: bool = False
    age_min: int | None = None
    age_max: int | None = None
    description: str | None = None
    materials: list[MaterialDef] = field(default_factory=list)


@dataclass
class CriterionDef:
    code: str
    name: str
    max_score: float
    weight: float = 1.0
    descriptors: str | None = None


@dataclass
class RubricDef:
    section: str | None  # a section code, or None for every section
    name: str
    criteria: list[CriterionDef]


@dataclass
class RoundDef:
    number: int
    name: str
    weight: float = 1.0
    judges_per_entry: int | None = None
    rubrics: list[RubricDef] = field(default_factory=list)


@dataclass
class ContestDefinition:
    code: str
    name: str
    full_name: str
    year: int
    kind: str
    edition: int | None = None
    description: str | None = None
    submission_opens_at: datetime | None = None  # local time (Asia/Shanghai), naive
    submission_closes_at: datetime | None = None
    judging_opens_at: datetime | None = None
    judging_closes_at: datetime | None = None
    blind_judging: bool = True
    judges_per_entry: int = 5
    ranking_method: str = "calibrated"
    settings: dict[str, Any] = field(default_factory=dict)
    sections: list[SectionDef] = field(default_factory=list)
    rounds: list[RoundDef] = field(default_factory=list)


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Message] = []

    def problem(self, where: str, template: str, **params: object) -> None:
        self.problems.append(Message(template, params, where=where))

    def text(self, data: Data, key: str, where: str, required: bool = True, max_len: int = 200) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(f"{where}.{key}", N_("this field is required"))
            return None
        value = str(value).strip()
        if len(value) > max_len:
            self.problem(f"{where}.{key}", N_("longer than %(n)d characters"), n=max_len)
        return value

    def _number(
        self, data: Data, key: str, where: str, whole: bool, low: float | None, high: float | None
    ) -> float | None:
        """The number at ``key``, or None when it is missing (or null) or not a number."""
        value = data.get(key)
        if value is None:
            return None
        # YAML's .inf and .nan are floats: int() of them raises
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(f"{where}.{key}", N_("must be a number"))
            return None
        if whole and value != int(value):
            self.problem(f"{where}.{key}", N_("must be a whole number"))
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(f"{where}.{key}", N_("must be between %(low)s and %(high)s"), low=low, high=high)
        return value

    # A null in the YAML means "the default", as a missing key does (not None where a number is needed).
    @overload
    def number(
        self, data: Data, key: str, where: str, *, default: int, low: float | None = None, high: float | None = None
    ) -> int: ...
    @overload
    def number(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> int | None: ...
    def number(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: int | None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> int | None:
        """A whole number."""
        value = self._number(data, key, where, True, low, high)
        return default if value is None else int(value)

    @overload
    def real(
        self, data: Data, key: str, where: str, *, default: float, low: float | None = None, high: float | None = None
    ) -> float: ...
    @overload
    def real(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None: ...
    def real(
        self,
        data: Data,
        key: str,
        where: str,
        *,
        default: float | None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        """A number that may have decimals."""
        value = self._number(data, key, where, False, low, high)
        return default if value is None else float(value)

    def flag(self, data: Data, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"{where}.{key}", N_("must be true or false"))
            return default
        return value

    def when(self, data: Data, key: str, where: str) -> datetime | None:
        value = data.get(key)
        if value is None or isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(f"{where}.{key}", N_("is not a date and time like 2026-04-15 17:00"))
            return None


def number_values(year: int, code: str, section_codes: Sequence[str]) -> dict[str, list[object]]:
    """What a number pattern's fields can hold in this contest (see numbering.longest_number)."""
    return {
        "year": [year],
        "contest": [code],
        "section": list(section_codes) or [""],
        "stage": ["", *STAGES],
        "kind": [*SECTION_KINDS, *CERTIFICATE_KINDS],
    }


def parse_definition(data: Data, number_limits: Mapping[str, int] | None = None) -> ContestDefinition:
    """``number_limits``: the longest number each *number_pattern setting may produce (the
    database column's length)."""
    r = _Reader()
    if not isinstance(data, dict):
        raise DefinitionError([Message(N_("The contest definition must be a mapping of fields."))])
    for key, value in data.items():
        _refuse_illegal(r, value, _child(r, None, key, value))
    where = "contest"
    code = r.text(data, "code", where, max_len=40)
    if code and not all(ch.isalnum() or ch in "-_" for ch in code):
        r.problem("contest.code", N_("use only letters, digits, - and _"))
    kind = data.get("kind", "innovation")
    if kind not in ("innovation", "invention", "film", "other"):
        r.problem("contest.kind", N_("unknown kind %(kind)s"), kind=kind)
    windows = data.get("windows") or {}
    definition = ContestDefinition(
        code=code or "",
        name=r.text(data, "name", where, max_len=120) or "",
        full_name=r.text(data, "full_name", where, required=False) or (data.get("name") or ""),
        year=r.number(data, "year", where, low=2000, high=2100) or 0,
        kind=kind,
        edition=r.number(data, "edition", where, low=1, high=1000),
        description=r.text(data, "description", where, required=False, max_len=5000),
        submission_opens_at=r.when(windows, "submission_opens", "windows"),
        submission_closes_at=r.when(windows, "submission_closes", "windows"),
        judging_opens_at=r.when(windows, "judging_opens", "windows"),
        judging_closes_at=r.when(windows, "judging_closes", "windows"),
        blind_judging=r.flag(data, "blind_judging", where, True),
        judges_per_entry=r.number(data, "judges_per_entry", where, default=5, low=1, high=30),
        ranking_method=data.get("ranking_method", "calibrated"),
        settings=dict(data.get("settings") or {}),
    )
    _check_contest(r, data, definition)
    seen_codes: set[str] = set()
    for i, raw in enumerate(data.get("sections") or []):
        definition.sections.append(_section(r, raw, f"sections[{i}]", seen_codes))
    if not definition.sections:
        r.problem("contest.sections", N_("a contest needs at least one section"))
    _check_number_patterns(r, definition, number_limits or {})
    for i, raw in enumerate(data.get("rounds") or []):
        definition.rounds.append(_round(r, raw, f"rounds[{i}]", seen_codes))
    numbers = [rd.number for rd in definition.rounds]
    if len(numbers) != len(set(numbers)):
        r.problem("rounds", N_("round numbers must be unique"))
    if r.problems:
        raise DefinitionError(r.problems)
    return definition


def _check_contest(r: _Reader, data: Data, definition: ContestDefinition) -> None:
    """The contest's own fields that need more than their type: year, method, windows, award shares."""
    if data.get("year") is None:
        r.problem("contest.year", N_("this field is required"))
    if definition.ranking_method not in METHODS:
        r.problem("contest.ranking_method", N_("unknown ranking method %(m)s"), m=definition.ranking_method)
    if (
        definition.submission_opens_at
        and definition.submission_closes_at
        and definition.submission_opens_at >= definition.submission_closes_at
    ):
        r.problem("windows", N_("submissions must open before they close"))
    levels = definition.settings.get("award_levels")
    if levels is not None:
        try:
            total = sum(float(share) for _name, share in levels)
            if total > 1:
                r.problem("settings.award_levels", N_("the award shares add up to more than 100%%"))
        except (TypeError, ValueError):
            r.problem("settings.award_levels", N_("write each level as [name, share], e.g. [一等奖, 0.1]"))


def _check_number_patterns(r: _Reader, definition: ContestDefinition, number_limits: Mapping[str, int]) -> None:
    """Both number patterns format, and their longest numbers fit their columns."""
    values = number_values(definition.year, definition.code, [sd.code for sd in definition.sections])
    for key in ("number_pattern", "entry_number_pattern"):
        pattern = definition.settings.get(key)
        if pattern is not None:
            err = pattern_error(str(pattern), values=values, setting=key, limit=number_limits.get(key))
            if err:
                r.problems.append(Message(err.template, err.params, where=f"settings.{key}"))


def _refuse_illegal(r: _Reader, value: object, where: str) -> None:
    """Every text value and key of the tree (YAML escapes like "\\e" or "\\uFFFF" reach here) without
    controls, noncharacters or lone surrogates: names and titles print on certificates."""
    if isinstance(value, str):
        bad = first_illegal(value, multiline=True)
        if bad:
            r.problem(where, N_("contains a character that is not allowed: %(char)s"), char=describe(bad))
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_illegal(r, item, _child(r, where, key, item))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_illegal(r, item, f"{where}[{i}]")


def _child(r: _Reader, where: str | None, key: object, value: object) -> str:
    """The path of ``key`` under ``where`` (top-level fields are "contest.<key>"), its key checked."""
    name = printable(str(key), multiline=False)
    path = f"{where}.{name}" if where else (name if isinstance(value, (dict, list)) else f"contest.{name}")
    bad = first_illegal(key) if isinstance(key, str) else None
    if bad:
        r.problem(path, N_("the key contains a character that is not allowed: %(char)s"), char=describe(bad))
    return path


def _section(r: _Reader, raw: Data | None, where: str, seen: set[str]) -> SectionDef:
    raw = raw or {}
    code = r.text(raw, "code", where, max_len=20) or ""
    if code in seen:
        r.problem(f"{where}.code", N_("section code %(code)s is used twice"), code=code)
    seen.add(code)
    kind = raw.get("kind", "student")
    if kind not in SECTION_KINDS:
        r.problem(f"{where}.kind", N_("unknown section kind %(kind)s"), kind=kind)
    stages = list(raw.get("stages") or STAGES)
    for stage in stages:
        if stage not in STAGES:
            r.problem(f"{where}.stages", N_("unknown stage %(stage)s (use 小学, 初中, 高中)"), stage=stage)
    subjects = raw.get("subjects") or {}
    if isinstance(subjects, list):
        subjects = {"*": subjects}
    max_team_size = r.number(raw, "max_team_size", where, default=3, low=1, high=20)
    # Teams by default where the rules have them (students, films, inventions) or where the
    # definition gives a team size; a section says `team: false` to refuse them.
    team_default = kind in TEAM_KINDS or ("max_team_size" in raw and (max_team_size or 1) > 1)
    section = SectionDef(
        code=code,
        name=r.text(raw, "name", where, max_len=80) or "",
        kind=kind,
        stages=stages,
        subjects={str(k): [str(s) for s in v] for k, v in subjects.items()},
        individual_allowed=r.flag(raw, "individual", where, True),
        team_allowed=r.flag(raw, "team", where, team_default),
        max_team_size=max_team_size,
        max_advisers=r.number(raw, "max_advisers", where, default=2, low=0, high=10),
        advisers_allowed=r.flag(raw, "advisers", where, kind != "counselor"),
        group_entry=r.flag(raw, "group_entry", where, kind == "practice"),
        age_min=r.number(raw, "age_min", where, low=0, high=100),
        age_max=r.number(raw, "age_max", where, low=0, high=100),
        description=r.text(raw, "description", where, required=False, max_len=5000),
    )
    if not section.individual_allowed and not section.team_allowed:
        r.problem(where, N_("allow individual entries, team entries or both"))
    mat_codes: set[str] = set()
    for j, m in enumerate(raw.get("materials") or []):
        m = m or {}
        mwhere = f"{where}.materials[{j}]"
        mcode = r.text(m, "code", mwhere, max_len=30) or ""
        if mcode in mat_codes:
            r.problem(f"{mwhere}.code", N_("material code %(code)s is used twice"), code=mcode)
        mat_codes.add(mcode)
        kinds = [str(k).lower() for k in (m.get("kinds") or ["pdf"])]
        for k in kinds:
            if k not in FILE_KINDS:
                r.problem(f"{mwhere}.kinds", N_("unknown file kind %(kind)s"), kind=k)
        section.materials.append(
            MaterialDef(
                code=mcode,
                name=r.text(m, "name", mwhere, max_len=80) or "",
                file_kinds=kinds,
                required=r.flag(m, "required", mwhere, True),
                max_size_mb=r.number(m, "max_size_mb", mwhere, default=50, low=1, high=2048),
                max_files=r.number(m, "max_files", mwhere, default=1, low=1, high=50),
                application_form=r.flag(m, "application_form", mwhere, False),
                description=r.text(m, "description", mwhere, required=False, max_len=2000),
            )
        )
    return section


def _round(r: _Reader, raw: Data | None, where: str, section_codes: set[str]) -> RoundDef:
    raw = raw or {}
    rd = RoundDef(
        number=r.number(raw, "number", where, low=1, high=10) or 1,
        name=r.text(raw, "name", where, max_len=50) or "",
        weight=r.real(raw, "weight", where, default=1.0, low=0, high=100),
        judges_per_entry=r.number(raw, "judges_per_entry", where, low=1, high=30),
    )
    for i, rub in enumerate(raw.get("rubrics") or []):
        rub = rub or {}
        rwhere = f"{where}.rubrics[{i}]"
        section = rub.get("section")
        if section in (None, "*"):
            section = None
        elif section not in section_codes:
            r.problem(f"{rwhere}.section", N_("no section has the code %(code)s"), code=section)
        criteria: list[CriterionDef] = []
        codes: set[str] = set()
        for j, c in enumerate(rub.get("criteria") or []):
            c = c or {}
            cwhere = f"{rwhere}.criteria[{j}]"
            ccode = r.text(c, "code", cwhere, max_len=30) or ""
            if ccode in codes:
                r.problem(f"{cwhere}.code", N_("criterion code %(code)s is used twice"), code=ccode)
            codes.add(ccode)
            criteria.append(
                CriterionDef(
                    code=ccode,
                    name=r.text(c, "name", cwhere, max_len=50) or "",
                    max_score=r.real(c, "max", cwhere, low=0.5, high=1000) or 0,
                    weight=r.real(c, "weight", cwhere, default=1.0, low=0, high=100),
                    descriptors=r.text(c, "descriptors", cwhere, required=False, max_len=5000),
                )
            )
            if c.get("max") is None:
                r.problem(f"{cwhere}.max", N_("this field is required"))
        if not criteria:
            r.problem(rwhere, N_("a rubric needs at least one criterion"))
        rd.rubrics.append(
            RubricDef(section=section, name=r.text(rub, "name", rwhere, required=False) or rd.name, criteria=criteria)
        )
    if not rd.rubrics:
        r.problem(where, N_("a round needs a rubric"))
    return rd
