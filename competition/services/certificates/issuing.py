"""Issuing certificates (颁发): new recipients get a number (domain.certificates.assign_numbers),
known ones keep theirs; a certificate whose printed data changed is re-issued as a new revision
under the same number; one whose award disappeared (withdrawn) is revoked. Everything that changes
is audited. Services flush only; the caller commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...domain import certificates as rules
from ...extensions import db
from ...models import Certificate, Contest, Entry, User, utcnow
from ...models.certificates import CertificateRevision
from .. import ServiceError, audit, write_guard
from .addresses import set_qr
from .recipients import awarded_entries
from .settings import contest_of, settings_of


@dataclass
class IssueSummary:
    created: int = 0
    revised: int = 0
    revoked: int = 0
    unchanged: int = 0


def new_code() -> str:
    """A verification code nobody can guess (128 bits)."""
    return secrets.token_urlsafe(16)


def issue(
    contest: Contest,
    actor: User | None,
    *,
    entry_id: int | None = None,
    reason: str | None = None,
    base_url: str | None = None,
) -> IssueSummary:
    """Create, re-issue and revoke certificates so they match the results; keeps numbers.

    `base_url` (PUBLIC_BASE_URL) is the address the QR code of each new revision is made for and
    stored with; without it printing makes the codes (addresses.set_qr)."""
    write_guard.check(contest, "certificate")
    setting = settings_of(contest)
    planned = rules.plan(awarded_entries(contest), rules.Options.from_setting(setting))
    all_certs = db.session.scalars(
        select(Certificate).where(Certificate.contest_id == contest.id).order_by(Certificate.id)
    ).all()
    current: dict[str, Certificate] = {}
    for c in all_certs:
        current[c.recipient_key] = c  # the latest certificate of each recipient
    if entry_id is not None:
        planned = [p for p in planned if p.entry_id == entry_id]
        current = {k: c for k, c in current.items() if c.entry_id == entry_id}
    existing = {k: rules.Existing(c.number, c.seq, c.seq_scope, c.revoked) for k, c in current.items()}
    taken = [rules.Existing(c.number, c.seq, c.seq_scope, c.revoked) for c in all_certs]
    numbered = rules.assign_numbers(
        planned, existing, contest.settings_view.number_pattern, year=contest.year, contest=contest.code, taken=taken
    )
    sections = {s.code: s.id for s in contest.sections}
    entry_schools = dict(
        db.session.execute(select(Entry.id, Entry.school_id).where(Entry.contest_id == contest.id)).all()
    )
    summary = IssueSummary()
    seen: set[str] = set()
    for n in numbered:
        p = n.planned
        seen.add(p.recipient_key)
        if n.is_new:
            school_id = (
                entry_schools.get(p.entry_id)
                if p.entry_id
                else (int(p.recipient_key.split(":")[1]) if p.kind == "school" else None)
            )
            cert = Certificate(
                contest_id=contest.id,
                entry_id=p.entry_id,
                kind=p.kind,
                recipient_key=p.recipient_key,
                number=n.number,
                seq=n.seq,
                seq_scope=n.scope,
                revision=1,
                verification_code=new_code(),
                data=p.data,
                recipient_name=p.data.get("name", ""),
                award=p.data.get("award"),
                section_id=sections.get(p.section_code),
                school_id=school_id,
            )
            set_qr(cert, base_url)
            db.session.add(cert)
            db.session.flush()
            _add_revision(cert, actor, reason or _("First issued"))
            summary.created += 1
            continue
        cert = current[p.recipient_key]
        changes = rules.printed_changes(cert.data or {}, p.data)
        if changes:
            reissue(cert, p.data, actor, reason or _("Registered data changed"), base_url=base_url)
            summary.revised += 1
        else:
            summary.unchanged += 1
    for key, cert in current.items():
        if key not in seen and not cert.revoked:
            revoke(cert, actor, _("The award was withdrawn or changed to no award."))
            summary.revoked += 1
    if summary.created or summary.revised or summary.revoked:
        audit.record(
            actor,
            "certificates.issue",
            contest,
            contest_id=contest.id,
            after={"created": summary.created, "revised": summary.revised, "revoked": summary.revoked},
            reason=reason,
        )
    db.session.flush()
    return summary


def _add_revision(cert: Certificate, actor: User | None, reason: str | None) -> None:
    db.session.add(
        CertificateRevision(
            certificate_id=cert.id,
            revision=cert.revision,
            verification_code=cert.verification_code,
            data=dict(cert.data or {}),
            reason=reason,
            actor_id=getattr(actor, "id", None),
        )
    )


def reissue(
    cert: Certificate, data: dict[str, Any], actor: User | None, reason: str, *, base_url: str | None = None
) -> None:
    """Same number, revision + 1, new verification code; the old code says it was superseded."""
    write_guard.check(contest_of(cert), "certificate_correction")
    before = {k: (cert.data or {}).get(k) for k in rules.PRINTED_FIELDS}
    cert.data = dict(data)
    cert.revision += 1
    cert.verification_code = new_code()
    set_qr(cert, base_url)
    cert.recipient_name = data.get("name", "")
    cert.award = data.get("award")
    cert.revised_at = utcnow()
    db.session.flush()
    _add_revision(cert, actor, reason)
    audit.record(
        actor,
        "certificate.reissue",
        cert,
        before=before,
        after={k: data.get(k) for k in rules.PRINTED_FIELDS} | {"revision": cert.revision},
        reason=reason,
    )


def revoke(cert: Certificate, actor: User | None, reason: str) -> None:
    write_guard.check(contest_of(cert), "certificate_correction")
    if cert.revoked:
        raise ServiceError(_("This certificate is already revoked."))
    if not (reason or "").strip():
        raise ServiceError(_("Give the reason for revoking the certificate."), "reason")
    cert.revoked = True
    cert.revoked_reason = reason.strip()
    cert.revoked_at = utcnow()
    cert.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        actor,
        "certificate.revoke",
        cert,
        before={"revoked": False, "number": cert.number},
        after={"revoked": True},
        reason=reason.strip(),
    )
