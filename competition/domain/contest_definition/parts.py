"""A contest's sections (with their materials) and rounds (with their rubrics and criteria), read and checked."""

from __future__ import annotations

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


def read_section(r: Reader, raw: Data | None, where: str, seen: set[str]) -> SectionDef:
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
                max_duration_seconds=r.number(m, "max_duration_seconds", mwhere, low=1, high=36000),
                application_form=r.flag(m, "application_form", mwhere, False),
                description=r.text(m, "description", mwhere, required=False, max_len=2000),
            )
        )
    return section


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
