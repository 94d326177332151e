"""Recording the finding on an objection (settle) and correcting a settled one (correct), with
the award's withdrawal a founded finding asks for, and the award given back by a correction to
not founded (the ones this objection withdrew, exactly as they were), each change audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...domain.objections import Finding, correction_problems, finding_problems
from ...domain.text import Message
from ...extensions import db
from ...i18n.messages import translate
from ...i18n.timeutil import utc_to_local
from ...models import Contest, Objection, Result
from ...models.base import utcnow
from .. import ServiceError, audit, write_guard
from ..results import reinstate_award, withdraw_award
from .desk import desk_closed, finding_events, holds_withdrawal
from .filing import ObjectionProblems


def _check_desk(contest: Contest, finding: Finding) -> None:
    closed = desk_closed(contest)
    if closed is not None:
        raise write_guard.PhaseClosed(closed)
    if finding.withdraw or finding.reinstate:
        write_guard.check(contest, "award_withdrawal")


def _result_of(objection: Objection) -> Result | None:
    if objection.entry_id is None:
        return None
    return db.session.scalar(
        select(Result).where(Result.contest_id == objection.contest_id, Result.entry_id == objection.entry_id)
    )


def _withdrawable(result: Result | None) -> bool:
    return result is not None and not result.withdrawn and bool(result.final_award or result.final_nominated)


def _refuse(problems: list[Message]) -> None:
    if problems:
        raise ObjectionProblems([(m.field, translate(m)) for m in problems])


def _reference(objection: Objection) -> str:
    return objection.receipt or f"#{objection.id}"


def _award_with(objection: Objection, result: Result | None, finding: Finding, *, actor) -> None:
    """The award's withdrawal a founded finding asked for, or its return a correction asked for,
    through the one withdrawal and the one return there are."""
    if finding.withdraw and result is not None:
        reason = _(
            "Objection %(ref)s is founded: %(reasoning)s", ref=_reference(objection), reasoning=finding.reasoning
        )
        withdraw_award(result, actor=actor, reason=reason)
    if finding.reinstate and result is not None:
        reason = _(
            "Objection %(ref)s is corrected to not founded: %(reasoning)s",
            ref=_reference(objection),
            reasoning=finding.reasoning,
        )
        reinstate_award(result, actor=actor, reason=reason)


def _withdrew(objection: Objection, result: Result | None) -> bool:
    """This objection's finding withdrew the entry's award and nomination, and they are still withdrawn."""
    if result is None or not result.withdrawn:
        return False
    return holds_withdrawal([e.after or {} for e in finding_events([objection.id])])


def settle(objection: Objection, finding: Finding, *, actor) -> None:
    """Record the finding on an open objection and, when it is founded and asks for it, withdraw
    the entry's award and nomination: one transaction, each change audited. A settled objection
    is final (see correct())."""
    contest = db.session.get_one(Contest, objection.contest_id)
    _check_desk(contest, finding)
    if objection.outcome is not None:
        day = utc_to_local(objection.resolved_at)
        raise ServiceError(
            _(
                "This objection was settled on %(day)s and its finding is final. To change it, record a "
                "correction with its reason.",
                day=day.strftime("%Y-%m-%d") if day else "",
            ),
            "finding",
        )
    result = _result_of(objection)
    _refuse(finding_problems(finding, can_withdraw=_withdrawable(result)))
    _record_finding(objection, result, finding, actor=actor, action="objection.settle")


def correct(objection: Objection, finding: Finding, *, actor, reason: str) -> None:
    """Correct the finding of a settled objection, with the reason (audited as a correction, the
    finding before and after). A founded finding may withdraw the award now; a correction to not
    founded may give back the award and nomination this objection withdrew (``reinstate``)."""
    contest = db.session.get_one(Contest, objection.contest_id)
    _check_desk(contest, finding)
    if objection.outcome is None:
        raise ServiceError(_("This objection is not settled yet: record its finding first."), "finding")
    result = _result_of(objection)
    reason = (reason or "").strip()
    was = Finding(objection.outcome, objection.resolution or "")
    problems = correction_problems(
        was, finding, reason, can_withdraw=_withdrawable(result), can_reinstate=_withdrew(objection, result)
    )
    _refuse(problems)
    _record_finding(objection, result, finding, actor=actor, action="objection.correct", reason=reason)


def _record_finding(
    objection: Objection, result, finding: Finding, *, actor, action: str, reason: str | None = None
) -> None:
    """Write the finding (settled or corrected), audit it with the finding before, then withdraw
    or give back if asked."""
    before = {"outcome": objection.outcome, "resolution": objection.resolution}
    objection.outcome = finding.outcome
    objection.resolution = finding.reasoning
    objection.resolved_at = utcnow()
    objection.resolved_by_id = getattr(actor, "id", None)
    db.session.flush()
    after = {"outcome": finding.outcome, "resolution": finding.reasoning, "withdrawn": finding.withdraw}
    if finding.reinstate:
        after["reinstated"] = True
    audit.record(actor, action, objection, before=before, after=after, reason=reason)
    _award_with(objection, result, finding, actor=actor)
