"""The organizer's tie-break setting (决胜规则): which steps, in which order (domain/tie_break.py).

Flushes only; the view commits."""

from __future__ import annotations

from flask_babel import gettext as _

from ..domain import tie_break as rules
from ..extensions import db
from ..i18n.messages import translate
from ..models import Contest
from . import ServiceError, audit, write_guard


def criterion_names(contest: Contest) -> dict[str, str]:
    """code -> name of every criterion of the contest's rubrics (round and section order).

    One code in several rubrics under different names shows all of them."""
    names: dict[str, list[str]] = {}
    for rnd in contest.rounds:
        for rub in rnd.rubrics:
            for c in rub.criteria:
                if c.name not in names.setdefault(c.code, []):
                    names[c.code].append(c.name)
    return {code: "／".join(n) for code, n in names.items()}


def options(contest: Contest) -> list[tuple[str, str]]:
    """(step, Chinese label) of every step the organizer may choose."""
    names = criterion_names(contest)
    return [(rules.CRITERION + code, translate(rules.label(rules.CRITERION + code, names))) for code in names] + [
        (step, translate(rules.label(step, names))) for step in rules.STEPS
    ]


def current(contest: Contest) -> list[str]:
    """The stored chain, criteria by code."""
    names = criterion_names(contest)
    return [rules.normalise(step, names) for step in contest.settings_view.tie_break]


def labels(contest: Contest) -> list[str]:
    """The stored chain in words."""
    names = criterion_names(contest)
    return [translate(rules.label(step, names)) for step in current(contest)]


def save(contest: Contest, steps: list[str], *, actor) -> list[str]:
    """Store the chain; refused once the results are locked, and for unknown or repeated steps."""
    why = write_guard.refusal(contest, "tie_break")
    if why is not None:
        raise write_guard.PhaseClosed(_("The tie-break rule can no longer change. %(why)s", why=why))
    names = criterion_names(contest)
    chain, problems = rules.check(steps, names)
    if problems:
        raise ServiceError("\n".join(translate(p) for p in problems), "tie_break")
    before = list(contest.settings_view.tie_break)
    if chain == before:
        return chain
    contest.settings = {**(contest.settings or {}), "tie_break": chain}
    db.session.flush()
    audit.record(
        actor,
        "contest.tie_break",
        contest,
        contest_id=contest.id,
        before={"tie_break": before, "steps": [translate(rules.label(s, names)) for s in before]},
        after={"tie_break": chain, "steps": [translate(rules.label(s, names)) for s in chain]},
    )
    return chain
