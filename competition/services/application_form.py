"""The application form (申报书): a PDF of the entered data, printed, signed on every page,
stamped by the school and uploaded back as a scan.

`render_application_form(entry)` is also used by the exports for bundles.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..adapters.pdf import render_pdf
from ..models import Entry, utcnow


def application_form_html(entry: Entry, *, gaps: list[str] | None = None) -> str:
    """`gaps`: what is still blank or unconfirmed; the form then says on every page that it is
    only for checking, so nobody signs and stamps an incomplete form."""
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
        # "Page {page} of {pages}" as CSS content, with the page counters in place.
        page_counter=Markup(
            str(escape(_("Page {page} of {pages}")))
            .replace("&#34;", "")
            .replace("{page}", '" counter(page) "')
            .replace("{pages}", '" counter(pages) "')
        ),
    )


def render_application_form(entry: Entry, *, gaps: list[str] | None = None) -> bytes:
    return render_pdf(application_form_html(entry, gaps=gaps))


def application_form_filename(entry: Entry) -> str:
    return f"申报书_{entry.number or entry.id}.pdf"
