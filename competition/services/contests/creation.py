"""Creating a contest from a full definition, or bringing an existing one in line with it: sections,
materials, rounds and rubrics matched by code or number."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import yaml
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, func, select

from ...domain import characters
from ...domain.contest_definition import ContestDefinition, DefinitionError, SectionDef, parse_definition
from ...domain.states import ContestState
from ...extensions import db
from ...i18n.messages import translate
from ...i18n.timeutil import local_to_utc
from ...models import Certificate, Contest, Criterion, Entry, MaterialRequirement, Round, Rubric, Section, User
from .. import ServiceError, audit
from .reads import get_by_code, round_has_scores


def number_limits() -> dict[str, int]:
    """The length of the column each number pattern fills (a longer number cannot be stored)."""
    return {
        "number_pattern": _length(Certificate.__table__.c.number),
        "entry_number_pattern": _length(Entry.__table__.c.number),
    }


def _length(column: ColumnElement[Any]) -> int:
    """The declared length of a String column (a column's type is typed as any TypeEngine)."""
    kind = column.type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{column} is not a String column with a length")
    return kind.length


def load_definition_text(text: str) -> ContestDefinition:
    """Parse YAML text; every problem is reported in one ServiceError."""
    try:
        data = yaml.safe_load(text)
    except yaml.reader.ReaderError as exc:  # a raw control or noncharacter in the text itself
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        raise ServiceError(
            _(
                "Line %(line)d contains a character that is not allowed: %(char)s",
                line=text[: exc.position].count("\n") + 1,
                char=translate(characters.describe(char)),
            )
        ) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:  # a date like 0000-00-00, [[[[... nested
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise ServiceError(_("The file is not valid YAML (line %(line)s).", line=line)) from None
    try:
        return parse_definition(data, number_limits())
    except DefinitionError as exc:
        raise ServiceError("\n".join(translate(p) for p in exc.problems)) from None


def _parse(data: dict[str, Any]) -> ContestDefinition:
    try:
        return parse_definition(data, number_limits())
    except DefinitionError as exc:
        raise ServiceError("\n".join(translate(p) for p in exc.problems)) from None


def _apply_materials(section: Section, sdef: SectionDef) -> None:
    """The section's materials as the definition lists them, matched by code."""
    materials = {m.code: m for m in section.materials}
    for morder, mdef in enumerate(sdef.materials):
        material = materials.pop(mdef.code, None)
        if material is None:
            material = MaterialRequirement(code=mdef.code)
            section.materials.append(material)
        material.name = mdef.name
        material.file_kinds = list(mdef.file_kinds)
        material.required = mdef.required
        material.max_size_mb = mdef.max_size_mb
        material.max_files = mdef.max_files
        material.max_duration_seconds = mdef.max_duration_seconds
        material.is_application_form = mdef.application_form
        material.description = mdef.description
        material.sort_order = morder
    for stale in materials.values():
        section.materials.remove(stale)


def _apply_sections(contest: Contest, defn: ContestDefinition) -> None:
    """Sections matched by code; one that already has entries is never deleted."""
    sections = {s.code: s for s in contest.sections}
    for order, sdef in enumerate(defn.sections):
        section = sections.pop(sdef.code, None)
        if section is None:
            section = Section(code=sdef.code)
            contest.sections.append(section)
        for name in (
            "name",
            "kind",
            "stages",
            "subjects",
            "individual_allowed",
            "team_allowed",
            "max_team_size",
            "max_advisers",
            "advisers_allowed",
            "group_entry",
            "age_min",
            "age_max",
            "description",
        ):
            setattr(section, name, getattr(sdef, name))
        section.required_fields = list(sdef.required_fields)
        section.sort_order = order
        _apply_materials(section, sdef)
    for stale in sections.values():
        if db.session.scalar(select(func.count()).select_from(Entry).where(Entry.section_id == stale.id)):
            raise ServiceError(_("Section %(code)s already has entries and cannot be removed.", code=stale.code))
        contest.sections.remove(stale)
    db.session.flush()


def _apply_rounds(contest: Contest, defn: ContestDefinition) -> None:
    """Rounds matched by number; a round's rubric is not replaced once a score exists for it."""
    by_code = {s.code: s for s in contest.sections}
    rounds = {r.number: r for r in contest.rounds}
    for rdef in defn.rounds:
        rnd = rounds.pop(rdef.number, None)
        if rnd is None:
            rnd = Round(number=rdef.number)
            contest.rounds.append(rnd)
        rnd.name = rdef.name
        rnd.weight = rdef.weight
        rnd.judges_per_entry = rdef.judges_per_entry
        db.session.flush()
        if round_has_scores(rnd):
            continue  # a rubric is locked once a score exists
        rnd.rubrics.clear()
        db.session.flush()
        for rubdef in rdef.rubrics:
            rubric = Rubric(name=rubdef.name, section_id=by_code[rubdef.section].id if rubdef.section else None)
            for corder, cdef in enumerate(rubdef.criteria):
                rubric.criteria.append(
                    Criterion(
                        code=cdef.code,
                        name=cdef.name,
                        max_score=cdef.max_score,
                        weight=cdef.weight,
                        descriptors=cdef.descriptors,
                        sort_order=corder,
                    )
                )
            rnd.rubrics.append(rubric)
    for stale in rounds.values():
        if round_has_scores(stale):
            raise ServiceError(_("Round %(n)s already has scores and cannot be removed.", n=stale.number))
        contest.rounds.remove(stale)


def save_definition(defn: ContestDefinition, *, actor: User | None = None, update: bool = False) -> Contest:
    """Create the contest, or (update=True) bring an existing one in line with the definition.

    Sections and materials are matched by code. A section that already has entries is never
    deleted, and a round's rubric is not replaced once a score exists for it.
    """
    contest = get_by_code(defn.code)
    if contest is not None and not update:
        raise ServiceError(_("A contest with the code %(code)s already exists.", code=defn.code), "code")
    created = contest is None
    if contest is None:
        contest = Contest(code=defn.code, state=ContestState.DRAFT)
        db.session.add(contest)
    contest.name = defn.name
    contest.full_name = defn.full_name or defn.name
    contest.year = defn.year
    contest.edition = defn.edition
    contest.kind = defn.kind
    contest.description = defn.description
    contest.submission_opens_at = local_to_utc(defn.submission_opens_at)
    contest.submission_closes_at = local_to_utc(defn.submission_closes_at)
    contest.judging_opens_at = local_to_utc(defn.judging_opens_at)
    contest.judging_closes_at = local_to_utc(defn.judging_closes_at)
    contest.blind_judging = defn.blind_judging
    contest.judges_per_entry = defn.judges_per_entry
    contest.ranking_method = defn.ranking_method
    contest.settings = dict(defn.settings)
    editions = {sd.code: sd.subjects_edition for sd in defn.sections if sd.subjects_edition is not None}
    if editions:  # which edition's list each section uses (a section given its list keeps the stored one)
        contest.settings["subject_editions"] = {**(contest.settings.get("subject_editions") or {}), **editions}
    db.session.flush()

    _apply_sections(contest, defn)
    _apply_rounds(contest, defn)
    db.session.flush()
    audit.record(
        actor,
        "contest.create" if created else "contest.update",
        contest,
        after={"code": contest.code, "definition": _jsonable(asdict(defn))},
    )
    return contest


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
