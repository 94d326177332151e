"""Creating and updating contests from a full definition, and moving a contest through its states."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import yaml
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain import characters
from ..domain.contest_definition import ContestDefinition, DefinitionError, number_values, parse_definition
from ..domain.numbering import pattern_error
from ..domain.states import ContestState, contest_transition_error
from ..extensions import db
from ..i18n.messages import translate
from ..i18n.timeutil import local_to_utc, utc_to_local
from ..models import (
    Assignment,
    Certificate,
    Contest,
    Criterion,
    Entry,
    MaterialRequirement,
    Round,
    RoundJudge,
    Rubric,
    ScoreSheet,
    Section,
)
from . import ServiceError, audit, write_guard


def number_limits() -> dict[str, int]:
    """The length of the column each number pattern fills (a longer number cannot be stored)."""
    return {
        "number_pattern": Certificate.__table__.c.number.type.length,
        "entry_number_pattern": Entry.__table__.c.number.type.length,
    }


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


def get_by_code(code: str) -> Contest | None:
    return db.session.scalar(select(Contest).where(Contest.code == code))


def newest_first() -> list[Contest]:
    """Every contest, this year's first, then by code: the order of the organizer's lists."""
    return list(db.session.scalars(select(Contest).order_by(Contest.year.desc(), Contest.code)))


def _apply_materials(section: Section, sdef) -> None:
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


def save_definition(defn: ContestDefinition, *, actor=None, update: bool = False) -> Contest:
    """Create the contest, or (update=True) bring an existing one in line with the definition.

    Sections and materials are matched by code. A section that already has entries is never
    deleted, and a round's rubric is not replaced once a score exists for it.
    """
    contest = get_by_code(defn.code)
    if contest is not None and not update:
        raise ServiceError(_("A contest with the code %(code)s already exists.", code=defn.code), "code")
    created = contest is None
    if created:
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


def round_has_scores(rnd: Round) -> bool:
    if rnd.id is None:
        return False
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(ScoreSheet)
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.round_id == rnd.id)
        )
    )


def change_state(contest: Contest, target: str, *, actor, reason: str | None = None) -> None:
    error = contest_transition_error(contest.state, target)
    if error:
        raise ServiceError(translate(error))
    before = contest.state
    contest.state = target
    db.session.flush()
    audit.record(actor, "contest.state", contest, before={"state": before}, after={"state": target}, reason=reason)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# The organizer's web setup: templates, the definition as YAML, common settings, overview counts.

SHIPPED = Path(__file__).resolve().parent.parent / "contests"
SETTINGS_FORM_KEYS = (
    "award_levels",
    "award_min_scores",
    "excellence_award",
    "nomination_quota",
    "nomination_levels",
    "nomination_stage_shares",
    "nomination_school_cap",
    "nomination_district_cap",
    "number_pattern",
    "entry_number_pattern",
    "notice_days",
    "notice_contact",
    "notice_show_names",
)
# The settings the results are made by: once the results are locked they change no more
# (domain/write_rules.py, "contest_rules"); names, windows and the notice's wording still may.
RESULT_RULE_KEYS = (
    "award_levels",
    "award_min_scores",
    "excellence_award",
    "nomination_quota",
    "nomination_levels",
    "nomination_stage_shares",
    "nomination_school_cap",
    "nomination_district_cap",
    "ranking_method",
    "judges_per_entry",
)


def _rule_changes(contest: Contest, values: dict) -> list[str]:
    """The result rules that `values` would change."""

    def current(key):
        return contest.setting(key) if key in SETTINGS_FORM_KEYS else getattr(contest, key)

    return [
        k for k in RESULT_RULE_KEYS if k in values and _jsonable(_lists(values[k])) != _jsonable(_lists(current(k)))
    ]


def _lists(value):
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _lists(v) for k, v in value.items()}
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)  # the form gives Decimal, the settings hold int or float
    return value


def shipped_definitions() -> dict[str, str]:
    """The definitions shipped in competition/contests/: file stem -> YAML text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))}


def create_from_template(template: str, basics: dict, *, actor=None) -> Contest:
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


def _parse(data: dict) -> ContestDefinition:
    try:
        return parse_definition(data, number_limits())
    except DefinitionError as exc:
        raise ServiceError("\n".join(translate(p) for p in exc.problems)) from None


def definition_problems(text: str) -> list[str]:
    """Every problem of a YAML definition, translated; empty when it would load."""
    try:
        load_definition_text(text)
    except ServiceError as exc:
        return exc.message.split("\n")
    return []


def definition_data(contest: Contest) -> dict:
    """The contest as the plain data of a definition file (windows in Beijing time)."""

    def when(value):
        local = utc_to_local(value)
        return local.strftime("%Y-%m-%d %H:%M") if local else None

    data: dict = {
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
    codes = {}
    for s in contest.sections:
        codes[s.id] = s.code
        section = {
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
                    "application_form": m.is_application_form,
                    "description": m.description,
                }
            )
        data["sections"].append(section)
    for r in contest.rounds:
        rnd = {
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


def _drop_empty(value):
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def definition_yaml(contest: Contest) -> str:
    return yaml.safe_dump(definition_data(contest), allow_unicode=True, sort_keys=False, width=120)


def _rubric_signature(rubrics) -> list:
    return sorted(
        (section or "*", tuple((c.code, c.name, float(c.max_score), float(c.weight)) for c in criteria))
        for section, criteria in rubrics
    )


def update_from_definition(contest: Contest, defn: ContestDefinition, *, actor=None) -> Contest:
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
    codes = {s.id: s.code for s in contest.sections}
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


WINDOW_KEYS = ("submission_opens_at", "submission_closes_at", "judging_opens_at", "judging_closes_at")


def window_problems(values: dict) -> list[tuple[str, str]]:
    """(field, message) for windows out of order; values are naive Beijing datetimes or None.

    Judging cannot open before submissions close: the format review comes in between.
    """
    sub_open, sub_close, j_open, j_close = (values.get(k) for k in WINDOW_KEYS)
    problems = []
    if sub_open and sub_close and sub_open >= sub_close:
        problems.append(("submission_closes_at", _("Submissions must open before they close.")))
    if j_open and j_close and j_open >= j_close:
        problems.append(("judging_closes_at", _("Judging must open before it closes.")))
    if j_open and sub_close and j_open < sub_close:
        problems.append(
            (
                "judging_opens_at",
                _(
                    "Judging cannot open before submissions close (%(when)s): the format review comes in between.",
                    when=sub_close.strftime("%Y-%m-%d %H:%M"),
                ),
            )
        )
    return problems


def update_settings(contest: Contest, values: dict, *, actor=None) -> Contest:
    """Change the common fields and settings from the organizer's form; every problem at once.

    `values` may hold Contest columns (name, full_name, year, edition, kind, description,
    blind_judging, judges_per_entry, ranking_method, the four *_at windows as naive Beijing
    datetimes) and the keys of SETTINGS_FORM_KEYS.
    """
    if _rule_changes(contest, values):
        write_guard.check(contest, "contest_rules")
    problems: list[tuple[str, str]] = []
    columns = {k: v for k, v in values.items() if k not in SETTINGS_FORM_KEYS}
    settings = {k: v for k, v in values.items() if k in SETTINGS_FORM_KEYS}
    values_of = number_values(columns.get("year", contest.year), contest.code, [s.code for s in contest.sections])
    labels = {"number_pattern": _("Certificate number pattern"), "entry_number_pattern": _("Entry number pattern")}
    for key in ("number_pattern", "entry_number_pattern"):
        if key in settings:
            err = pattern_error(str(settings[key]), values=values_of, limit=number_limits()[key], setting=labels[key])
            if err:
                problems.append((key, translate(err)))
    if "award_levels" in settings:
        levels = settings["award_levels"]
        if sum(share for _n, share in levels) > 1 + 1e-9:
            problems.append(("award_levels", _("The award shares add up to more than 100 percent.")))
        if len({n for n, _s in levels}) != len(levels):
            problems.append(("award_levels", _("Each award level needs its own name.")))
    shares = settings.get("nomination_stage_shares") or {}
    if sum(shares.values()) > 1 + 1e-9:
        problems.append(("nomination_stage_shares", _("The stage shares add up to more than 100 percent.")))
    problems += window_problems(columns)
    nominated = settings.get("nomination_levels") or []
    names = [n for n, _s in settings.get("award_levels", contest.settings_view.award_levels)]
    unknown = [n for n in nominated if n not in names]
    if unknown and names:
        problems.append(
            (
                "nomination_levels",
                _(
                    "%(names)s is not one of the award levels (%(levels)s); no entry could be nominated from it.",
                    names="、".join(unknown),
                    levels="、".join(names),
                ),
            )
        )
    if problems:
        error = ServiceError("\n".join(p for _f, p in problems), problems[0][0])
        error.problems = problems
        raise error

    before = {"settings": dict(contest.settings or {})}
    for key, value in columns.items():
        if key.endswith("_at"):
            before[key] = getattr(contest, key).isoformat() if getattr(contest, key) else None
            value = local_to_utc(value)
        else:
            before[key] = getattr(contest, key)
        setattr(contest, key, value)
    merged = dict(contest.settings or {})
    for key, value in settings.items():
        if value is None or value == {}:
            merged.pop(key, None)
        else:
            merged[key] = value
    contest.settings = merged
    db.session.flush()
    # Windows as stored (UTC), like `before`, so an unchanged window does not show as changed.
    after = {
        k: (
            getattr(contest, k).isoformat()
            if k.endswith("_at") and getattr(contest, k)
            else None
            if k.endswith("_at")
            else v
        )
        for k, v in columns.items()
    }
    after["settings"] = merged
    audit.record(actor, "contest.settings", contest, before=_jsonable(before), after=_jsonable(after))
    return contest


def entry_counts(contest_ids) -> dict[int, dict[str, int]]:
    """contest id -> {entry state: count}."""
    counts: dict[int, dict[str, int]] = {cid: {} for cid in contest_ids}
    rows = db.session.execute(
        select(Entry.contest_id, Entry.state, func.count())
        .where(Entry.contest_id.in_(list(contest_ids)))
        .group_by(Entry.contest_id, Entry.state)
    ).all()
    for cid, state, n in rows:
        counts[cid][state] = n
    return counts


def judge_counts(contest_ids) -> dict[int, int]:
    """contest id -> number of distinct judges on any of its rounds."""
    rows = db.session.execute(
        select(Round.contest_id, func.count(func.distinct(RoundJudge.judge_id)))
        .join(RoundJudge, RoundJudge.round_id == Round.id)
        .where(Round.contest_id.in_(list(contest_ids)))
        .group_by(Round.contest_id)
    ).all()
    return {cid: n for cid, n in rows}
