"""Writing score sheets: a judge's drafts and submissions (each save checked against the version it
was based on), an organizer reopening one, a judge declaring a conflict."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ....domain import characters, scoring
from ....domain.states import RoundState, SheetState
from ....extensions import db
from ....i18n.messages import translate
from ....models import Assignment, ScoreSheet, User, utcnow
from ... import ServiceError, audit, write_guard
from ..assignments import tr
from ..conflicts import add_conflict
from .reads import criteria_of, judge_assignments, sheet_state, specs

MAX_COMMENT = 4000


class StaleSheet(ServiceError):
    """The sheet changed since the judge loaded it (another laptop or tab)."""

    def __init__(self, sheet: ScoreSheet | None, *, assignment_id: int | None = None):
        super().__init__(
            _(
                "This score sheet was changed elsewhere (another computer or browser tab). "
                "The newer values are shown; check them before you go on."
            )
        )
        self._sheet = sheet
        self.assignment_id = assignment_id

    @property
    def sheet(self) -> ScoreSheet | None:
        """The stored sheet. After a lost race it is read when asked for, which the caller does
        after rolling back (a failed flush leaves the session unusable until then)."""
        if self._sheet is None and self.assignment_id is not None:
            self._sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == self.assignment_id))
        return self._sheet


class InvalidSheet(ServiceError):
    """Some values are out of bounds or missing; ``problems`` maps criterion keys to messages."""

    def __init__(self, problems: dict[str, str], message: str | None = None):
        super().__init__(message or _("Some scores are not valid: %(list)s", list="；".join(problems.values())))
        self.problems = problems


def _check_open(assignment: Assignment) -> None:
    reason = closed_reason(assignment)
    if reason is not None:
        raise write_guard.PhaseClosed(reason)


def closed_reason(assignment: Assignment, contest_refusals: dict[int, str | None] | None = None) -> str | None:
    """Why this sheet can no longer be written (the judge's page shows it read-only), or None.
    A caller going through many assignments passes one dict: each contest's phase is read once."""
    contest = assignment.round.contest
    refusals = {} if contest_refusals is None else contest_refusals
    if contest.id not in refusals:
        refusals[contest.id] = write_guard.refusal(contest, "score")
    refusal = refusals[contest.id]
    if refusal is not None:
        return refusal
    if assignment.round.state == RoundState.CLOSED:
        return _("Judging in this round has closed; scores can no longer be changed.")
    return None


def _write(assignment: Assignment, version: int, **values) -> ScoreSheet:
    """Write ``values`` to the sheet, which must still be at ``version`` (0: no sheet yet).

    A new sheet is inserted at version 1; an existing one is updated with its version checked
    in the UPDATE itself. Anything older raises StaleSheet carrying the stored sheet (when a
    concurrent request won the race, the caller rolls back before it reads that sheet).
    """
    sheet = assignment.sheet
    values["updated_at"] = utcnow()
    assignment_id = assignment.id
    if sheet is None:
        if version != 0:
            raise StaleSheet(None)
        sheet = ScoreSheet(assignment_id=assignment_id, **values)
        db.session.add(sheet)
    else:
        if version != sheet.version:
            raise StaleSheet(sheet)
        for key, value in values.items():
            setattr(sheet, key, value)
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        # Another request created or changed the sheet between our read and our write. The
        # caller rolls back the request on ServiceError (views, the command doorway); no
        # savepoint here, as SQLite's driver would commit on releasing one opened first.
        raise StaleSheet(None, assignment_id=assignment_id) from None
    db.session.expire(assignment, ["sheet"])
    return sheet


def _parse(assignment: Assignment, raw_scores: dict, comment: str | None):
    criteria = specs(criteria_of(assignment))
    if not criteria:
        raise ServiceError(_("No rubric is set for this entry in this round; tell the organizer."))
    if not isinstance(raw_scores, dict) or not isinstance(comment, (str, type(None))):
        raise InvalidSheet({}, _("The scores were not sent correctly."))
    scores, problems = scoring.parse_sheet({str(k): v for k, v in raw_scores.items()}, criteria)
    comment = unicodedata.normalize("NFC", comment or "").strip()
    bad = characters.first_illegal(comment, multiline=True)
    if bad:
        problems["comment"] = _(
            "The comment contains a character that is not allowed: %(char)s", char=translate(characters.describe(bad))
        )
    elif len(comment) > MAX_COMMENT:
        problems["comment"] = _("The comment is too long (at most %(n)s characters).", n=MAX_COMMENT)
    if problems:
        raise InvalidSheet({k: tr(v) for k, v in problems.items()})
    return criteria, scores, comment


def save_draft(assignment: Assignment, *, scores: dict, comment: str | None, version: int, actor) -> ScoreSheet:
    """Autosave: store the values as a draft. Invalid values refuse the whole save (nothing is
    half-written); a final sheet cannot change; an older ``version`` raises StaleSheet."""
    _check_open(assignment)
    if assignment.sheet is not None and assignment.sheet.state == SheetState.FINAL:
        if version != assignment.sheet.version:
            raise StaleSheet(assignment.sheet)
        raise ServiceError(_("This score sheet has been submitted and is locked."))
    criteria, values, comment = _parse(assignment, scores, comment)
    return _write(
        assignment,
        version,
        state=SheetState.DRAFT,
        scores=values,
        comment=comment or None,
        total=scoring.weighted_total(values, criteria),
    )


def submit(assignment: Assignment, *, scores: dict | None, comment: str | None, version: int, actor) -> ScoreSheet:
    """Submit one sheet (提交): every criterion scored within bounds; the sheet is then final
    and only an organizer can reopen it. ``scores`` None submits the stored values."""
    _check_open(assignment)
    sheet = assignment.sheet
    if sheet is not None and sheet.state == SheetState.FINAL:
        if version != sheet.version:
            # Submitted meanwhile in another tab or on another computer: show those values,
            # as an autosave would.
            raise StaleSheet(sheet)
        raise ServiceError(_("This score sheet has already been submitted."))
    if scores is None:
        if sheet is None:
            raise InvalidSheet({}, _("Score every criterion before submitting."))
        scores, comment = dict(sheet.scores or {}), sheet.comment
    criteria, values, comment = _parse(assignment, scores, comment)
    missing = scoring.missing(values, criteria)
    if missing:
        raise InvalidSheet(
            {m.params["name"]: tr(m) for m in missing},
            _("Score every criterion before submitting: %(list)s", list="、".join(m.params["name"] for m in missing)),
        )
    sheet = _write(
        assignment,
        version,
        state=SheetState.FINAL,
        scores=values,
        comment=comment or None,
        total=scoring.weighted_total(values, criteria),
        submitted_at=utcnow(),
    )
    audit.record(
        actor,
        "sheet.submit",
        sheet,
        after={
            "scores": values,
            "total": sheet.total,
            "entry_id": assignment.entry_id,
            "round_id": assignment.round_id,
        },
        contest_id=assignment.round.contest_id,
    )
    return sheet


def submit_all(judge: User, *, actor, contest_id: int | None = None) -> tuple[int, int]:
    """Submit every complete draft of the judge (all criteria scored). Returns (submitted,
    left as drafts because incomplete)."""
    done = left = 0
    assignments = judge_assignments(judge, contest_id)
    if contest_id is not None and assignments:
        write_guard.check(assignments[0].round.contest, "score")
    refusals: dict[int, str | None] = {}
    for a in assignments:
        sheet = a.sheet
        if sheet is None or sheet.state != SheetState.DRAFT or closed_reason(a, refusals) is not None:
            continue
        if sheet.total is None:
            left += sheet_state(sheet) == SheetState.DRAFT
            continue
        submit(a, scores=None, comment=None, version=sheet.version, actor=actor)
        done += 1
    return done, left


def reopen(sheet: ScoreSheet, *, reason: str, actor) -> None:
    """An organizer reopens a submitted sheet (with a reason, audited); it becomes a draft again."""
    write_guard.check(sheet.assignment.round.contest, "score")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give the reason for reopening."), "reason")
    if sheet.state != SheetState.FINAL:
        raise ServiceError(_("This score sheet is not submitted."))
    before = {
        "state": sheet.state,
        "scores": sheet.scores,
        "total": sheet.total,
        "submitted_at": sheet.submitted_at.isoformat() if sheet.submitted_at else None,
    }
    sheet.state = SheetState.DRAFT
    sheet.reopened_at = sheet.updated_at = utcnow()
    sheet.reopened_by_id = getattr(actor, "id", None)
    sheet.reopen_reason = reason
    db.session.flush()
    audit.record(
        actor,
        "sheet.reopen",
        sheet,
        before=before,
        after={"state": SheetState.DRAFT},
        reason=reason,
        contest_id=sheet.assignment.round.contest_id,
    )


def declare_conflict(assignment: Assignment, *, reason: str, kind: str = "other", actor) -> None:
    """The judge declares a conflict (申报回避): the entry leaves their list and the organizer
    sees that it needs a replacement judge."""
    add_conflict(assignment.judge, assignment.entry, kind=kind, reason=reason, source="declared", actor=actor)
