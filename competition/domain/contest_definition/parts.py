"""A contest's sections (with their materials) and rounds (with their rubrics and criteria), read and checked."""

from __future__ import annotations

from ..application_fields import normalize_required
from ..eligibility.subjects import edition_list
from ..text import N_
from .reader import Reader
from .schema import (
    FILE_KINDS,
    SECTION_KINDS,
    STAGES,
    TEAM_KINDS,
    CriterionDef,
    Data,
    MaterialDef,
    RoundDef,
    RubricDef,
    SectionDef,
)


def read_section(r: Reader, raw: Data | None, where: str, seen: set[str], year: int | None = None) -> SectionDef:
    """``year``: the contest's, which picks the subject list of its edition (`subjects_by_edition`)."""
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
    subjects, edition = _subjects(r, raw, where, year)
    max_team_size = r.number(raw, "max_team_size", where, default=3, low=1, high=20)
    # Teams by default where the rules have them (students, films, inventions) or where the
    # definition gives a team size; a section says `team: false` to refuse them.
    team_default = kind in TEAM_KINDS or ("max_team_size" in raw and (max_team_size or 1) > 1)
    section = SectionDef(
        code=code,
        name=r.text(raw, "name", where, max_len=80) or "",
        kind=kind,
        stages=stages,
        subjects=subjects,
        subjects_edition=edition,
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
    required, unknown = normalize_required(raw.get("required_fields"))
    for code in unknown:
        r.problem(f"{where}.required_fields", N_("unknown application form field %(code)s"), code=code)
    section.required_fields = list(required)
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
                max_duration_seconds=r.number(m, "max_duration_seconds", mwhere, low=1, high=36000),
                application_form=r.flag(m, "application_form", mwhere, False),
                description=r.text(m, "description", mwhere, required=False, max_len=2000),
            )
        )
    return section


def _stage_lists(r: Reader, value: object, where: str) -> dict[str, list[str]]:
    """A list for every stage ({小学: [...], ...}), or one list for all ("*")."""
    if isinstance(value, list):
        value = {"*": value}
    if not isinstance(value, dict):
        r.problem(where, N_("write the subjects per stage, e.g. {小学: [物质科学, 技术]}"))
        return {}
    out: dict[str, list[str]] = {}
    for stage, names in value.items():
        if not isinstance(names, list):
            r.problem(f"{where}.{stage}", N_("write the subjects of a stage as a list"))
            continue
        out[str(stage)] = [str(s) for s in names]
    return out


def _subjects(r: Reader, raw: Data, where: str, year: int | None) -> tuple[dict[str, list[str]], int | None]:
    """The section's subject lists: `subjects`, or the list of the contest's edition from
    `subjects_by_edition` (the newest that took effect by the contest's year) with that year."""
    by_edition = raw.get("subjects_by_edition")
    if by_edition is None:
        return _stage_lists(r, raw.get("subjects") or {}, f"{where}.subjects"), None
    bwhere = f"{where}.subjects_by_edition"
    if raw.get("subjects"):
        r.problem(bwhere, N_("give subjects or subjects_by_edition, not both"))
    if not isinstance(by_edition, dict) or not by_edition:
        r.problem(bwhere, N_("write one subject list per year, e.g. {2022: {...}, 2024: {...}}"))
        return {}, None
    lists: dict[int, object] = {}
    for key, value in by_edition.items():
        if isinstance(key, bool) or not isinstance(key, int) or not 2000 <= key <= 2100:
            r.problem(bwhere, N_("%(key)s is not a year (write e.g. 2024)"), key=key)
            continue
        lists[key] = value
    if year is None or not lists:
        return {}, None
    chosen = edition_list(lists, year)
    if chosen is None:
        r.problem(
            bwhere,
            N_("no subject list took effect by %(year)s (the first is of %(first)s)"),
            year=year,
            first=min(lists),
        )
        return {}, None
    first_year, value = chosen
    return _stage_lists(r, value, f"{bwhere}.{first_year}"), first_year


def read_round(r: Reader, raw: Data | None, where: str, section_codes: set[str]) -> RoundDef:
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
