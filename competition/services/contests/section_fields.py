"""Which 申报书 fields a section requires for submission (domain/application_fields.py), changed
from the organizer's section page. A draft may always leave them blank; the rule applies when an
entry is submitted, so it may change only while the contest takes entries: once submission has
closed, the submitted entries were checked against the list as it was."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from ...domain.application_fields import normalize_required
from ...domain.states import ContestState
from ...extensions import db
from ...models import Section
from .. import ServiceError, audit, write_guard

_CHANGEABLE = (ContestState.DRAFT, ContestState.OPEN)


def refusal(section: Section) -> str | None:
    """Why the section's required fields cannot change now (the page shows them read-only)."""
    contest = section.contest
    closed = write_guard.refusal(contest, "entry")
    if closed is not None:
        return closed
    if contest.state not in _CHANGEABLE:
        return _(
            "Submission has closed: the required fields of the application form can no longer change, "
            "since the submitted entries were checked against them."
        )
    return None


def update_required_fields(section: Section, codes: Iterable[str], *, actor) -> Section:
    write_guard.check(section.contest, "entry")
    message = refusal(section)
    if message is not None:
        raise ServiceError(message)
    required, unknown = normalize_required(list(codes))
    if unknown:
        raise ServiceError(_("Unknown application form fields: %(codes)s", codes="、".join(unknown)), "fields")
    before = list(section.required_fields or [])
    section.required_fields = list(required)
    db.session.flush()
    if before != section.required_fields:
        audit.record(
            actor,
            "section.required_fields",
            section,
            before={"required_fields": before},
            after={"required_fields": section.required_fields},
        )
    return section
