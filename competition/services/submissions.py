"""The teacher's submission workflow: drafts, materials, submit, withdraw, resubmit.

Rows are turned into the plain data of `domain.eligibility`, whose rules decide; this module
only loads, changes, flushes and audits. Uploaded files follow the transaction (see
`storage.keep_if_committed`): if the request does not commit, the file is gone too.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..adapters import images
from ..adapters import storage as files
from ..domain import eligibility as rules
from ..domain.characters import identity
from ..domain.states import (
    EDITABLE_ENTRY_STATES,
    ContestState,
    EntryState,
    entry_transition_error,
    is_final,
    results_public,
)
from ..domain.text import N_, Message
from ..extensions import db
from ..i18n.messages import translate
from ..i18n.timeutil import utc_to_local
from ..models import (
    Adviser,
    Attachment,
    AuditEvent,
    Contest,
    Entry,
    MaterialRequirement,
    Result,
    School,
    Section,
    Student,
    utcnow,
)
from . import ServiceError, audit, write_guard
from .certificates import entry_certificates

log = logging.getLogger(__name__)

# Which part of the entry page a problem belongs to (the progress checklist).
PARTS = {
    "basic": (
        "title",
        "abstract",
        "section",
        "stage",
        "subject",
        "is_team",
        "group_name",
        "completed_on",
        "contact_phone",
    ),
    "authors": ("students",),
    "advisers": ("advisers",),
    "materials": ("materials",),
    "confirm": ("data_confirmed",),
}


class EntryProblems(ServiceError):
    """Several problems at once, each a translated message with the field it is about."""

    def __init__(self, problems: list[Message]):
        self.problems = problems
        self.errors = [(p.field, translate(p)) for p in problems]
        super().__init__("\n".join(text for _f, text in self.errors), problems[0].field if problems else None)


# ---------------------------------------------------------------------------------------------
# Rows -> plain data


def section_rules(section: Section) -> rules.SectionRules:
    return rules.SectionRules(
        name=section.name,
        kind=section.kind,
        stages=tuple(section.stages or ()),
        subjects=dict(section.subjects or {}),
        individual_allowed=section.individual_allowed,
        team_allowed=section.team_allowed,
        max_team_size=section.max_team_size,
        max_advisers=section.max_advisers,
        advisers_allowed=section.advisers_allowed,
        group_entry=section.group_entry,
        age_min=section.age_min,
        age_max=section.age_max,
        materials=tuple(
            rules.MaterialRule(
                id=m.id,
                name=m.name,
                required=m.required,
                file_kinds=tuple(m.file_kinds or ()),
                max_size_mb=m.max_size_mb,
                max_files=m.max_files,
                application_form=m.is_application_form,
            )
            for m in section.materials
        ),
    )


def _person(s: Student) -> rules.PersonData:
    return rules.PersonData(
        name=s.name, gender=s.gender, grade=s.grade, school_name=s.school_name, birth_date=s.birth_date
    )


def entry_data(entry: Entry) -> rules.EntryData:
    counts: dict[int, int] = {}
    for a in entry.attachments:
        if a.requirement_id is not None:
            counts[a.requirement_id] = counts.get(a.requirement_id, 0) + 1
    return rules.EntryData(
        id=entry.id,
        title=entry.title,
        abstract=entry.abstract,
        stage=entry.stage,
        subject=entry.subject,
        is_team=entry.is_team,
        group_name=entry.group_name,
        completed_on=entry.completed_on,
        contact_phone=entry.contact_phone,
        data_confirmed=entry.data_confirmed,
        students=tuple(_person(s) for s in entry.students),
        advisers=tuple(
            rules.AdviserData(name=a.name, gender=a.gender, unit=a.unit, phone=a.phone) for a in entry.advisers
        ),
        files_per_material=counts,
        author_id=entry.created_by_id,
    )


def other_entries(entry: Entry) -> list[rules.OtherEntry]:
    """The contest's entries that hold a student's place (the rules skip the entry itself)."""
    return contest_entries(entry.contest_id)


def contest_entries(contest_id: int) -> list[rules.OtherEntry]:
    query = (
        select(Entry)
        .where(Entry.contest_id == contest_id, Entry.state.in_(rules.NON_DRAFT))
        .options(selectinload(Entry.students), selectinload(Entry.section))
    )
    rows = db.session.scalars(query)
    return [
        rules.OtherEntry(
            id=e.id,
            state=e.state,
            title=e.title,
            section_kind=e.section.kind,
            author_id=e.created_by_id,
            students=tuple(_person(s) for s in e.students),
        )
        for e in rows
    ]


def problems(entry: Entry, *, today: date | None = None, others: list[rules.OtherEntry] | None = None) -> list[Message]:
    """Everything that still blocks submission (the teacher's "still missing" list)."""
    contest = entry.contest
    return rules.submission_problems(
        entry_data(entry),
        section_rules(entry.section),
        contest_year=contest.year,
        within_years=contest.settings_view.work_completed_within_years,
        today=today or utc_to_local(utcnow()).date(),
        others=other_entries(entry) if others is None else others,
    )


def problems_by_entry(entries: list[Entry]) -> dict[int, list[Message]]:
    """The "still missing" lists of many entries, loading each contest's entries once."""
    by_contest: dict[int, list[rules.OtherEntry]] = {}
    out = {}
    for entry in entries:
        if entry.state not in EDITABLE_ENTRY_STATES:
            continue
        if entry.contest_id not in by_contest:
            by_contest[entry.contest_id] = contest_entries(entry.contest_id)
        out[entry.id] = problems(entry, others=by_contest[entry.contest_id])
    return out


def checklist(found: list[Message]) -> list[tuple[str, bool]]:
    """(part, done) for each part of the entry page, in page order."""
    bad = {p.field for p in found}
    return [(part, not bad.intersection(names)) for part, names in PARTS.items()]


# ---------------------------------------------------------------------------------------------
# Time windows


def submit_deadline(entry: Entry) -> datetime | None:
    if entry.state == EntryState.RETURNED and entry.resubmit_by is not None:
        return entry.resubmit_by
    return entry.contest.submission_closes_at


def can_still_submit(entry: Entry, now: datetime | None = None) -> bool:
    now = now or utcnow()
    contest = entry.contest
    return rules.can_still_submit(
        entry.state,
        now,
        contest_open=contest.is_submission_open(now),
        contest_state=contest.state,
        resubmit_by=entry.resubmit_by,
    )


def is_editable(entry: Entry, now: datetime | None = None) -> bool:
    return entry.state in EDITABLE_ENTRY_STATES and can_still_submit(entry, now)


def can_withdraw(entry: Entry, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return entry.state == EntryState.SUBMITTED and entry.reviewed_at is None and entry.contest.is_submission_open(now)


def _require_editable(entry: Entry) -> None:
    write_guard.check(entry.contest, "entry")
    if entry.state not in EDITABLE_ENTRY_STATES:
        raise ServiceError(
            _(
                "This entry has been submitted and cannot be changed now. Withdraw it first, "
                "if the deadline has not passed."
            )
        )
    if not can_still_submit(entry):
        raise ServiceError(_("The deadline has passed; this entry can no longer be changed."))


# ---------------------------------------------------------------------------------------------
# Drafts


def open_contests(now: datetime | None = None) -> list[Contest]:
    now = now or utcnow()
    contests = db.session.scalars(
        select(Contest).where(Contest.state == ContestState.OPEN).order_by(Contest.year.desc(), Contest.id)
    )
    return [c for c in contests if c.is_submission_open(now)]


def school_entries(school_id: int) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.school_id == school_id, Entry.state != EntryState.WITHDRAWN)
            .options(selectinload(Entry.students), selectinload(Entry.attachments), selectinload(Entry.section))
            .order_by(Entry.contest_id.desc(), Entry.created_at.desc(), Entry.id.desc())
        )
    )


def published_awards(entries: list[Entry]) -> dict[int, str]:
    """The award of each entry whose contest's results are public (公示 or final)."""
    ids = [e.id for e in entries if results_public(e.contest.state)]
    if not ids:
        return {}
    rows = db.session.scalars(select(Result).where(Result.entry_id.in_(ids)))
    return {r.entry_id: r.final_award for r in rows if r.final_award}


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _cleaned(data: rules.EntryData, section: Section) -> rules.EntryData:
    """What the teacher typed, trimmed and fitted to the section (no students where it takes none)."""
    sec_rules = section_rules(section)
    students = (
        [
            rules.PersonData(
                name=identity(p.name or "").strip(),
                gender=_clean(p.gender),
                grade=_clean(p.grade),
                school_name=_clean(identity(p.school_name or "")),
                birth_date=p.birth_date,
            )
            for p in data.students
        ]
        if sec_rules.has_students
        else []
    )
    advisers = (
        [
            rules.AdviserData(
                name=identity(a.name or "").strip(),
                gender=_clean(a.gender),
                unit=_clean(a.unit),
                phone=_clean(identity(a.phone or "")),
            )
            for a in data.advisers
        ]
        if sec_rules.adviser_limit
        else []
    )
    is_team = bool(data.is_team) and sec_rules.has_students and section.team_allowed
    if sec_rules.has_students and not section.individual_allowed:
        is_team = True
    return rules.EntryData(
        title=(data.title or "").strip(),
        abstract=_clean(data.abstract),
        stage=_clean(data.stage),
        subject=_clean(data.subject),
        is_team=is_team,
        group_name=_clean(data.group_name),
        completed_on=data.completed_on,
        contact_phone=_clean(identity(data.contact_phone or "")),
        data_confirmed=bool(data.data_confirmed),
        students=tuple(students),
        advisers=tuple(advisers),
    )


def draft_problems(data: rules.EntryData, section: Section) -> list[Message]:
    """What would stop `save_draft` from saving this input, without saving anything; lets the
    form name every problem at once, also when the form itself found some."""
    return rules.draft_problems(_cleaned(data, section), section_rules(section))


def save_draft(
    entry: Entry | None,
    data: rules.EntryData,
    *,
    section_id: int,
    school: School,
    actor,
    contest: Contest | None = None,
) -> Entry:
    """Create (entry None) or update a draft or returned entry from what the teacher typed.
    Only a title is required."""
    if entry is None:
        if contest is None or not contest.is_submission_open(utcnow()):
            raise ServiceError(_("This contest is not taking entries now."))
        write_guard.check(contest, "entry")
    else:
        contest = entry.contest
        _require_editable(entry)
    section = db.session.get(Section, section_id)
    if section is None or section.contest_id != contest.id:
        raise EntryProblems([Message(N_("Choose a section of this contest."), field="section")])
    if entry is not None and section.id != entry.section_id and entry.attachments:
        raise EntryProblems(
            [
                Message(
                    N_(
                        "Delete the uploaded materials before changing the section; "
                        "they belong to the old section's list."
                    ),
                    field="section",
                )
            ]
        )
    draft = _cleaned(data, section)
    students, advisers = draft.students, draft.advisers
    found = rules.draft_problems(draft, section_rules(section))
    if found:
        raise EntryProblems(found)

    created = entry is None
    before = None if created else _snapshot(entry)
    if created:
        entry = Entry(contest_id=contest.id, school_id=school.id, created_by_id=actor.id, state=EntryState.DRAFT)
        db.session.add(entry)
    entry.section_id = section.id
    entry.section = section
    entry.title = draft.title
    entry.abstract = draft.abstract
    entry.stage = draft.stage
    entry.subject = draft.subject
    entry.is_team = draft.is_team
    entry.group_name = draft.group_name if section.group_entry else None
    entry.completed_on = draft.completed_on
    entry.contact_phone = draft.contact_phone
    entry.data_confirmed = draft.data_confirmed
    entry.students = [
        Student(
            position=i,
            name=p.name,
            gender=p.gender,
            grade=p.grade,
            school_name=p.school_name,
            stage=rules.stage_of_grade(p.grade),
            birth_date=p.birth_date,
        )
        for i, p in enumerate(students)
    ]
    entry.advisers = [
        Adviser(position=i, name=a.name, gender=a.gender, unit=a.unit, phone=a.phone) for i, a in enumerate(advisers)
    ]
    db.session.flush()
    after = _snapshot(entry)
    if created:
        audit.record(actor, "entry.create", entry, after=after)
    elif after != before:
        changed = {k for k in after if after[k] != before.get(k)}
        audit.record(
            actor,
            "entry.update",
            entry,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    return entry


def _snapshot(entry: Entry) -> dict:
    return {
        "title": entry.title,
        "section_id": entry.section_id,
        "stage": entry.stage,
        "subject": entry.subject,
        "is_team": entry.is_team,
        "group_name": entry.group_name,
        "abstract": entry.abstract,
        "completed_on": entry.completed_on.isoformat() if entry.completed_on else None,
        "contact_phone": entry.contact_phone,
        "data_confirmed": entry.data_confirmed,
        "students": [[s.name, s.gender, s.grade, s.school_name] for s in entry.students],
        "advisers": [[a.name, a.gender, a.unit, a.phone] for a in entry.advisers],
    }


# ---------------------------------------------------------------------------------------------
# Materials


def kinds_label(kinds) -> str:
    return "、".join(k.upper() for k in kinds)


_EXTENSIONS = {
    "jpg": ("jpg", "jpeg"),
    "pdf": ("pdf",),
    "png": ("png",),
    "mp4": ("mp4", "m4v"),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "zip": ("zip",),
}


def _name_with_kind(name: str, kind: str) -> str:
    """Keep the teacher's name, but let its extension say what the file really is."""
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    if suffix in _EXTENSIONS.get(kind, ()):
        return name
    return f"{name}.{kind}"


@dataclass(frozen=True)
class ContentLimits:
    """UPLOAD_MAX_* settings: how large an image or how long a PDF an upload may be inside."""

    max_image_pixels: int = files.DEFAULT_MAX_IMAGE_PIXELS
    max_pdf_pages: int = files.DEFAULT_MAX_PDF_PAGES

    @classmethod
    def from_config(cls, config) -> ContentLimits:
        return cls(
            max_image_pixels=config.get("UPLOAD_MAX_IMAGE_PIXELS", files.DEFAULT_MAX_IMAGE_PIXELS),
            max_pdf_pages=config.get("UPLOAD_MAX_PDF_PAGES", files.DEFAULT_MAX_PDF_PAGES),
        )


def store_upload(
    entry: Entry,
    requirement: MaterialRequirement,
    fileobj: BinaryIO,
    filename: str | None,
    *,
    actor,
    limits: ContentLimits = ContentLimits(),
) -> Attachment:
    """Check one uploaded file by its content and keep it; refuse it with nothing left behind."""
    _require_editable(entry)
    if requirement.section_id != entry.section_id:
        raise ServiceError(_("This material does not belong to the entry's section."))
    name = files.display_name(filename or "", fallback=requirement.name)
    if not filename:
        raise ServiceError(_("Choose a file to upload."))
    count = db.session.scalar(
        select(func.count())
        .select_from(Attachment)
        .where(Attachment.entry_id == entry.id, Attachment.requirement_id == requirement.id)
    )
    if count >= requirement.max_files:
        raise ServiceError(
            _(
                "%(material)s takes at most %(n)d file(s). Delete one before uploading another.",
                material=requirement.name,
                n=requirement.max_files,
            )
        )
    limit_mb = requirement.max_size_mb
    allowed = kinds_label(requirement.file_kinds)
    params = {"file": name, "material": requirement.name, "kinds": allowed, "limit": limit_mb}
    store = files.get_storage()
    try:
        saved = store.save_stream(fileobj, max_size=limit_mb * 1024 * 1024)
    except files.TooLarge:
        raise ServiceError(
            _(
                "“%(file)s” is larger than %(limit)d MB, the limit for %(material)s "
                "(allowed: %(kinds)s). Nothing was saved.",
                **params,
            )
        ) from None
    keep = False
    try:
        if saved.size == 0:
            raise ServiceError(_("“%(file)s” is empty. Nothing was saved.", file=name))
        kind = _inspect(store, saved.key, params, limits)
        if kind not in requirement.file_kinds:
            raise ServiceError(
                _(
                    "“%(file)s” is really a %(actual)s file, but %(material)s accepts only "
                    "%(kinds)s (at most %(limit)d MB each). Nothing was saved.",
                    actual=kind.upper(),
                    **params,
                )
            )
        if kind in ("jpg", "png"):
            saved = _without_location(store, saved)
        attachment = Attachment(
            entry_id=entry.id,
            requirement_id=requirement.id,
            original_name=_name_with_kind(name, kind),
            storage_key=saved.key,
            file_kind=kind,
            content_type=files.CONTENT_TYPES[kind],
            size=saved.size,
            sha256=saved.sha256,
            uploaded_by_id=actor.id,
        )
        entry.attachments.append(attachment)
        files.keep_if_committed(db.session, store, saved.key)
        keep = True
    finally:
        if not keep:
            store.delete(saved.key)
    db.session.flush()
    audit.record(
        actor,
        "attachment.upload",
        entry,
        after={
            "attachment_id": attachment.id,
            "material": requirement.code,
            "name": attachment.original_name,
            "kind": kind,
            "size": saved.size,
            "sha256": saved.sha256,
        },
    )
    return attachment


def _without_location(store, saved):
    """The stored photo without the place it was taken (see competition.images); the same file
    when it carries none. The replaced copy is removed at once."""
    # The copy spills to a temporary file past 1 MB: memory stays small whatever the photo's size.
    with store.open(saved.key) as src, tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as copy:
        try:
            changed = images.copy_without_location(src, copy)
        except images.NotRewritable as exc:
            # Pillow opened it as a JPEG already; keep it rather than refuse a teacher's photo.
            log.warning("photo %s kept with its metadata: %s", saved.key, exc)
            return saved
        if not changed:
            return saved
        copy.seek(0)
        replacement = store.save_stream(copy)
    store.delete(saved.key)
    return replacement


def _inspect(store, key: str, params: dict, limits: ContentLimits) -> str:
    try:
        with store.open(key) as fh:
            return files.inspect_file(fh, max_image_pixels=limits.max_image_pixels, max_pdf_pages=limits.max_pdf_pages)
    except files.BadContent as exc:
        reasons = {
            "unknown": _(
                "“%(file)s” is not a file type we can accept; %(material)s accepts only %(kinds)s "
                "(at most %(limit)d MB each). Nothing was saved.",
                **params,
            ),
            "encrypted": _(
                "“%(file)s” is protected by a password, so judges could not open it. "
                "Save it without a password and upload again.",
                **params,
            ),
            "too_many_pages": _("“%(file)s” has too many pages to be a contest document. Nothing was saved.", **params),
            "page_size": _("“%(file)s” has pages of an impossible size. Nothing was saved.", **params),
            "javascript": _(
                "“%(file)s” contains JavaScript, which contest files may not carry. Print it to "
                "PDF again (or export it without scripts) and upload that file. Nothing was saved.",
                **params,
            ),
            "too_many_pixels": _(
                "“%(file)s” is an image with too many pixels. Reduce it (for example to 4000 × 3000) and upload again.",
                **params,
            ),
        }
        suffix = PurePosixPath(params["file"]).suffix.lower().lstrip(".")
        named_as = next((k for k, names in _EXTENSIONS.items() if suffix in names), None)
        if exc.reason == "unknown" and named_as:
            raise ServiceError(
                _(
                    "“%(file)s” is named .%(suffix)s but is not really a %(kind)s file (renaming a file does not "
                    "convert it). Open it in the program that made it, save or export it as %(kind)s, and upload "
                    "that file. Nothing was saved.",
                    suffix=suffix,
                    kind=named_as.upper(),
                    **params,
                )
            ) from None
        raise ServiceError(
            reasons.get(exc.reason)
            or _(
                "“%(file)s” could not be opened; it may be damaged. Export it again and upload the new file.", **params
            )
        ) from None


def delete_attachment(attachment: Attachment, *, actor) -> None:
    entry = attachment.entry
    _require_editable(entry)
    info = {"attachment_id": attachment.id, "name": attachment.original_name, "sha256": attachment.sha256}
    files.delete_when_committed(db.session, files.get_storage(), attachment.storage_key)
    entry.attachments.remove(attachment)
    db.session.delete(attachment)
    db.session.flush()
    audit.record(actor, "attachment.delete", entry, before=info)


# ---------------------------------------------------------------------------------------------
# State changes


def _lock(entry: Entry) -> Entry:
    """Lock the entry's row (PostgreSQL: SELECT ... FOR UPDATE) and reload it."""
    locked = db.session.scalar(
        select(Entry).where(Entry.id == entry.id).with_for_update().execution_options(populate_existing=True)
    )
    if locked is None:
        raise ServiceError(_("The page or item was not found."))
    return locked


def _move(entry: Entry, target: str, *, actor, action: str, reason: str | None = None, **values) -> None:
    """Change state only if nobody else changed the entry meanwhile (version check)."""
    write_guard.check(entry.contest, "entry")
    before = entry.state
    result = db.session.execute(
        update(Entry)
        .where(Entry.id == entry.id, Entry.version == entry.version, Entry.state == before)
        .values(state=target, version=entry.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ServiceError(_("Someone else changed this in the meantime. Reload and try again."))
    db.session.refresh(entry)
    audit.record(
        actor,
        action,
        entry,
        before={"state": before},
        after={"state": target, **{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}},
        reason=reason,
    )


def submit(entry: Entry, *, actor) -> Entry:
    """Submit a draft, or resubmit a returned entry, if it is eligible and still in time."""
    entry = _lock(entry)
    target_action = "entry.resubmit" if entry.state == EntryState.RETURNED else "entry.submit"
    error = entry_transition_error(entry.state, EntryState.SUBMITTED)
    if error:
        raise ServiceError(
            _("This entry has already been submitted.") if entry.state == EntryState.SUBMITTED else translate(error)
        )
    found = problems(entry)
    if not can_still_submit(entry):
        raise ServiceError(_("The deadline has passed; submissions are no longer accepted."))
    if found:
        raise EntryProblems(found)
    now = utcnow()  # the time is checked once more right before the change is written
    if not can_still_submit(entry, now):
        raise ServiceError(_("The deadline has passed; submissions are no longer accepted."))
    _move(entry, EntryState.SUBMITTED, actor=actor, action=target_action, submitted_at=now)
    return entry


def changed_since_review(entry: Entry) -> bool:
    """Whether the school changed the entry's data or materials after the reviewer's decision."""
    if entry.reviewed_at is None:
        return True
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.object_type == "entry",
                AuditEvent.object_id == entry.id,
                AuditEvent.action.in_(("entry.update", "attachment.upload", "attachment.delete")),
                AuditEvent.at > entry.reviewed_at,
            )
        )
        > 0
    )


def can_discard(entry: Entry, now: datetime | None = None) -> bool:
    """A draft, or a returned entry the school gives up, may be deleted while it can still be changed."""
    return is_editable(entry, now)


def discard(entry: Entry, *, actor) -> Entry:
    """Delete a draft (or give up a returned entry): it leaves the school's list and holds no
    student's place. The row, its files and the audit trail stay, so an organizer can still see it."""
    entry = _lock(entry)
    if entry_transition_error(entry.state, EntryState.WITHDRAWN) is not None:
        raise ServiceError(
            _("Only a draft or an entry returned for correction can be deleted. Withdraw a submitted entry first.")
        )
    if not can_still_submit(entry):
        raise ServiceError(_("The deadline has passed; this entry can no longer be changed."))
    _move(entry, EntryState.WITHDRAWN, actor=actor, action="entry.discard")
    return entry


def withdraw(entry: Entry, *, actor) -> Entry:
    """Take a submitted entry back to draft, before the deadline and before review started."""
    entry = _lock(entry)
    if entry.state != EntryState.SUBMITTED:
        raise ServiceError(_("Only a submitted entry can be withdrawn."))
    if entry.reviewed_at is not None:
        raise ServiceError(_("The format review of this entry has started; it can no longer be withdrawn."))
    if not can_withdraw(entry):
        raise ServiceError(_("The deadline has passed; the entry can no longer be withdrawn."))
    _move(entry, EntryState.DRAFT, actor=actor, action="entry.withdraw", submitted_at=None)
    return entry


# ---------------------------------------------------------------------------------------------
# The teacher's entry page (a read model: the view adds the links and the words)


@dataclass(frozen=True)
class EntryPage:
    entry: Entry
    editable: bool  # the school can still change it now
    problems: list[Message]  # what still blocks submission, while the entry's state allows changes
    by_requirement: dict[int | None, list[Attachment]]  # None: files whose requirement was removed
    deadline: datetime | None
    award: str | None  # once the results are public (公示 or final)
    certificates: list  # once the results are final
    can_withdraw: bool
    can_discard: bool
    unchanged_since_return: bool  # returned for correction, and nothing changed since


def entry_page(entry: Entry) -> EntryPage:
    found = problems(entry) if entry.state in EDITABLE_ENTRY_STATES else []
    by_requirement: dict[int | None, list[Attachment]] = {}
    for a in entry.attachments:
        by_requirement.setdefault(a.requirement_id, []).append(a)
    award = published_awards([entry]).get(entry.id)
    return EntryPage(
        entry=entry,
        editable=is_editable(entry),
        problems=found,
        by_requirement=by_requirement,
        deadline=submit_deadline(entry),
        award=award,
        certificates=entry_certificates(entry) if award and is_final(entry.contest.state) else [],
        can_withdraw=can_withdraw(entry),
        can_discard=can_discard(entry),
        unchanged_since_return=entry.state == EntryState.RETURNED and not changed_since_review(entry),
    )
