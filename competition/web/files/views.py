"""Downloading uploaded materials: only to people allowed to see the entry, with safe headers."""

from __future__ import annotations

from flask import abort, g, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...adapters.storage import CONTENT_TYPES, INLINE_KINDS, display_name, get_storage
from ...models import Attachment, ObjectionFile, Student
from ...services.exports import download_name as safe_download_name
from ...services.exports import material_file_name
from .. import permissions
from ..doorway import AreaBlueprint
from ..loaders import row_or_404
from ..security import CSP

bp = AreaBlueprint("files", __name__)

# Every file answers with `sandbox`: a document opened from it (a PDF, an image, a video) runs no
# script of this site's origin, so a hostile upload cannot act for the judge who views it.
FILE_CSP = CSP + "; sandbox"
INLINE_CSP = FILE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


def download_name(attachment: Attachment, user) -> str:
    """The contest's material file name (material_file_pattern), except for a judge of a blind
    contest: entry number and material name, since the pattern names the school and the students."""
    entry = attachment.entry
    blind_judge = (
        entry.contest.blind_judging
        and not permissions.can_view_entry(user, entry)
        and permissions.judge_sees_entry(user, entry)
    )
    if not blind_judge:
        return material_file_name(attachment)
    material = attachment.requirement.name if attachment.requirement else _("Material")
    number = entry.number or f"{entry.id}"
    siblings = [a.id for a in entry.attachments if a.requirement_id == attachment.requirement_id]
    suffix = f"_{siblings.index(attachment.id) + 1}" if len(siblings) > 1 and attachment.id in siblings else ""
    return display_name(f"{number}_{material}{suffix}.{attachment.file_kind}")


@bp.route("/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment = row_or_404(Attachment, attachment_id)
    if permissions.entry_is_gone(current_user, attachment.entry):
        abort(404)
    if not permissions.can_download_attachment(current_user, attachment):
        abort(404)  # as for a missing id: the answer must not tell which ids exist
    inline = request.args.get("inline") == "1" and attachment.file_kind in INLINE_KINDS
    storage = get_storage()
    if not storage.exists(attachment.storage_key):
        abort(404)
    g.csp = INLINE_CSP if inline else FILE_CSP
    name = download_name(attachment, current_user)
    return _send_stored(storage, attachment.storage_key, attachment.file_kind, name, attachment.sha256, inline)


def _send_stored(storage, key: str, kind: str, name: str, sha256: str, inline: bool = False):
    """A stored file with safe headers. A local path lets send_file know size and time, so Range
    requests (video seeking) work; other backends give a stream."""
    local_path = getattr(storage, "local_path", None)
    response = send_file(
        local_path(key) if local_path else storage.open(key),
        mimetype=CONTENT_TYPES.get(kind, "application/octet-stream"),
        as_attachment=not inline,
        download_name=safe_download_name(name or f"file.{kind}"),
        conditional=True,
        etag=sha256,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


@bp.route("/entries/<int:entry_id>/students/<int:student_id>/photo")
@login_required
def student_photo(entry_id: int, student_id: int):
    """A student's 免冠照片, shown on the entry's pages: to the entry's teachers, its reviewers and
    organizers only (judges never: it names the child); to anyone else 404, as for a missing id."""
    student = row_or_404(Student, student_id)
    entry = student.entry
    if entry.id != entry_id or permissions.entry_is_gone(current_user, entry):
        abort(404)
    if not permissions.can_view_entry(current_user, entry) or student.photo is None:
        abort(404)
    photo = student.photo
    storage = get_storage()
    if not storage.exists(photo.storage_key):
        abort(404)
    g.csp = INLINE_CSP
    name = display_name(f"{student.name}_照片.{photo.file_kind}")
    return _send_stored(storage, photo.storage_key, photo.file_kind, name, photo.sha256, inline=True)


@bp.route("/objection/<int:file_id>")
@login_required
@permissions.role_required("organizer")
def objection_file(file_id: int):
    """A file sent with an online objection (an identity document, a sealed letter, evidence):
    the organizer's only, always as a download."""
    item = row_or_404(ObjectionFile, file_id)
    storage = get_storage()
    if not storage.exists(item.storage_key):
        abort(404)
    g.csp = FILE_CSP
    return _send_stored(storage, item.storage_key, item.file_kind, display_name(item.original_name), item.sha256)
