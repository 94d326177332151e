"""A contest's definition as a file: the shipped templates, a new contest from one, the definition as
YAML, its problems, and updating a contest from an edited definition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _

from ...domain.contest_definition import ContestDefinition
from ...i18n.timeutil import utc_to_local
from ...models import Contest, Criterion, User
from .. import ServiceError, write_guard
from .creation import _parse, load_definition_text, save_definition
from .reads import round_has_scores

SHIPPED = Path(__file__).resolve().parent.parent.parent / "contests"


def shipped_definitions() -> dict[str, str]:
    """The definitions shipped in competition/contests/: file stem -> YAML text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))}


def create_from_template(template: str, basics: dict[str, Any], *, actor: User | None = None) -> Contest:
    """A new contest from a shipped definition, with the basic fields the organizer typed.

    `basics` holds code, name, full_name, year, edition, kind, blind_judging, judges_per_entry,
    ranking_method and the four windows (naive Beijing datetimes or None).
    """
    texts = shipped_definitions()
    if template not in texts:
        raise ServiceError(_("Choose one of the shipped contest definitions as a starting point."), "template")
    data = yaml.safe_load(texts[template])
    windows = data.setdefault("windows", {})
    for key in ("submission_opens", "submission_closes", "judging_opens", "judging_closes"):
        windows[key] = basics.pop(key, None)
    data.update({k: v for k, v in basics.items()})
    return save_definition(_parse(data), actor=actor)


def definition_problems(text: str) -> list[str]:
    """Every problem of a YAML definition, translated; empty when it would load."""
    try:
        load_definition_text(text)
    except ServiceError as exc:
        return exc.message.split("\n")
    return []


def definition_data(contest: Contest) -> dict[str, Any]:
    """The contest as the plain data of a definition file (windows in Beijing time)."""

    def when(value: datetime | None) -> str | None:
        local = utc_to_local(value)
        return local.strftime("%Y-%m-%d %H:%M") if local else None

    data: dict[str, Any] = {
        "code": contest.code,
        "name": contest.name,
        "full_name": contest.full_name,
        "year": contest.year,
        "edition": contest.edition,
        "kind": contest.kind,
        "description": contest.description,
        "windows": {
            "submission_opens": when(contest.submission_opens_at),
            "submission_closes": when(contest.submission_closes_at),
            "judging_opens": when(contest.judging_opens_at),
            "judging_closes": when(contest.judging_closes_at),
        },
        "blind_judging": contest.blind_judging,
        "judges_per_entry": contest.judges_per_entry,
        "ranking_method": contest.ranking_method,
        "settings": dict(contest.settings or {}),
        "sections": [],
        "rounds": [],
    }
    data["windows"] = {k: v for k, v in data["windows"].items() if v}
    codes: dict[int | None, str] = {}
    for s in contest.sections:
        codes[s.id] = s.code
        section: dict[str, Any] = {
            "code": s.code,
            "name": s.name,
            "kind": s.kind,
            "stages": list(s.stages or []),
            "subjects": dict(s.subjects or {}),
            "individual": s.individual_allowed,
            "team": s.team_allowed,
            "max_team_size": s.max_team_size,
            "max_advisers": s.max_advisers,
            "advisers": s.advisers_allowed,
            "group_entry": s.group_entry,
            "age_min": s.age_min,
            "age_max": s.age_max,
            "description": s.description,
            "required_fields": list(s.required_fields or []),
            "materials": [],
        }
        for m in s.materials:
            section["materials"].append(
                {
                    "code": m.code,
                    "name": m.name,
                    "kinds": list(m.file_kinds or []),
                    "required": m.required,
                    "max_size_mb": m.max_size_mb,
                    "max_files": m.max_files,
                    "max_duration_seconds": m.max_duration_seconds,
                    "application_form": m.is_application_form,
                    "description": m.description,
                }
            )
        data["sections"].append(section)
    for r in contest.rounds:
        rnd: dict[str, Any] = {
            "number": r.number,
            "name": r.name,
            "weight": r.weight,
            "judges_per_entry": r.judges_per_entry,
            "rubrics": [],
        }
        for rub in sorted(r.rubrics, key=lambda x: (x.section_id is None, x.section_id or 0)):
            rnd["rubrics"].append(
                {
                    "section": codes.get(rub.section_id, "*"),
                    "name": rub.name,
                    "criteria": [
                        {
                            "code": c.code,
                            "name": c.name,
                            "max": c.max_score,
                            "weight": c.weight,
                            "descriptors": c.descriptors,
                        }
                        for c in rub.criteria
                    ],
                }
            )
        data["rounds"].append(rnd)
    return _drop_empty(data)


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def definition_yaml(contest: Contest) -> str:
    return yaml.safe_dump(definition_data(contest), allow_unicode=True, sort_keys=False, width=120)


def _rubric_signature(rubrics: Iterable[tuple[str | None, Sequence[Criterion]]]) -> list[Any]:
    return sorted(
        (section or "*", tuple((c.code, c.name, float(c.max_score), float(c.weight)) for c in criteria))
        for section, criteria in rubrics
    )


def update_from_definition(contest: Contest, defn: ContestDefinition, *, actor: User | None = None) -> Contest:
    """Bring a contest in line with an edited definition; refuses rubric changes once scored."""
    write_guard.check(contest, "contest_rules")
    if defn.code != contest.code:
        raise ServiceError(
            _(
                "The code in the definition (%(new)s) differs from this contest's code (%(old)s). "
                "Import it as a new contest instead.",
                new=defn.code,
                old=contest.code,
            )
        )
    codes: dict[int | None, str] = {s.id: s.code for s in contest.sections}
    for rnd in contest.rounds:
        new = next((r for r in defn.rounds if r.number == rnd.number), None)
        if new is None or not round_has_scores(rnd):
            continue
        old_sig = _rubric_signature((codes.get(rub.section_id), rub.criteria) for rub in rnd.rubrics)
        new_sig = _rubric_signature(
            (
                rub.section,
                [Criterion(code=c.code, name=c.name, max_score=c.max_score, weight=c.weight) for c in rub.criteria],
            )
            for rub in new.rubrics
        )
        if old_sig != new_sig:
            raise ServiceError(
                _(
                    "Round %(n)s already has scores, so its rubric can no longer change. Nothing was saved.",
                    n=rnd.number,
                )
            )
    return save_definition(defn, actor=actor, update=True)
