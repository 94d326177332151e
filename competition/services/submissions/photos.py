"""A student's 免冠照片 for the 申报书: a JPEG or PNG checked as every upload is (its real kind,
its size, its pixels, stored without the place it was taken), kept as the entry's StudentPhoto and
pointed at by the student's row; the photo it replaces is deleted with the transaction."""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from ...adapters import storage as files
from ...extensions import db
from ...models import Entry, Student, StudentPhoto
from .. import ServiceError, audit
from .materials import ContentLimits, checked_file
from .windows import require_editable

PHOTO_KINDS = ("jpg", "png")
PHOTO_MAX_MB = 5


def entry_photo_ids(entry: Entry) -> set[int]:
    """The photos uploaded for the entry's students (a saved form may point only at these)."""
    if entry.id is None:
        return set()
    return set(db.session.scalars(select(StudentPhoto.id).where(StudentPhoto.entry_id == entry.id)))


def store_student_photo(
    student: Student,
    fileobj: BinaryIO,
    filename: str | None,
    *,
    actor,
    limits: ContentLimits | None = None,
) -> StudentPhoto:
    entry = student.entry
    require_editable(entry)
    if not filename:
        raise ServiceError(_("Choose a photo to upload."))
    label = _("the ID photo of %(name)s", name=student.name)
    name = files.display_name(filename, fallback=label)
    saved, kind = checked_file(
        fileobj, name, label=label, kinds=PHOTO_KINDS, limit_mb=PHOTO_MAX_MB, limits=limits or ContentLimits()
    )
    store = files.get_storage()
    files.keep_if_committed(db.session, store, saved.key)
    photo = StudentPhoto(
        entry_id=entry.id,
        storage_key=saved.key,
        file_kind=kind,
        content_type=files.CONTENT_TYPES[kind],
        size=saved.size,
        sha256=saved.sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(photo)
    old = student.photo
    student.photo = photo
    db.session.flush()
    if old is not None:
        files.delete_when_committed(db.session, store, old.storage_key)
        db.session.delete(old)
        db.session.flush()
    audit.record(
        actor,
        "student.photo",
        entry,
        before={"photo_id": old.id, "sha256": old.sha256} if old is not None else None,
        after={"student": student.name, "photo_id": photo.id, "kind": kind, "size": saved.size, "sha256": saved.sha256},
    )
    return photo


def photo_bytes(photo: StudentPhoto) -> bytes:
    """The stored photo, for the 申报书."""
    with files.get_storage().open(photo.storage_key) as fh:
        return fh.read()
