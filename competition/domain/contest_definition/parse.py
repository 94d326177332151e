"""`parse_definition`: the whole definition read, and the checks that span it (windows, award shares,
number patterns, unique round numbers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..certificates import KINDS as CERTIFICATE_KINDS
from ..file_names import pattern_problem as file_pattern_problem
from ..numbering import pattern_error
from ..text import N_, Message
from .parts import read_round, read_section
from .reader import Reader, child, refuse_illegal
from .schema import METHODS, SECTION_KINDS, STAGES, ContestDefinition, Data, DefinitionError


def number_values(year: int, code: str, section_codes: Sequence[str]) -> dict[str, list[object]]:
    """What a number pattern's fields can hold in this contest (see numbering.longest_number)."""
    return {
        "year": [year],
        "contest": [code],
        "section": list(section_codes) or [""],
        "stage": ["", *STAGES],
        "kind": [*SECTION_KINDS, *CERTIFICATE_KINDS],
    }


# The eligibility rules a definition may turn off (each on by default, as the national rules say).
FLAG_SETTINGS = (
    "vocational_own_stage",
    "team_same_district",
    "one_entry_per_student",
    "team_fixed_once_submitted",
    "one_counselor_entry_per_teacher",
)


def parse_definition(data: Data, number_limits: Mapping[str, int] | None = None) -> ContestDefinition:
    """``number_limits``: the longest number each *number_pattern setting may produce (the
    database column's length)."""
    r = Reader()
    if not isinstance(data, dict):
        raise DefinitionError([Message(N_("The contest definition must be a mapping of fields."))])
    for key, value in data.items():
        refuse_illegal(r, value, child(r, None, key, value))
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
        definition.sections.append(read_section(r, raw, f"sections[{i}]", seen_codes, definition.year or None))
    if not definition.sections:
        r.problem("contest.sections", N_("a contest needs at least one section"))
    _check_number_patterns(r, definition, number_limits or {})
    for i, raw in enumerate(data.get("rounds") or []):
        definition.rounds.append(read_round(r, raw, f"rounds[{i}]", seen_codes))
    numbers = [rd.number for rd in definition.rounds]
    if len(numbers) != len(set(numbers)):
        r.problem("rounds", N_("round numbers must be unique"))
    if r.problems:
        raise DefinitionError(r.problems)
    return definition


def _check_contest(r: Reader, data: Data, definition: ContestDefinition) -> None:
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
    for key in FLAG_SETTINGS:
        if key in definition.settings and not isinstance(definition.settings[key], bool):
            r.problem(f"settings.{key}", N_("must be true or false"))
    levels = definition.settings.get("award_levels")
    if levels is not None:
        try:
            total = sum(float(share) for _name, share in levels)
            if total > 1:
                r.problem("settings.award_levels", N_("the award shares add up to more than 100%%"))
        except (TypeError, ValueError):
            r.problem("settings.award_levels", N_("write each level as [name, share], e.g. [一等奖, 0.1]"))


def _check_number_patterns(r: Reader, definition: ContestDefinition, number_limits: Mapping[str, int]) -> None:
    """Both number patterns format, and their longest numbers fit their columns; the file name
    pattern of the materials uses only its fields."""
    values = number_values(definition.year, definition.code, [sd.code for sd in definition.sections])
    for key in ("number_pattern", "entry_number_pattern"):
        pattern = definition.settings.get(key)
        if pattern is not None:
            err = pattern_error(str(pattern), values=values, setting=key, limit=number_limits.get(key))
            if err:
                r.problems.append(Message(err.template, err.params, where=f"settings.{key}"))
    pattern = definition.settings.get("material_file_pattern")
    if pattern is not None:
        err = file_pattern_problem(str(pattern))
        if err:
            r.problems.append(Message(err.template, err.params, where="settings.material_file_pattern"))
