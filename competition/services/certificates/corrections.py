"""Correcting a certificate (更正): a typo is fixed at its source, the registered student or
adviser row, the group name or the project title, and what it changes is re-issued."""

from __future__ import annotations

from flask_babel import gettext as _

from ...extensions import db
from ...models import Adviser, Certificate, Entry, Student, User
from .. import ServiceError, audit, write_guard
from .issuing import IssueSummary, issue
from .settings import contest_of

CORRECTABLE = {
    "student": ("name", "school", "grade", "title"),
    "adviser": ("name", "school", "title"),
    "group": ("name", "title"),
    "team": ("title",),
    "author": ("title",),
}


def correct(
    cert: Certificate, actor: User | None, *, reason: str, base_url: str | None = None, **values: str | None
) -> IssueSummary:
    """Fix a typo at its source (the registered rows), then re-issue what it changes (with the QR
    codes made for `base_url`, as issuing.issue)."""
    contest = contest_of(cert)
    write_guard.check(contest, "certificate_correction")
    allowed = CORRECTABLE.get(cert.kind, ())
    if not allowed:
        raise ServiceError(_("This kind of certificate is printed from the school list; correct the school there."))
    if cert.revoked:
        raise ServiceError(_("A revoked certificate cannot be corrected."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the correction."), "reason")
    clean = {k: (values.get(k) or "").strip() for k in allowed if values.get(k) is not None}
    for field, limit in (("name", 50), ("school", 120), ("grade", 20), ("title", 200)):
        if field in clean and len(clean[field]) > limit:
            raise ServiceError(_("Too long: at most %(n)d characters.", n=limit), field)
    if "name" in clean and not clean["name"]:
        raise ServiceError(_("The name cannot be empty."), "name")
    if "title" in clean and not clean["title"]:
        raise ServiceError(_("The project title cannot be empty."), "title")
    entry = db.session.get(Entry, cert.entry_id) if cert.entry_id else None
    if entry is None:
        raise ServiceError(_("The entry of this certificate no longer exists."))
    kind, _sep, ident = cert.recipient_key.partition(":")
    before: dict[str, str | None] = {}
    after: dict[str, str] = {}

    def change(obj: object, attr: str, field: str) -> None:
        if field in clean and (getattr(obj, attr) or "") != clean[field]:
            before[field], after[field] = getattr(obj, attr), clean[field]
            setattr(obj, attr, clean[field])

    if kind == "student":
        student = db.session.get(Student, int(ident))
        change(student, "name", "name")
        change(student, "school_name", "school")
        change(student, "grade", "grade")
    elif kind == "adviser":
        adviser = db.session.get(Adviser, int(ident))
        change(adviser, "name", "name")
        change(adviser, "unit", "school")
    elif kind == "group":
        change(entry, "group_name", "name")
    change(entry, "title", "title")
    if not after:
        raise ServiceError(_("Nothing was changed."))
    db.session.flush()
    audit.record(actor, "certificate.correct", cert, before=before, after=after, reason=reason)
    return issue(contest, actor, entry_id=entry.id, reason=reason, base_url=base_url)
