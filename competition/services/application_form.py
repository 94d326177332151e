"""The application form (申报书): a PDF of the entered data, printed, signed on every page,
stamped by the school and uploaded back as a scan.

`render_application_form(entry)` is also used by the exports for bundles.
"""

from __future__ import annotations

import base64

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..adapters.pdf import render_pdf
from ..domain.id_numbers import mask_id_number
from ..models import Entry, utcnow
from .submissions.photos import photo_bytes


def _photos(entry: Entry) -> dict[int, str]:
    """Each student's 免冠照片 as a data: URI for the renderer (student id -> URI)."""
    return {
        s.id: f"data:{s.photo.content_type};base64,{base64.b64encode(photo_bytes(s.photo)).decode()}"
        for s in entry.students
        if s.photo is not None
    }


def application_form_html(entry: Entry, *, gaps: list[str] | None = None, whole_id_numbers: bool = False) -> str:
    """`gaps`: what is still blank or unconfirmed; the form then says on every page that it is
    only for checking, so nobody signs and stamps an incomplete form. `whole_id_numbers`: the
    reader may read the students' 身份证号 (permissions.can_read_id_number); else they are masked."""
    section = entry.section
    return render_template(
        "documents/application_form.html",
        entry=entry,
        contest=entry.contest,
        section=section,
        counselor=section.kind == "counselor",
        group=section.group_entry,
        author=entry.created_by,
        generated_at=utcnow(),
        gaps=gaps or [],
        photos=_photos(entry),
        id_numbers={s.id: s.id_number if whole_id_numbers else mask_id_number(s.id_number) for s in entry.students},
        # "Page {page} of {pages}" as CSS content, with the page counters in place.
        page_counter=Markup(
            str(escape(_("Page {page} of {pages}")))
            .replace("&#34;", "")
            .replace("{page}", '" counter(page) "')
            .replace("{pages}", '" counter(pages) "')
        ),
    )


def render_application_form(entry: Entry, *, gaps: list[str] | None = None, whole_id_numbers: bool = False) -> bytes:
    return render_pdf(application_form_html(entry, gaps=gaps, whole_id_numbers=whole_id_numbers))


def application_form_filename(entry: Entry) -> str:
    return f"申报书_{entry.number or entry.id}.pdf"
