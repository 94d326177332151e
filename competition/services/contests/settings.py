"""The common fields and settings of a contest, changed from the organizer's form; the result rules
among them are locked once the results are (domain/write_rules.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from ...domain import file_names
from ...domain.contest_definition import number_values
from ...domain.contest_settings import DEFAULT_SETTINGS
from ...domain.nominations import SHARE_ROUNDINGS, stage_places
from ...domain.numbering import pattern_error
from ...domain.states import EntryState
from ...extensions import db
from ...i18n.messages import translate
from ...i18n.timeutil import local_to_utc
from ...models import Contest, User
from .. import ServiceError, audit, write_guard
from .creation import _jsonable, number_limits
from .reads import entry_counts
from .states import window_problems

# The eligibility rules (docs/rules.md "Entries"), checked when a teacher submits: they stay as
# they are once an entry was submitted under them, so every school is held to the same rules.
ELIGIBILITY_KEYS = (
    "vocational_own_stage",
    "team_same_district",
    "one_entry_per_student",
    "team_fixed_once_submitted",
    "one_counselor_entry_per_teacher",
    "work_completed_within_years",
)
SETTINGS_FORM_KEYS = (
    "award_levels",
    "award_min_scores",
    "award_max_share",
    "award_min_group_size",
    *ELIGIBILITY_KEYS,
    "nomination_min_score",
    "excellence_award",
    "nomination_quota",
    "nomination_levels",
    "nomination_stage_shares",
    "nomination_share_rounding",
    "nomination_school_cap",
    "nomination_district_cap",
    "number_pattern",
    "entry_number_pattern",
    "material_file_pattern",
    "notice_days",
    "notice_contact",
    "notice_show_names",
)
# The settings the results are made by: once the results are locked they change no more
# (domain/write_rules.py, "contest_rules"); names, windows and the notice's wording still may.
RESULT_RULE_KEYS = (
    "award_levels",
    "award_min_scores",
    "award_max_share",
    "award_min_group_size",
    "nomination_min_score",
    "excellence_award",
    "nomination_quota",
    "nomination_levels",
    "nomination_stage_shares",
    "nomination_share_rounding",
    "nomination_school_cap",
    "nomination_district_cap",
    "ranking_method",
    "judges_per_entry",
)

# Entries that were submitted and are still in the contest (a draft holds no place; a withdrawn
# entry is out of it).
_SUBMITTED = (EntryState.SUBMITTED, EntryState.RETURNED, EntryState.ACCEPTED, EntryState.REJECTED)


@dataclass(frozen=True)
class SettingsLocks:
    """Why parts of the settings form are read-only now (None: editable): the whole page (a final
    contest), the result rules (locked or published results), the eligibility rules."""

    page: str | None
    rules: str | None
    eligibility: str | None


def submitted_entries(contest: Contest) -> int:
    """How many of the contest's entries were submitted and are still in it."""
    counts = entry_counts([contest.id])[contest.id]
    return sum(counts.get(state, 0) for state in _SUBMITTED)


def eligibility_refusal(contest: Contest) -> str | None:
    """Why the eligibility rules can no longer change, or None."""
    closed = write_guard.refusal(contest, "entry")
    if closed is not None:
        return closed
    n = submitted_entries(contest)
    if not n:
        return None
    return _(
        "%(n)d entries have already been submitted under these rules, so they can no longer change: "
        "entries submitted later would be held to other rules than those already checked. "
        "Entries still in draft do not count.",
        n=n,
    )


def settings_locks(contest: Contest) -> SettingsLocks:
    return SettingsLocks(
        page=write_guard.refusal(contest, "contest_settings"),
        rules=write_guard.refusal(contest, "contest_rules"),
        eligibility=eligibility_refusal(contest),
    )


class SettingsInvalid(ServiceError):
    """Every problem of the settings form at once: ``problems`` lists (field, message); the message
    is all of them, one a line, and the field the first one's."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("\n".join(p for _f, p in problems), problems[0][0])
        self.problems = problems


def _changes(contest: Contest, values: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    """The keys among `keys` whose value `values` would change."""

    def current(key: str) -> Any:
        return contest.setting(key) if key in SETTINGS_FORM_KEYS else getattr(contest, key)

    return [k for k in keys if k in values and _jsonable(_lists(values[k])) != _jsonable(_lists(current(k)))]


def _lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _lists(v) for k, v in value.items()}
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)  # the form gives Decimal, the settings hold int or float
    return value


def _share_problems(contest: Contest, settings: dict[str, Any]) -> list[tuple[str, str]]:
    """The stage shares must fit the quota once rounded the contest's way (domain/nominations.py)."""
    view = contest.settings_view
    shares = settings.get("nomination_stage_shares", view.nomination_stage_shares) or {}
    rounding = settings.get("nomination_share_rounding") or view.nomination_share_rounding
    quota = settings.get("nomination_quota", view.nomination_quota)
    if rounding not in SHARE_ROUNDINGS:
        return [("nomination_share_rounding", _("Choose how the stage shares are rounded."))]
    if sum(float(v) for v in shares.values()) > 1 + 1e-9:
        return [("nomination_stage_shares", _("The stage shares add up to more than 100 percent."))]
    if quota is None:
        return []
    places = stage_places(int(quota), {k: float(v) for k, v in shares.items()}, rounding)
    if sum(places.values()) > int(quota):
        return [
            (
                "nomination_stage_shares",
                _(
                    "Rounded, the stage shares of a quota of %(quota)d give %(places)s, %(total)d places in all: "
                    "more than the quota. Lower a share, or round down.",
                    quota=int(quota),
                    places="、".join(f"{stage} {n}" for stage, n in places.items()),
                    total=sum(places.values()),
                ),
            )
        ]
    return []


def _pattern_problems(contest: Contest, columns: dict[str, Any], settings: dict[str, Any]) -> list[tuple[str, str]]:
    """The number patterns format and fit their columns; the material file pattern uses its fields."""
    problems: list[tuple[str, str]] = []
    values_of = number_values(columns.get("year", contest.year), contest.code, [s.code for s in contest.sections])
    labels = {"number_pattern": _("Certificate number pattern"), "entry_number_pattern": _("Entry number pattern")}
    for key in ("number_pattern", "entry_number_pattern"):
        if key in settings:
            err = pattern_error(str(settings[key]), values=values_of, limit=number_limits()[key], setting=labels[key])
            if err:
                problems.append((key, translate(err)))
    if "material_file_pattern" in settings:
        err = file_names.pattern_problem(str(settings["material_file_pattern"]))
        if err:
            problems.append(("material_file_pattern", translate(err)))
    return problems


def update_settings(contest: Contest, values: dict[str, Any], *, actor: User | None = None) -> Contest:
    """Change the common fields and settings from the organizer's form; every problem at once.

    `values` may hold Contest columns (name, full_name, year, edition, kind, description,
    blind_judging, judges_per_entry, ranking_method, the four *_at windows as naive Beijing
    datetimes) and the keys of SETTINGS_FORM_KEYS.
    """
    write_guard.check(contest, "contest_settings")
    if _changes(contest, values, RESULT_RULE_KEYS):
        write_guard.check(contest, "contest_rules")
    eligibility = _changes(contest, values, ELIGIBILITY_KEYS)
    if eligibility:
        refused = eligibility_refusal(contest)
        if refused is not None:
            raise ServiceError(refused, eligibility[0])
    problems: list[tuple[str, str]] = []
    columns = {k: v for k, v in values.items() if k not in SETTINGS_FORM_KEYS}
    settings = {k: v for k, v in values.items() if k in SETTINGS_FORM_KEYS}
    problems += _pattern_problems(contest, columns, settings)
    if "award_levels" in settings:
        levels = settings["award_levels"]
        if sum(share for _n, share in levels) > 1 + 1e-9:
            problems.append(("award_levels", _("The award shares add up to more than 100 percent.")))
        if len({n for n, _s in levels}) != len(levels):
            problems.append(("award_levels", _("Each award level needs its own name.")))
    problems += _share_problems(contest, settings)
    years = settings.get("work_completed_within_years")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 10):
        problems.append(("work_completed_within_years", _("Give the number of years as a whole number from 0 to 10.")))
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
        raise SettingsInvalid(problems)

    before: dict[str, Any] = {"settings": dict(contest.settings or {})}
    for key, value in columns.items():
        if key.endswith("_at"):
            before[key] = getattr(contest, key).isoformat() if getattr(contest, key) else None
            value = local_to_utc(value)
        else:
            before[key] = getattr(contest, key)
        setattr(contest, key, value)
    merged = dict(contest.settings or {})
    for key, value in settings.items():
        # {} is kept where the default is not empty: "no stage shares" differs from Anhui's default
        if value is None or (value == {} and DEFAULT_SETTINGS.get(key) == {}):
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
