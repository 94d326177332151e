"""Filing an objection online from the public notice page, by anyone and without an account
(公示期异议): the window it is open in, the checks (domain/objections.filing_problems), the
files (their bytes say what they are; photos lose their location) and the receipt."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters import storage as files
from ...adapters.storage import Storage
from ...domain.objections import ObjectionFiling, filing_problems, window_problem
from ...domain.states import ContestState
from ...domain.text import clean_phone
from ...extensions import db
from ...i18n.messages import translate
from ...i18n.timeutil import display_zone, utc_to_local
from ...models import Contest, Entry, Objection, ObjectionFile, Result
from ...models.base import utcnow
from .. import ServiceError, audit, write_guard
from ..notifications import compose as tell
from ..results import get_run

# The teacher uploads' own step, so an objection's photos lose their location exactly as theirs do.
from ..submissions.materials import stored_without_location

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
