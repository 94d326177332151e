"""The entry's materials: upload files for a requirement, delete one."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...adapters.storage import display_name
from ...models import Attachment, MaterialRequirement, Student
from ...services import ServiceError, submissions
from .. import doorway
from ..loaders import part_of_or_404
from ..permissions import can_edit_entry, entry_or_403
from .blueprint import bp
from .entries import render_entry
from .entry_actions import act


@bp.route("/entries/<int:entry_id>/materials/<int:requirement_id>", methods=["POST"])
def upload(entry_id: int, requirement_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    requirement = part_of_or_404(MaterialRequirement, requirement_id, section_id=entry.section_id)
    uploads = [f for f in request.files.getlist("file") if f and f.filename]
    limits = submissions.ContentLimits.from_config(current_app.config)
    # A refused file is named beside its requirement, and none of this request's files is kept.
    doorway.on_refusal(respond=lambda exc: render_entry(entry, upload_errors={requirement.id: exc.message}, status=400))
    if not uploads:
        raise ServiceError(_("Choose a file to upload."))
    names = []
    for upload_file in uploads:
        attachment = submissions.store_upload(
            entry, requirement, upload_file.stream, upload_file.filename, actor=current_user, limits=limits
        )
        names.append(attachment.original_name)
    flash(_("Uploaded: %(names)s", names="、".join(names)), "success")
    return redirect(url_for("teacher.entry", entry_id=entry.id, _anchor="materials"))


@bp.route("/entries/<int:entry_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
def delete_attachment(entry_id: int, attachment_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    attachment = part_of_or_404(Attachment, attachment_id, entry_id=entry.id)
    return act(
        entry.id,
        lambda: submissions.delete_attachment(attachment, actor=current_user),
        _("Deleted: %(name)s", name=display_name(attachment.original_name)),
        anchor="materials",
    )


@bp.route("/entries/<int:entry_id>/students/<int:student_id>/photo", methods=["POST"])
def upload_photo(entry_id: int, student_id: int):
    """A student's 免冠照片 for the 申报书, checked as every upload is."""
    entry = entry_or_403(entry_id, can_edit_entry)
    student = part_of_or_404(Student, student_id, entry_id=entry.id)
    upload_file = request.files.get("file")
    limits = submissions.ContentLimits.from_config(current_app.config)
    doorway.on_refusal(
        respond=lambda exc: render_entry(entry, upload_errors={f"photo-{student.id}": exc.message}, status=400)
    )
    submissions.store_student_photo(
        student,
        upload_file.stream if upload_file else None,
        upload_file.filename if upload_file else None,
        actor=current_user,
        limits=limits,
    )
    flash(_("The photo of %(name)s has been uploaded.", name=student.name), "success")
    return redirect(url_for("teacher.entry", entry_id=entry.id, _anchor="authors"))
