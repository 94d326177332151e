"""Objections filed online from the public notice page, by anyone and without an account
(公示期异议), and what the public may see of them: the status behind a receipt, and the outcome
of each settled objection without personal data; and the organizer's desk: every objection
with its files, the finding (founded or not) with the withdrawal of the award in the same step,
and the audited correction of a settled finding. The rules are in domain/objections.py;
recording a paper objection and withdrawing an award by hand are in services/results/publication.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..adapters import storage as files
from ..adapters.storage import Storage
from ..domain.objections import (
    Finding,
    ObjectionFiling,
    correction_problems,
    filing_problems,
    finding_problems,
    window_problem,
)
from ..domain.states import ContestState
from ..domain.text import Message, clean_phone
from ..extensions import db
from ..i18n.messages import translate
from ..i18n.timeutil import display_zone, utc_to_local
from ..models import AuditEvent, Contest, Entry, Objection, ObjectionFile, Result, User
from ..models.base import utcnow
from . import ServiceError, audit, write_guard
from .notifications import compose as tell
from .results import get_run, notice_running, withdraw_award

# The teacher uploads' own step, so an objection's photos lose their location exactly as theirs do.
from .submissions.materials import stored_without_location

__all__ = [
    "DESK_STATES",
    "FILE_KINDS",
    "MAX_EVIDENCE_FILES",
    "MAX_FILE_MB",
    "Desk",
    "DeskCorrection",
    "DeskFile",
    "DeskObjection",
    "ObjectionProblems",
    "ObjectionStatus",
    "PublicOutcome",
    "Upload",
    "correct",
    "desk",
    "file_online",
    "filing_closed",
    "filing_window",
    "public_outcomes",
    "settle",
    "status_of",
]

# What each kind of file may be, judged from its bytes (adapters/storage.inspect_file).
FILE_KINDS = {
    "identity_document": ("pdf", "jpg", "png"),
    "sealed_letter": ("pdf", "jpg", "png"),
    "evidence": ("pdf", "jpg", "png", "docx"),
}
MAX_EVIDENCE_FILES = 5
MAX_FILE_MB = 20
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


class ObjectionProblems(ServiceError):
    """Every reason a filing was refused, each on its form field (web/forms.show_service_error)."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        self.problems = problems
        super().__init__("\n".join(text for _field, text in problems), problems[0][0])


@dataclass(frozen=True)
class Upload:
    """A file from the form: which role it plays, its name as sent, and its bytes."""

    role: str  # a key of FILE_KINDS
    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class ObjectionStatus:
    """What a receipt shows: no name, no phone, no facts."""

    receipt: str
    contest_name: str
    entry_number: str | None
    entry_title: str | None
    filed_at: datetime
    outcome: str | None  # None while it is looked into; upheld, dismissed
    resolved_at: datetime | None
    award_withdrawn: bool


@dataclass(frozen=True)
class PublicOutcome:
    """One settled objection as the notice shows it."""

    entry_number: str | None
    entry_title: str | None
    outcome: str
    resolved_at: datetime | None
    award_withdrawn: bool


def filing_window(contest: Contest) -> tuple[datetime | None, datetime | None]:
    """Start and end of the notice (display time zone), or (None, None) when not on notice."""
    run = get_run(contest)
    if contest.state != ContestState.PUBLISHED or run is None:
        return None, None
    return utc_to_local(run.published_at), utc_to_local(run.notice_ends_at)


def filing_closed(contest: Contest) -> str | None:
    """Why no objection can be filed now (translated), or None while the notice runs."""
    start, end = filing_window(contest)
    closed = window_problem(datetime.now(display_zone()), start, end)
    return translate(closed) if closed is not None else None


def file_online(contest: Contest, filing: ObjectionFiling, uploads: Sequence[Upload], *, storage: Storage) -> Objection:
    """Record an objection filed from the notice page, with its files; its receipt is on it."""
    closed = filing_closed(contest)
    if closed is not None:
        raise ServiceError(closed)
    write_guard.check(contest, "objection")
    roles = {u.role for u in uploads}
    full = replace(
        filing,
        entry_number="".join(filing.entry_number.split()).upper(),
        phone=clean_phone(filing.phone) or "",
        has_identity_document="identity_document" in roles,
        has_sealed_letter="sealed_letter" in roles,
    )
    problems = [(m.field, translate(m)) for m in filing_problems(full)]
    entry = None
    if full.entry_number:
        entry = _entry_on_notice(contest, full.entry_number)
        if entry is None:
            problems.append(
                ("entry_number", _("No entry numbered %(number)s is on this notice.", number=full.entry_number))
            )
    if sum(u.role == "evidence" for u in uploads) > MAX_EVIDENCE_FILES:
        problems.append(("evidence", _("Attach at most %(n)d evidence files.", n=MAX_EVIDENCE_FILES)))
    if problems:
        raise ObjectionProblems(problems)
    objection = Objection(
        contest_id=contest.id,
        entry_id=entry.id if entry else None,
        submitter_name=full.name,
        submitter_contact=full.phone,
        content=full.facts,
        received_at=utcnow(),
        receipt=_new_receipt(contest),
        filer_kind=full.kind,
        filer_unit=full.unit,
    )
    db.session.add(objection)
    for upload in uploads:
        objection.files.append(_stored(upload, storage))
    db.session.flush()
    audit.record(
        None,
        "objection.file_online",
        objection,
        after={"receipt": objection.receipt, "entry_id": objection.entry_id, "kind": full.kind, "files": len(uploads)},
    )
    tell.objection_received(objection)
    return objection


def _entry_on_notice(contest: Contest, number: str) -> Entry | None:
    """The entry with that number, if the notice lists it (an award or a nomination, not withdrawn)."""
    row = db.session.execute(
        select(Entry, Result)
        .join(Result, (Result.entry_id == Entry.id) & (Result.contest_id == contest.id))
        .where(Entry.contest_id == contest.id, Entry.number == number)
    ).first()
    if row is None:
        return None
    entry, result = row
    return entry if result.final_award or result.final_nominated else None


def _new_receipt(contest: Contest) -> str:
    token = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{contest.code}-YY-{token}"[:40]


def _stored(upload: Upload, storage: Storage) -> ObjectionFile:
    """The upload checked (its bytes, not its name, say what it is) and kept if the request commits."""
    name = files.display_name(upload.filename)
    kinds = FILE_KINDS[upload.role]
    limit = MAX_FILE_MB * 1024 * 1024
    try:
        saved = storage.save_stream(upload.stream, max_size=limit)
    except files.TooLarge as err:
        raise ServiceError(
            _("“%(file)s” is larger than %(limit)d MB. Nothing was saved.", file=name, limit=MAX_FILE_MB), upload.role
        ) from err
    keep = False
    try:
        with storage.open(saved.key) as fh:
            kind = files.inspect_file(fh)
        if kind not in kinds:
            raise ServiceError(
                _(
                    "“%(file)s” cannot be accepted here: send %(kinds)s files. Nothing was saved.",
                    file=name,
                    kinds=" / ".join(k.upper() for k in kinds),
                ),
                upload.role,
            )
        if kind in ("jpg", "png"):  # a phone photo of an ID card says where its owner lives
            saved = stored_without_location(storage, saved)
        files.keep_if_committed(db.session, storage, saved.key)
        keep = True
    except files.BadContent as err:
        raise ServiceError(
            _("“%(file)s” could not be opened as a document or a photo. Nothing was saved.", file=name), upload.role
        ) from err
    finally:
        if not keep:
            storage.delete(saved.key)
    return ObjectionFile(
        role=upload.role,
        original_name=name,
        storage_key=saved.key,
        file_kind=kind,
        size=saved.size,
        sha256=saved.sha256,
    )


def _withdrawn(contest_id: int, entry_id: int | None) -> bool:
    if entry_id is None:
        return False
    return bool(
        db.session.scalar(select(Result.withdrawn).where(Result.contest_id == contest_id, Result.entry_id == entry_id))
    )


def status_of(receipt: str) -> ObjectionStatus | None:
    """The status behind a receipt (spaces and case do not matter), or None for an unknown one."""
    code = "".join((receipt or "").split()).upper()
    if not code:
        return None
    objection = db.session.scalar(select(Objection).where(Objection.receipt == code))
    if objection is None:
        return None
    contest = db.session.get(Contest, objection.contest_id)
    entry = objection.entry
    return ObjectionStatus(
        receipt=code,
        contest_name=(contest.full_name or contest.name) if contest else "",
        entry_number=entry.number if entry else None,
        entry_title=entry.title if entry else None,
        filed_at=objection.received_at,
        outcome=objection.outcome,
        resolved_at=objection.resolved_at,
        award_withdrawn=_withdrawn(objection.contest_id, objection.entry_id),
    )


def public_outcomes(contest: Contest) -> list[PublicOutcome]:
    """The settled objections of the contest, oldest first, without who filed them or why."""
    settled = db.session.scalars(
        select(Objection)
        .where(Objection.contest_id == contest.id, Objection.outcome.is_not(None))
        .order_by(Objection.resolved_at, Objection.id)
    )
    return [
        PublicOutcome(
            entry_number=o.entry.number if o.entry else None,
            entry_title=o.entry.title if o.entry else None,
            outcome=o.outcome or "",
            resolved_at=o.resolved_at,
            award_withdrawn=_withdrawn(contest.id, o.entry_id),
        )
        for o in settled
    ]


# ------------------------------------------------------------ the organizer's desk ----

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
    events = (
        list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.action == "objection.correct",
                    AuditEvent.object_type == "objection",
                    AuditEvent.object_id.in_([o.id for o in rows]),
                )
                .order_by(AuditEvent.id)
            )
        )
        if rows
        else []
    )
    user_ids = {o.resolved_by_id for o in rows if o.resolved_by_id} | {e.actor_id for e in events if e.actor_id}
    names = (
        dict((i, n) for i, n in db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))))
        if user_ids
        else {}
    )
    corrections: dict[int, list[DeskCorrection]] = {}
    for e in events:
        corrections.setdefault(e.object_id or 0, []).append(
            DeskCorrection(
                at=e.at,
                by=names.get(e.actor_id or 0, ""),
                outcome_before=(e.before or {}).get("outcome"),
                outcome_after=(e.after or {}).get("outcome"),
                reason=e.reason or "",
            )
        )
    shown = [_desk_row(o, results.get(o.entry_id or 0), names, corrections.get(o.id, [])) for o in rows]
    counts = {"all": len(shown)} | {s: sum(1 for o in shown if o.state == s) for s in DESK_STATES}
    chosen = state if state in DESK_STATES else None
    run = get_run(contest)
    return Desk(
        objections=[o for o in shown if chosen is None or o.state == chosen],
        counts=counts,
        state=chosen,
        notice_ends_at=utc_to_local(run.notice_ends_at) if run else None,
        notice_ended=contest.state == ContestState.PUBLISHED and not notice_running(contest),
        closed=_desk_closed(contest),
    )


def _desk_row(
    o: Objection, result: Result | None, names: dict[int, str], corrections: list[DeskCorrection]
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
    )


def _desk_closed(contest: Contest) -> str | None:
    """Why no finding can be recorded now (translated), or None."""
    if contest.state == ContestState.FINAL:
        return _("The results of this contest are final and frozen.")
    if contest.state != ContestState.PUBLISHED:
        return _("Objections are settled while the results are in the public notice.")
    return write_guard.refusal(contest, "objection")


def _check_desk(contest: Contest, *, withdraw: bool) -> None:
    closed = _desk_closed(contest)
    if closed is not None:
        raise write_guard.PhaseClosed(closed)
    if withdraw:
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


def _withdraw_with(objection: Objection, result: Result | None, finding: Finding, *, actor) -> None:
    """The award's withdrawal that a founded finding asked for, through the one withdrawal there is."""
    if finding.withdraw and result is not None:
        reason = _(
            "Objection %(ref)s is founded: %(reasoning)s", ref=_reference(objection), reasoning=finding.reasoning
        )
        withdraw_award(result, actor=actor, reason=reason)


def settle(objection: Objection, finding: Finding, *, actor) -> None:
    """Record the finding on an open objection and, when it is founded and asks for it, withdraw
    the entry's award and nomination: one transaction, each change audited. A settled objection
    is final (see correct())."""
    contest = db.session.get_one(Contest, objection.contest_id)
    _check_desk(contest, withdraw=finding.withdraw)
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
    finding before and after). A founded finding may withdraw the award now; a withdrawn award is
    not given back here."""
    contest = db.session.get_one(Contest, objection.contest_id)
    _check_desk(contest, withdraw=finding.withdraw)
    if objection.outcome is None:
        raise ServiceError(_("This objection is not settled yet: record its finding first."), "finding")
    result = _result_of(objection)
    reason = (reason or "").strip()
    was = Finding(objection.outcome, objection.resolution or "")
    _refuse(correction_problems(was, finding, reason, can_withdraw=_withdrawable(result)))
    _record_finding(objection, result, finding, actor=actor, action="objection.correct", reason=reason)


def _record_finding(
    objection: Objection, result, finding: Finding, *, actor, action: str, reason: str | None = None
) -> None:
    """Write the finding (settled or corrected), audit it with the finding before, then withdraw if asked."""
    before = {"outcome": objection.outcome, "resolution": objection.resolution}
    objection.outcome = finding.outcome
    objection.resolution = finding.reasoning
    objection.resolved_at = utcnow()
    objection.resolved_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        actor,
        action,
        objection,
        before=before,
        after={"outcome": finding.outcome, "resolution": finding.reasoning, "withdrawn": finding.withdraw},
        reason=reason,
    )
    _withdraw_with(objection, result, finding, actor=actor)
