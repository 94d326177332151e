"""The organizer's objections desk as a read model: every objection with its files, the entry's
result as it stands, and the finding with its corrections (from the audit log); and why no
finding can be recorded now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain.states import ContestState
from ...extensions import db
from ...i18n.timeutil import utc_to_local
from ...models import AuditEvent, Contest, Objection, Result, User
from .. import write_guard
from ..results import get_run, notice_running

DESK_STATES = ("open", "upheld", "dismissed")  # waiting, founded, not founded


@dataclass(frozen=True)
class DeskFile:
    id: int
    role: str  # a key of FILE_KINDS
    name: str
    kind: str
    size: int


@dataclass(frozen=True)
class DeskCorrection:
    """A correction of a settled finding, as the audit log holds it."""

    at: datetime
    by: str
    outcome_before: str | None
    outcome_after: str | None
    reason: str
    reinstated: bool  # it gave back the award and nomination the objection had withdrawn


@dataclass(frozen=True)
class DeskObjection:
    """One objection as the organizer handles it: who filed it and how to reach them, the entry
    and its result as they stand, the files, and the finding with its corrections."""

    id: int
    receipt: str | None  # None: recorded by the organizer from paper
    filer_kind: str | None  # person, unit; None: recorded from paper
    name: str  # 姓名, or a unit's 联系人
    unit: str | None  # a person's 单位, or a unit's 单位名称
    contact: str  # the phone (online), or the phone or address recorded from paper
    content: str
    evidence: str | None
    received_at: datetime
    entry_id: int | None
    entry_number: str | None
    entry_title: str | None
    result_id: int | None
    award: str | None  # as it stands now
    nominated: bool
    withdrawn: bool
    outcome: str | None
    resolution: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    files: tuple[DeskFile, ...]
    corrections: tuple[DeskCorrection, ...]
    can_reinstate: bool  # this objection withdrew the award and nomination, still withdrawn

    @property
    def state(self) -> str:
        return self.outcome or "open"

    @property
    def can_withdraw(self) -> bool:
        """The entry still has an award or a nomination that a founded objection can take away."""
        return self.result_id is not None and not self.withdrawn and bool(self.award or self.nominated)


@dataclass(frozen=True)
class Desk:
    objections: list[DeskObjection]  # of the chosen state, oldest first
    counts: dict[str, int]  # "all" and each of DESK_STATES
    state: str | None  # the filter, None for all
    notice_ends_at: datetime | None
    notice_ended: bool  # the notice is over, the results not yet final
    closed: str | None  # why nothing can be settled now (translated), or None


def desk(contest: Contest, state: str | None = None) -> Desk:
    """Every objection of the contest (or those in ``state``, one of DESK_STATES), with what the
    organizer needs to settle it; a constant number of queries whatever their number."""
    rows = list(
        db.session.scalars(
            select(Objection)
            .where(Objection.contest_id == contest.id)
            .options(selectinload(Objection.files), selectinload(Objection.entry))
            .order_by(Objection.received_at, Objection.id)
        )
    )
    entry_ids = {o.entry_id for o in rows if o.entry_id is not None}
    results = (
        {
            r.entry_id: r
            for r in db.session.scalars(
                select(Result).where(Result.contest_id == contest.id, Result.entry_id.in_(entry_ids))
            )
        }
        if entry_ids
        else {}
    )
    events = finding_events([o.id for o in rows])
    user_ids = {o.resolved_by_id for o in rows if o.resolved_by_id} | {e.actor_id for e in events if e.actor_id}
    names = (
        dict((i, n) for i, n in db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))))
        if user_ids
        else {}
    )
    corrections: dict[int, list[DeskCorrection]] = {}
    findings: dict[int, list[dict]] = {}
    for e in events:
        findings.setdefault(e.object_id or 0, []).append(e.after or {})
        if e.action != "objection.correct":
            continue
        corrections.setdefault(e.object_id or 0, []).append(
            DeskCorrection(
                at=e.at,
                by=names.get(e.actor_id or 0, ""),
                outcome_before=(e.before or {}).get("outcome"),
                outcome_after=(e.after or {}).get("outcome"),
                reason=e.reason or "",
                reinstated=bool((e.after or {}).get("reinstated")),
            )
        )
    shown = [
        _desk_row(
            o,
            results.get(o.entry_id or 0),
            names,
            corrections.get(o.id, []),
            holds_withdrawal(findings.get(o.id, [])),
        )
        for o in rows
    ]
    counts = {"all": len(shown)} | {s: sum(1 for o in shown if o.state == s) for s in DESK_STATES}
    chosen = state if state in DESK_STATES else None
    run = get_run(contest)
    return Desk(
        objections=[o for o in shown if chosen is None or o.state == chosen],
        counts=counts,
        state=chosen,
        notice_ends_at=utc_to_local(run.notice_ends_at) if run else None,
        notice_ended=contest.state == ContestState.PUBLISHED and not notice_running(contest),
        closed=desk_closed(contest),
    )


def _desk_row(
    o: Objection, result: Result | None, names: dict[int, str], corrections: list[DeskCorrection], withdrew: bool
) -> DeskObjection:
    return DeskObjection(
        id=o.id,
        receipt=o.receipt,
        filer_kind=o.filer_kind,
        name=o.submitter_name,
        unit=o.filer_unit,
        contact=o.submitter_contact,
        content=o.content,
        evidence=o.evidence,
        received_at=o.received_at,
        entry_id=o.entry_id,
        entry_number=o.entry.number if o.entry else None,
        entry_title=o.entry.title if o.entry else None,
        result_id=result.id if result else None,
        award=result.final_award if result else None,
        nominated=bool(result and result.final_nominated),
        withdrawn=bool(result and result.withdrawn),
        outcome=o.outcome,
        resolution=o.resolution,
        resolved_at=o.resolved_at,
        resolved_by=names.get(o.resolved_by_id) if o.resolved_by_id else None,
        files=tuple(DeskFile(f.id, f.role, f.original_name, f.file_kind, f.size) for f in o.files),
        corrections=tuple(corrections),
        can_reinstate=withdrew and bool(result and result.withdrawn),
    )


def desk_closed(contest: Contest) -> str | None:
    """Why no finding can be recorded now (translated), or None."""
    if contest.state == ContestState.FINAL:
        return _("The results of this contest are final and frozen.")
    if contest.state != ContestState.PUBLISHED:
        return _("Objections are settled while the results are in the public notice.")
    return write_guard.refusal(contest, "objection")


FINDING_ACTIONS = ("objection.settle", "objection.correct")


def finding_events(objection_ids: list[int]) -> list[AuditEvent]:
    """The audited findings and corrections of these objections, oldest first."""
    if not objection_ids:
        return []
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action.in_(FINDING_ACTIONS),
                AuditEvent.object_type == "objection",
                AuditEvent.object_id.in_(objection_ids),
            )
            .order_by(AuditEvent.id)
        )
    )


def holds_withdrawal(afters: list[dict]) -> bool:
    """Whether an objection's findings (their audited ``after``, oldest first) leave the award
    withdrawn by it: the last one that withdrew or gave back withdrew."""
    held = False
    for after in afters:
        if after.get("withdrawn"):
            held = True
        elif after.get("reinstated"):
            held = False
    return held
