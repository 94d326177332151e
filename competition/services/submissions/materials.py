"""An entry's materials: each uploaded file checked by its content (its real kind, its size, no
password, no JavaScript, photos without their location) and kept, or refused with nothing left
behind. Files follow the transaction (see `storage.keep_if_committed`): if the request does not
commit, the file is gone too."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO, cast

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...adapters import images, media
from ...adapters import storage as files
from ...extensions import db
from ...models import Attachment, Entry, MaterialRequirement
from .. import ServiceError, audit
from .windows import require_editable

log = logging.getLogger(__name__)


def kinds_label(kinds: Iterable[str]) -> str:
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
    require_editable(entry)
    if requirement.section_id != entry.section_id:
        raise ServiceError(_("This material does not belong to the entry's section."))
    name = files.display_name(filename or "", fallback=requirement.name)
    if not filename:
        raise ServiceError(_("Choose a file to upload."))
    count = (
        db.session.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(Attachment.entry_id == entry.id, Attachment.requirement_id == requirement.id)
        )
        or 0
    )
    if count >= requirement.max_files:
        raise ServiceError(
            _(
                "%(material)s takes at most %(n)d file(s). Delete one before uploading another.",
                material=requirement.name,
                n=requirement.max_files,
            )
        )
    saved, kind = checked_file(
        fileobj,
        name,
        label=requirement.name,
        kinds=requirement.file_kinds,
        limit_mb=requirement.max_size_mb,
        limits=limits,
        max_duration_seconds=requirement.max_duration_seconds,
    )
    store = files.get_storage()
    keep = False
    try:
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


def checked_file(
    fileobj: BinaryIO,
    name: str,
    *,
    label: str,
    kinds: Iterable[str],
    limit_mb: int,
    limits: ContentLimits,
    max_duration_seconds: int | None = None,
) -> tuple[files.StoredFile, str]:
    """Store an upload and check it by its content: its size, its real kind among ``kinds``, no
    password or JavaScript, a video's length, a photo without its location. Returns the stored
    file and its kind; a refused file is deleted at once (ServiceError naming ``label``)."""
    kinds = list(kinds)
    params = {"file": name, "material": label, "kinds": kinds_label(kinds), "limit": limit_mb}
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
    try:
        if saved.size == 0:
            raise ServiceError(_("“%(file)s” is empty. Nothing was saved.", file=name))
        kind = _inspect(store, saved.key, params, limits)
        if kind not in kinds:
            raise ServiceError(
                _(
                    "“%(file)s” is really a %(actual)s file, but %(material)s accepts only "
                    "%(kinds)s (at most %(limit)d MB each). Nothing was saved.",
                    actual=kind.upper(),
                    **params,
                )
            )
        if kind == "mp4" and max_duration_seconds:
            _check_duration(store, saved.key, name, label, max_duration_seconds)
        if kind in ("jpg", "png"):
            saved = stored_without_location(store, saved)
    except BaseException:
        store.delete(saved.key)
        raise
    return saved, kind


def duration_label(seconds: float) -> str:
    """A video's length as people read it (65.4 -> 1 min 05 s)."""
    whole = int(seconds + 0.5)
    return _("%(m)d min %(s)02d s", m=whole // 60, s=whole % 60)


def _check_duration(store: files.Storage, key: str, name: str, material: str, limit: int) -> None:
    """Refuse a video longer than the material allows (its length read by ffprobe from the file)."""
    local_path = getattr(store, "local_path", None)
    try:
        if local_path is not None:
            seconds = media.video_duration(local_path(key))
        else:  # a remote backend: ffprobe reads a local copy
            with tempfile.NamedTemporaryFile(suffix=".mp4") as copy:
                files.copy_to(store, key, cast(BinaryIO, copy))
                copy.flush()
                seconds = media.video_duration(copy.name)
    except media.UnreadableVideo as exc:
        log.warning("video %s unreadable: %s", key, exc)
        raise ServiceError(
            _(
                "“%(file)s” could not be read as a video, so its length is unknown. Export it again as "
                "MP4 and upload that file. Nothing was saved.",
                file=name,
            )
        ) from None
    # a video cut to exactly the limit often measures a few hundredths more
    if seconds > limit + 0.5:
        raise ServiceError(
            _(
                "“%(file)s” runs %(duration)s; %(material)s may run at most %(limit)s. Shorten it and "
                "upload again. Nothing was saved.",
                file=name,
                duration=duration_label(seconds),
                material=material,
                limit=duration_label(limit),
            )
        )


def stored_without_location(store: files.Storage, saved: files.StoredFile) -> files.StoredFile:
    """The stored photo without the place it was taken (see competition.images); the same file
    when it carries none. The replaced copy is removed at once."""
    # The copy spills to a temporary file past 1 MB: memory stays small whatever the photo's size.
    with store.open(saved.key) as src, tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spooled:
        copy = cast(BinaryIO, spooled)  # a binary file, though typeshed does not call it a BinaryIO
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


def _inspect(store: files.Storage, key: str, params: dict[str, Any], limits: ContentLimits) -> str:
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
    require_editable(entry)
    info = {"attachment_id": attachment.id, "name": attachment.original_name, "sha256": attachment.sha256}
    files.delete_when_committed(db.session, files.get_storage(), attachment.storage_key)
    entry.attachments.remove(attachment)
    db.session.delete(attachment)
    db.session.flush()
    audit.record(actor, "attachment.delete", entry, before=info)
