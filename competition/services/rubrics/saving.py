"""Saving and removing a rubric: nothing half-saved, audited, flushed (the request commits)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...extensions import db
from ...models import Contest, Criterion, Round, Rubric, Section, User
from .. import ServiceError, audit, write_guard
from .checks import RowInput, RubricInvalid, check
from .reads import contest_codes, find_rubric, fingerprint, full_scale, rubric_sheet_count


def _fresh_code(taken: set[str]) -> str:
    n = 1
    while f"c{n}" in taken:
        n += 1
    return f"c{n}"


def _snapshot(rubric: Rubric, rnd: Round, section: Section | None) -> dict[str, Any]:
    return {
        "round": rnd.number,
        "section": section.code if section else "*",
        "name": rubric.name,
        "criteria": {
            c.code: {
                "name": c.name,
                "max_score": float(c.max_score),
                "weight": float(c.weight or 0),
                "descriptors": c.descriptors,
                "sort_order": c.sort_order + 1,
            }
            for c in rubric.criteria
        },
        "full_scale": full_scale(rubric.criteria),
    }


def save(
    contest: Contest,
    rnd: Round,
    section: Section | None,
    name: str,
    rows: list[RowInput],
    *,
    actor: User | None,
    expected: str,
    confirm_remove: bool = False,
    note: str | None = None,
) -> Rubric:
    """Create or change the rubric of (round, section); every problem at once, nothing half-saved.

    ``expected`` is the fingerprint the form was based on; a rubric changed since is refused.
    Removing criteria needs ``confirm_remove``; without it :class:`NeedsConfirmation` names them.
    """
    write_guard.check(contest, "rubric")
    if rnd.contest_id != contest.id or (section is not None and section.contest_id != contest.id):
        raise ServiceError(_("This round or section belongs to another contest."))
    rubric = find_rubric(rnd, section.id if section else None)
    if fingerprint(rubric) != expected:
        raise StaleRubric(rubric)
    criteria, problems, general = check(contest, rnd, section, rubric, name, rows)
    if problems or general:
        raise RubricInvalid(problems, general)
    keep_ids = {c["id"] for c in criteria if c["id"] is not None}
    removed = [c for c in (rubric.criteria if rubric else []) if c.id not in keep_ids]
    if removed and not confirm_remove:
        raise NeedsConfirmation(removed)
    note = (note or "").strip()[:500] or None

    created = rubric is None
    before = None if rubric is None else _snapshot(rubric, rnd, section)
    if rubric is None:
        rubric = Rubric(round_id=rnd.id, section_id=section.id if section else None, name=name.strip())
        rnd.rubrics.append(rubric)
    rubric.name = name.strip()
    taken = contest_codes(contest) | {c["code"] for c in criteria if c["code"]}
    for c in removed:
        rubric.criteria.remove(c)
    db.session.flush()  # the removed rows go first (unique code per rubric)
    by_id = {c.id: c for c in rubric.criteria}
    for order, data in enumerate(criteria):
        crit = by_id.get(data["id"]) if data["id"] is not None else None
        if crit is None:
            code = data["code"] or _fresh_code(taken)
            taken.add(code)
            crit = Criterion(code=code)
            rubric.criteria.append(crit)
        crit.name = data["name"]
        crit.max_score = data["max_score"]
        crit.weight = data["weight"]
        crit.descriptors = data["descriptors"]
        crit.sort_order = order
    db.session.flush()
    db.session.refresh(rubric, ["criteria"])
    after = _snapshot(rubric, rnd, section)
    if before != after:
        audit.record(
            actor,
            "rubric.create" if created else "rubric.update",
            rubric,
            before=before,
            after=after,
            reason=note,
            contest_id=contest.id,
        )
    return rubric


def delete(
    contest: Contest, rnd: Round, section: Section | None, *, actor: User | None, note: str | None = None
) -> None:
    """Remove the rubric of (round, section); refused once sheets depend on it."""
    write_guard.check(contest, "rubric")
    rubric = find_rubric(rnd, section.id if section else None)
    if rubric is None or rnd.contest_id != contest.id:
        raise ServiceError(_("There is no such rubric."))
    n = rubric_sheet_count(rnd, rubric.section_id)
    if n:
        raise ServiceError(_("%(n)d score sheets already hold scores from this rubric; it cannot be removed.", n=n))
    before = _snapshot(rubric, rnd, section)
    rubric_id = rubric.id
    rnd.rubrics.remove(rubric)
    db.session.flush()
    event = audit.record(
        actor, "rubric.delete", rubric, before=before, reason=(note or "").strip()[:500] or None, contest_id=contest.id
    )
    event.object_id = rubric_id
    db.session.flush()


class StaleRubric(ServiceError):
    def __init__(self, rubric: Rubric | None):
        super().__init__(
            _(
                "Someone changed this rubric after you opened it. What is stored now is shown above "
                "the form; your edits are kept below. Save again to replace the stored rubric with "
                "yours."
            )
        )
        self.rubric = rubric


class NeedsConfirmation(ServiceError):
    def __init__(self, removed: list[Criterion]):
        super().__init__(
            _("Remove %(names)s? Confirm below; nothing was saved yet.", names="、".join(c.name for c in removed))
        )
        self.removed = removed
