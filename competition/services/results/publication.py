"""Lock, publish for the public notice (公示), objections, withdrawal, finalize."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...domain.states import ContestState
from ...extensions import db
from ...i18n.timeutil import local_to_utc, utc_to_local
from ...models import Contest, Entry, Objection, Result, utcnow
from ...models.results import RankingRun
from .. import ServiceError, audit, write_guard
from ..contests import change_state
from ..notifications import compose as tell
from .decisions import check_draft, snapshot, written_reason
from .reads import get_run, pending_count, scoring_progress

log = logging.getLogger(__package__)  # one logger for the results, as before the package

OBJECTION_OUTCOMES = ("upheld", "dismissed")


def lock(contest: Contest, *, actor, reason: str | None = None) -> RankingRun:
    """Lock the draft: no re-ranking, no more scoring; a contest still in judging moves on to
    results. With score sheets still open (not submitted) a reason is required: those sheets
    become read-only and do not count."""
    check_draft(contest)
    run = get_run(contest)
    if run is None:
        raise ServiceError(_("Run the ranking before locking the results."))
    if run.locked_at is not None:
        raise ServiceError(_("The results are already locked."))
    open_sheets = scoring_progress(contest).outstanding
    reason = (reason or "").strip() or None
    if open_sheets and not reason:
        raise ServiceError(
            _(
                "%(n)d score sheets are still open (not submitted). Locking closes them: they "
                "become read-only and do not count. To lock anyway, write down why.",
                n=open_sheets,
            ),
            "reason",
        )
    if reason is not None:
        reason = written_reason(reason)
    run.locked_at = utcnow()
    run.locked_by_id = getattr(actor, "id", None)
    if contest.state == ContestState.JUDGING:
        change_state(contest, ContestState.RESULTS, actor=actor)
    audit.record(
        actor,
        "results.lock",
        run,
        contest_id=contest.id,
        reason=reason,
        after={"locked_at": run.locked_at.isoformat(), "open_sheets": open_sheets},
    )
    return run


def unlock(contest: Contest, *, actor, reason: str) -> None:
    check_draft(contest)
    run = get_run(contest)
    if run is None or run.locked_at is None:
        raise ServiceError(_("Only locked results can be unlocked."))
    reason = written_reason(reason)
    before = {"locked_at": run.locked_at.isoformat()}
    run.locked_at = None
    run.locked_by_id = None
    db.session.flush()
    audit.record(actor, "results.unlock", run, contest_id=contest.id, before=before, reason=reason)


MAX_CONTACT = 200


def publish(contest: Contest, *, actor, contact: str | None = None) -> RankingRun:
    """Publish for the public notice (公示): state published, notice until now + notice_days.

    ``contact`` is where objections go (the ``notice_contact`` setting, shown on the public
    page). Given (the web form always gives it), it must not be empty and is stored; None
    keeps the setting as it is."""
    run = get_run(contest)
    if run is None:
        raise ServiceError(_("Run the ranking before publishing."))
    if contest.state != ContestState.RESULTS or run.locked_at is None:
        raise ServiceError(_("Lock the results before publishing them."))
    if run.ties or pending_count(contest):
        raise ServiceError(
            _(
                "Some ties at award or quota lines are not decided yet. Decide them (or send the "
                "entries to re-judging and rank again) before publishing."
            )
        )
    if contact is not None:
        contact = " ".join(contact.split())
        if not contact:
            raise ServiceError(
                _("Enter where objections are received (office, phone or address): the public notice shows it."),
                "contact",
            )
        if len(contact) > MAX_CONTACT:
            raise ServiceError(
                _("The contact for objections is too long (at most %(n)d characters).", n=MAX_CONTACT), "contact"
            )
        if contact != contest.settings_view.notice_contact:
            contest.settings = {**(contest.settings or {}), "notice_contact": contact}
    now = utcnow()
    days = int(contest.settings_view.notice_days)
    run.published_at = now
    run.notice_ends_at = now + timedelta(days=days)
    change_state(contest, ContestState.PUBLISHED, actor=actor)
    audit.record(
        actor,
        "results.publish",
        run,
        contest_id=contest.id,
        after={
            "published_at": now.isoformat(),
            "notice_ends_at": run.notice_ends_at.isoformat(),
            "notice_contact": contest.settings_view.notice_contact or None,
        },
    )
    log.info(
        "results published: contest=%s by=%s %s notice_ends_at=%s",
        contest.code,
        audit.who(actor),
        _tally(contest),
        run.notice_ends_at.isoformat(),
    )
    return run


def notice_running(contest: Contest, now: datetime | None = None) -> bool:
    """The results are on public notice and its period has not ended: finalizing needs a reason."""
    run = get_run(contest)
    return bool(
        contest.state == ContestState.PUBLISHED
        and run is not None
        and run.notice_ends_at
        and (now or utcnow()) < run.notice_ends_at
    )


def finalize(contest: Contest, *, actor, reason: str | None = None, now: datetime | None = None) -> None:
    """Make the results final: after the notice period, or earlier with a written reason."""
    if contest.state != ContestState.PUBLISHED:
        raise ServiceError(_("Only published results can be made final."))
    run = get_run(contest)
    open_objections = (
        db.session.scalar(
            select(func.count())
            .select_from(Objection)
            .where(Objection.contest_id == contest.id, Objection.outcome.is_(None))
        )
        or 0
    )
    if open_objections:
        raise ServiceError(_("%(n)d objections are not settled yet. Settle every objection first.", n=open_objections))
    now = now or utcnow()
    reason = (reason or "").strip() or None
    if notice_running(contest, now) and not reason:
        raise ServiceError(_("The public notice has not ended yet. To finalize early, write down why."), "reason")
    if run is None:  # published by hand, without a run: there are no results to make final
        raise ServiceError(_("Only published results can be made final."))
    run.finalized_at = now
    run.finalize_reason = reason
    change_state(contest, ContestState.FINAL, actor=actor, reason=reason)
    log.info(
        "results final: contest=%s by=%s %s early=%s",
        contest.code,
        audit.who(actor),
        _tally(contest),
        "yes" if reason else "no",
    )


def _tally(contest: Contest) -> str:
    """'entries=.. awards=.. nominated=..' as the results stand, for the log."""
    rows = list(db.session.scalars(select(Result).where(Result.contest_id == contest.id)))
    awards, nominated = sum(1 for r in rows if r.final_award), sum(1 for r in rows if r.final_nominated)
    return f"entries={len(rows)} awards={awards} nominated={nominated}"


# ------------------------------------------------ objections, withdrawal ----


def _check_notice(contest: Contest) -> None:
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen."))
    if contest.state != ContestState.PUBLISHED:
        raise ServiceError(_("Objections are recorded while the results are in the public notice."))
    write_guard.check(contest, "objection")


def local_today() -> date:
    """Today in Beijing (the day printed on the organizer's forms), not the server's UTC day."""
    today = utc_to_local(utcnow())
    assert today is not None  # a time in, a time out
    return today.date()


def record_objection(
    contest: Contest,
    *,
    actor,
    entry_id: int | None,
    submitter_name: str,
    submitter_contact: str,
    content: str,
    evidence: str | None,
    received_on: date,
) -> Objection:
    _check_notice(contest)
    name, contact, content = (submitter_name or "").strip(), (submitter_contact or "").strip(), (content or "").strip()
    if not name:
        raise ServiceError(
            _("Objections are accepted under a real name: enter the submitter's name."), "submitter_name"
        )
    if not contact:
        raise ServiceError(_("Enter how to reach the submitter (phone or address)."), "submitter_contact")
    if not content:
        raise ServiceError(_("Enter what the objection says."), "content")
    if received_on > local_today():
        raise ServiceError(
            _(
                "The date received (%(day)s) is in the future. Enter the day the objection actually arrived.",
                day=received_on.isoformat(),
            ),
            "received_on",
        )
    if entry_id is not None:
        entry = db.session.get(Entry, entry_id)
        if entry is None or entry.contest_id != contest.id:
            raise ServiceError(_("That entry is not in this contest."), "entry_id")
    objection = Objection(
        contest_id=contest.id,
        entry_id=entry_id,
        submitter_name=name[:50],
        submitter_contact=contact[:120],
        content=content,
        evidence=(evidence or "").strip() or None,
        received_at=local_to_utc(datetime.combine(received_on, datetime.min.time())),
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(objection)
    db.session.flush()
    audit.record(actor, "objection.record", objection, after={"entry_id": entry_id, "submitter": name})
    tell.objection_received(objection)
    return objection


def withdraw_award(result: Result, *, actor, reason: str) -> None:
    """撤销: the entry loses its award and nomination (e.g. proven fraud after an objection)."""
    contest = db.session.get_one(Contest, result.contest_id)
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen."))
    if contest.state not in (ContestState.RESULTS, ContestState.PUBLISHED):
        raise ServiceError(_("An award can be withdrawn once the results are locked or published."))
    if result.withdrawn:
        raise ServiceError(_("This award is already withdrawn."))
    _set_withdrawn(contest, result, reason, actor=actor)


def reinstate_award(result: Result, *, actor, reason: str) -> None:
    """恢复: a withdrawn award and nomination come back exactly as they were (the withdrawal only
    set the flag; the award, the nomination and any change by hand are untouched). Only while the
    results are on notice (a correction of the objection's finding, services/objections)."""
    contest = db.session.get_one(Contest, result.contest_id)
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen."))
    if contest.state != ContestState.PUBLISHED:
        raise ServiceError(_("A withdrawn award can be given back only while the results are on public notice."))
    if not result.withdrawn:
        raise ServiceError(_("This award is not withdrawn."))
    _set_withdrawn(contest, result, reason, actor=actor, withdrawn=False)


def _set_withdrawn(contest: Contest, result: Result, reason: str, *, actor, withdrawn: bool = True) -> None:
    """The withdrawal's flag set (results.withdraw) or cleared (results.reinstate), with its reason, audited."""
    write_guard.check(contest, "award_withdrawal")
    reason = written_reason(reason)
    before = snapshot(result)
    result.withdrawn = withdrawn
    result.withdrawn_reason = reason if withdrawn else None
    db.session.flush()
    action = "results.withdraw" if withdrawn else "results.reinstate"
    audit.record(actor, action, result, before=before, after=snapshot(result), reason=reason)
