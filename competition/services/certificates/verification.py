"""Checking a certificate (查验证书): by the code of its QR code, or by its number and the
recipient's name for a paper without the code; and what the public verification page shows."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...domain import certificates as rules
from ...extensions import db
from ...models import Certificate
from ...models.certificates import CertificateRevision
from .settings import certificate_date, contest_of, settings_of


def find_by_code(code: str) -> tuple[Certificate | None, CertificateRevision | None]:
    """The certificate a QR code names; for an older revision's code, also that revision."""
    if not code or len(code) > 64:
        return None, None
    cert = db.session.scalar(select(Certificate).where(Certificate.verification_code == code))
    if cert is not None:
        return cert, None
    rev = db.session.scalar(select(CertificateRevision).where(CertificateRevision.verification_code == code))
    if rev is None:
        return None, None
    return db.session.get(Certificate, rev.certificate_id), rev


_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ーｰ─"), "-")
_NAME_DOTS = dict.fromkeys(map(ord, "•‧∙⋅・･·.．"), "·")


def _number_forms(typed: str) -> set[str]:
    """The stored numbers a typed certificate number may mean: width (全角/半角), case and the
    dash an input method puts in are not told apart, nor spaces; a few exact values, so the
    lookup stays an index search."""
    raw = "".join((typed or "").split())
    forms = set()
    for text in (raw, raw.translate(_DASHES), unicodedata.normalize("NFKC", raw).translate(_DASHES)):
        forms |= {text, text.upper(), text.lower()}
    return {f for f in forms if f and len(f) <= 60}


def _name_key(name: str) -> str:
    """A name as compared: without any spaces, width folded, one middle dot (买买提·艾力)."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).translate(_NAME_DOTS)


@dataclass
class Lookup:
    """A certificate found by number and name: the revision the name matches (None: the current
    one), and for a revoked certificate the one that replaced it, if any."""

    cert: Certificate
    old_revision: CertificateRevision | None = None
    replaced_by: Certificate | None = None


def replacement_of(cert: Certificate) -> Certificate | None:
    """The valid certificate a revoked one was replaced by (same contest and recipient, issued later)."""
    if not cert.revoked:
        return None
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.contest_id == cert.contest_id,
            Certificate.recipient_key == cert.recipient_key,
            Certificate.id > cert.id,
            Certificate.revoked.is_(False),
        )
        .order_by(Certificate.id.desc())
        .limit(1)
    )


def public_view(
    cert: Certificate, old_revision: CertificateRevision | None = None, replaced_by: Certificate | None = None
) -> dict[str, Any]:
    """What the public verification page shows of one certificate: only what it prints (of the
    revision looked up, when that is an older one), and its state."""
    contest = contest_of(cert)
    data = old_revision.data if old_revision is not None else cert.data
    return {
        "cert": cert,
        "contest": contest,
        "data": data or {},
        "old_revision": old_revision,
        "replaced_by": replaced_by,
        "heading": rules.contest_heading(contest.full_name, contest.edition),
        "issuers": settings_of(contest).get("issuers") or [],
        "date_text": rules.chinese_date(certificate_date(contest, cert)),
    }


def lookup(number: str, name: str) -> list[Lookup]:
    """The certificates with this number whose recipient is this name (查验证书), for a paper
    without its QR code. Nothing when either differs: the answer never tells a number that exists
    under another name from one that does not. The name may be the one on an earlier revision of
    the same number (then that revision is what is shown, marked as superseded) or, for a team's
    certificate, one member's name. Several only when two contests printed the same number for
    the same person."""
    key = _name_key(name)
    forms = _number_forms(number)
    if not key or not forms:
        return []
    found = []
    certs = db.session.scalars(
        select(Certificate)
        .where(Certificate.number.in_(sorted(forms)))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    for cert in certs:
        data = cert.data or {}
        names = {cert.recipient_name, data.get("name", "")}
        if cert.kind == "team":
            names.update(data.get("members") or [])
        if key in {_name_key(n) for n in names if n}:
            found.append(Lookup(cert, None, replacement_of(cert)))
            continue
        if cert.revision > 1:
            older = db.session.scalars(
                select(CertificateRevision)
                .where(CertificateRevision.certificate_id == cert.id, CertificateRevision.revision < cert.revision)
                .order_by(CertificateRevision.revision.desc())
            ).all()
            for rev in older:
                rdata = rev.data or {}
                rnames = {rdata.get("name", "")} | (set(rdata.get("members") or []) if cert.kind == "team" else set())
                if key in {_name_key(n) for n in rnames if n}:
                    found.append(Lookup(cert, rev, replacement_of(cert)))
                    break
    return found
