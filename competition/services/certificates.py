"""Certificates (获奖证书): issue, regenerate, correct, revoke, and print them in batches.

* `issue(contest, actor)` turns the contest's results into certificate rows: new recipients get
  a number (domain.certificates.assign_numbers), known ones keep theirs; a certificate whose
  printed data changed is re-issued as a new revision under the same number; one whose award
  disappeared (withdrawn) is revoked. Everything that changes is audited.
* `correct(...)` fixes a typo in the registered data (student/adviser row, group name, project
  title) and re-issues the affected certificates; `revoke(...)` withdraws one.
* `write_pdf(...)` / `write_zip(...)` render certificates in chunks of `CHUNK` per WeasyPrint
  document and copy each into the output as soon as it is rendered (PdfJoiner), so memory stays flat
  in the number of certificates; `batch_job` runs them as a job.

Services flush only; the caller commits.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..domain import certificates as rules
from ..extensions import db
from ..i18n.timeutil import utc_to_local
from ..models import Adviser, Certificate, Contest, Entry, Job, Result, School, Section, Student, User, utcnow
from ..models.certificates import CertificateAsset, CertificateRevision
from . import ServiceError, audit, write_guard

CHUNK = 100  # certificates per WeasyPrint document (see scripts/bench/certificates.py)
ZIP_CHUNK = 25  # smaller chunks for one-PDF-per-person: each file carries its chunk's font subset
MAX_ASSET_BYTES = 8 * 1024 * 1024
ISSUER_SLOTS = 4

NAME_SCALES = (1.0, 0.875, 0.75, 0.65, 0.56)
TEXT_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)
SCHOOL_SCALES = (1.0, 0.91, 0.83, 0.74, 0.74)


# --- settings ------------------------------------------------------------------------------


def settings_of(contest: Contest) -> dict:
    """The certificate setting with every key present (a contest stores only its overrides)."""
    return contest.settings_view.certificate


PAPER_MM = {"A4": (297, 210), "A3": (420, 297), "B5": (250, 176), "A5": (210, 148)}  # landscape


def page_setup(setting: dict) -> dict:
    """The paper, and how the certificate is laid out on it. The layout is designed on A4 (297 x
    210 mm, or 210 x 297 portrait) and zoomed to the paper, so A3, B5 and A5 get the same
    certificate larger or smaller rather than A4-sized text on a bigger or smaller sheet. The
    papers have about A4's proportions; `width` and `height` are the design size that becomes the
    paper's exact size once zoomed."""
    paper = str(setting.get("page_size") or "A4").upper()
    paper = paper if paper in PAPER_MM else "A4"
    orientation = "portrait" if setting.get("orientation") == "portrait" else "landscape"
    width, height = PAPER_MM[paper] if orientation == "landscape" else PAPER_MM[paper][::-1]
    design_w, design_h = PAPER_MM["A4"] if orientation == "landscape" else PAPER_MM["A4"][::-1]
    zoom = min(width / design_w, height / design_h)
    w, h = f"{width / zoom:.3f}mm", f"{height / zoom:.3f}mm"
    return {
        "size": f"{w} {h}",
        "paper": paper,
        "orientation": orientation,
        "width": w,
        "height": h,
        "zoom": zoom,
        "paper_mm": (width, height),
    }


# --- who gets a certificate ----------------------------------------------------------------


def awarded_entries(contest: Contest) -> list[rules.AwardedEntry]:
    """Results with an award (after overrides and withdrawal), as plain domain data."""
    levels = contest.award_names()
    results = db.session.scalars(
        select(Result)
        .where(Result.contest_id == contest.id)
        .options(
            selectinload(Result.entry).selectinload(Entry.students),
            selectinload(Result.entry).selectinload(Entry.advisers),
            selectinload(Result.entry).selectinload(Entry.school).selectinload(School.district),
            selectinload(Result.entry).selectinload(Entry.section),
            selectinload(Result.entry).selectinload(Entry.created_by),
        )
    ).all()
    out = []
    for r in results:
        award = r.final_award
        e = r.entry
        if not award or e is None:
            continue
        out.append(
            rules.AwardedEntry(
                entry_id=e.id,
                award=award,
                title=e.title,
                section_code=e.section.code,
                section_name=e.section.name,
                section_kind=e.section.kind,
                section_order=e.section.sort_order,
                award_order=levels.index(award) if award in levels else len(levels),
                school_id=e.school_id,
                school_name=e.school.name,
                stage=e.stage,
                subject=e.subject,
                district_id=e.school.district_id,
                district_name=e.school.district.name if e.school.district else None,
                students=tuple(rules.Person(s.id, s.name, s.gender, s.grade, s.school_name) for s in e.students),
                advisers=tuple(rules.Person(a.id, a.name, a.gender, unit=a.unit) for a in e.advisers),
                group_name=e.group_name if e.section.group_entry else None,
                author_name=e.created_by.name if e.section.kind == "counselor" and e.created_by else None,
                entry_number=e.number,
            )
        )
    return out


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
    contest: Contest, actor: User | None, *, entry_id: int | None = None, reason: str | None = None
) -> IssueSummary:
    """Create, re-issue and revoke certificates so they match the results; keeps numbers."""
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
            set_qr(cert)
            db.session.add(cert)
            db.session.flush()
            _add_revision(cert, actor, reason or _("First issued"))
            summary.created += 1
            continue
        cert = current[p.recipient_key]
        changes = rules.printed_changes(cert.data or {}, p.data)
        if changes:
            reissue(cert, p.data, actor, reason or _("Registered data changed"))
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


def _add_revision(cert: Certificate, actor, reason: str | None) -> None:
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


def reissue(cert: Certificate, data: dict, actor, reason: str) -> None:
    """Same number, revision + 1, new verification code; the old code says it was superseded."""
    write_guard.check(db.session.get(Contest, cert.contest_id), "certificate_correction")
    before = {k: (cert.data or {}).get(k) for k in rules.PRINTED_FIELDS}
    cert.data = dict(data)
    cert.revision += 1
    cert.verification_code = new_code()
    set_qr(cert)
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


def revoke(cert: Certificate, actor, reason: str) -> None:
    write_guard.check(db.session.get(Contest, cert.contest_id), "certificate_correction")
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


CORRECTABLE = {
    "student": ("name", "school", "grade", "title"),
    "adviser": ("name", "school", "title"),
    "group": ("name", "title"),
    "team": ("title",),
    "author": ("title",),
}


def correct(cert: Certificate, actor, *, reason: str, **values: str) -> IssueSummary:
    """Fix a typo at its source (the registered rows), then re-issue what it changes."""
    write_guard.check(db.session.get(Contest, cert.contest_id), "certificate_correction")
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
    before, after = {}, {}

    def change(obj, attr, field):
        if field in clean and (getattr(obj, attr) or "") != clean[field]:
            before[field], after[field] = getattr(obj, attr), clean[field]
            setattr(obj, attr, clean[field])

    if kind == "student":
        row = db.session.get(Student, int(ident))
        change(row, "name", "name"), change(row, "school_name", "school"), change(row, "grade", "grade")
    elif kind == "adviser":
        row = db.session.get(Adviser, int(ident))
        change(row, "name", "name"), change(row, "unit", "school")
    elif kind == "group":
        change(entry, "group_name", "name")
    change(entry, "title", "title")
    if not after:
        raise ServiceError(_("Nothing was changed."))
    db.session.flush()
    audit.record(actor, "certificate.correct", cert, before=before, after=after, reason=reason)
    contest = db.session.get(Contest, cert.contest_id)
    return issue(contest, actor, entry_id=entry.id, reason=reason)


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


# --- looking a certificate up by its number and name (查验证书) -----------------------------

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ーｰ─"), "-")
_NAME_DOTS = dict.fromkeys(map(ord, "•‧∙⋅・･·.．"), "·")


def _number_forms(typed: str) -> set[str]:
    """The stored numbers a typed certificate number may mean: width (全角/半角), case and the
    dash an input method puts in are not told apart, nor spaces; a few exact values, so the
    lookup stays an index search."""
    import unicodedata

    raw = "".join((typed or "").split())
    forms = set()
    for text in (raw, raw.translate(_DASHES), unicodedata.normalize("NFKC", raw).translate(_DASHES)):
        forms |= {text, text.upper(), text.lower()}
    return {f for f in forms if f and len(f) <= 60}


def _name_key(name: str) -> str:
    """A name as compared: without any spaces, width folded, one middle dot (买买提·艾力)."""
    import unicodedata

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
) -> dict:
    """What the public verification page shows of one certificate: only what it prints (of the
    revision looked up, when that is an older one), and its state."""
    contest = db.session.get(Contest, cert.contest_id)
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


# --- selecting what to print ---------------------------------------------------------------


def select_ids(
    contest_id: int, *, section_id: int | None = None, school_id: int | None = None, include_revoked: bool = False
) -> list[int]:
    q = select(Certificate.id).where(Certificate.contest_id == contest_id)
    if section_id:
        q = q.where(Certificate.section_id == section_id)
    if school_id:
        q = q.where(Certificate.school_id == school_id)
    if not include_revoked:
        q = q.where(Certificate.revoked.is_(False))
    return list(db.session.scalars(q.order_by(Certificate.number)))


# --- what a school sees (the teacher's pages) ----------------------------------------------


class SchoolCertificates(NamedTuple):
    """One contest's valid certificates of a school, in number order."""

    contest: Contest
    certificates: list[Certificate]


def school_certificates(school_id: int) -> list[SchoolCertificates]:
    """The school's valid certificates grouped by contest, the newest contest first."""
    rows = db.session.scalars(
        select(Certificate)
        .where(Certificate.school_id == school_id, Certificate.revoked.is_(False))
        .order_by(Certificate.contest_id.desc(), Certificate.number)
    ).all()
    contest_ids = sorted({c.contest_id for c in rows}, reverse=True)
    contests = {c.id: c for c in db.session.scalars(select(Contest).where(Contest.id.in_(contest_ids)))}
    return [SchoolCertificates(contests[cid], [c for c in rows if c.contest_id == cid]) for cid in contest_ids]


def entry_certificates(entry: Entry) -> list[Certificate]:
    """The valid certificates of one of the school's entries (its students', its advisers'), in
    number order: what the entry's page offers once the results are final."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.entry_id == entry.id,
                Certificate.school_id == entry.school_id,
                Certificate.revoked.is_(False),
            )
            .order_by(Certificate.number)
        )
    )


# --- rendering -----------------------------------------------------------------------------


def lookup_address() -> str:
    """Where a certificate can be checked by its number (printed under the QR code for scans and
    photocopies, where the code may not read): the public address without its scheme."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base.split('://', 1)[-1]}/verify"


def verify_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{code}"


def unreachable_base_url(base: str | None) -> str | None:
    """``base`` (PUBLIC_BASE_URL) if phones outside the office could not open it (localhost, a
    loopback, private or link-local address, or no http(s) scheme), so the QR codes would lead
    nowhere; else None. Printing always encodes the current setting, so fixing it needs no re-issue."""
    import ipaddress
    from urllib.parse import urlsplit

    base = str(base or "")
    parts = urlsplit(base)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or host == "localhost" or host.endswith(".localhost"):
        return base
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None if "." in host else base  # a bare machine name is only known inside the office
    return base if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified else None


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=1, border=0, dark="#1f1a17")


def set_qr(cert: Certificate) -> None:
    """Make the QR code once per issued revision (printing reuses it)."""
    cert.qr_url = verify_url(cert.verification_code)
    cert.qr_svg = qr_data_uri(cert.qr_url)


def qr_of(cert: Certificate) -> str:
    """The stored QR code if it still encodes the current verification URL, else a fresh one."""
    url = verify_url(cert.verification_code)
    return cert.qr_svg if cert.qr_svg and cert.qr_url == url else qr_data_uri(url)


def certificate_date(contest: Contest, cert: Certificate | None = None) -> date:
    fixed = settings_of(contest).get("date")
    if fixed:
        try:
            return date.fromisoformat(str(fixed))
        except ValueError:
            pass
    when = cert.issued_at if cert is not None and cert.issued_at else utcnow()
    return utc_to_local(when).date()


_SALUTATION = {"student": "同学", "team": "同学", "adviser": "老师", "author": "老师"}
_SUBTITLE = {"adviser": "指导教师", "school": "优秀组织单位", "district": "优秀组织单位"}


def page_context(cert: Certificate, heading: str, date_text: str) -> dict:
    """What one page prints, from the certificate's stored data."""
    d = cert.data or {}
    name = d.get("name", "")
    category = "·".join(x for x in (f"{d['stage']}组" if d.get("stage") else "", d.get("subject", "")) if x)
    award = d.get("award", "")
    you = "你们" if cert.kind in ("team", "group") else ("您" if cert.kind == "author" else "你")
    text = f"{you}的作品《{d.get('title', '')}》（{category}）在{heading}中荣获"
    members = d.get("members") or []
    return {
        "kind": cert.kind,
        "number": cert.number,
        "revision": cert.revision,
        "cert_title": "荣誉证书",
        "subtitle": _SUBTITLE.get(cert.kind, ""),
        "name": name,
        "salutation": _SALUTATION.get(cert.kind, ""),
        "name_step": rules.fit_step(name, em_per_line=24, max_lines=1, scales=NAME_SCALES),
        "text_step": rules.fit_step(text, em_per_line=37, max_lines=3, scales=TEXT_SCALES),
        "you": you,
        "title": d.get("title", ""),
        "category": category,
        "heading": heading,
        "award": award,
        "award_text": award,
        "award_long": len(award) > 4,
        "school": d.get("school", ""),
        "school_step": rules.fit_step(d.get("school", ""), em_per_line=44, max_lines=1, scales=SCHOOL_SCALES),
        "members_line": "、".join(members) if cert.kind in ("adviser", "group") and members else "",
        "advisers_line": "、".join(d.get("advisers") or [])
        if cert.kind not in ("adviser", "school", "district")
        else "",
        "qr": qr_of(cert),
        "date_text": date_text,
    }


def assets_of(contest_id: int) -> dict[str, str]:
    rows = db.session.scalars(select(CertificateAsset).where(CertificateAsset.contest_id == contest_id))
    return {a.slot: a.storage_key for a in rows}


def document_context(contest: Contest) -> dict:
    setting = settings_of(contest)
    assets = assets_of(contest.id)
    issuers = [
        {"name": name, "seal": assets.get(f"seal-{i}"), "signature": assets.get(f"signature-{i}")}
        for i, name in enumerate((setting.get("issuers") or [])[:ISSUER_SLOTS])
    ]
    return {
        "page": page_setup(setting),
        "assets": {"background": assets.get("background")},
        "issuers": issuers,
        "heading": rules.contest_heading(contest.full_name, contest.edition),
        "doc_title": contest.full_name,
        "lookup_address": lookup_address(),
    }


def render_html(contest: Contest, certs: Sequence[Certificate], doc: dict | None = None) -> str:
    doc = doc or document_context(contest)
    dates: dict[date, str] = {}
    pages = []
    for cert in certs:
        day = certificate_date(contest, cert)
        if day not in dates:
            dates[day] = rules.chinese_date(day)
        pages.append(page_context(cert, doc["heading"], dates[day]))
    return render_template("certificates/certificate.html", pages=pages, **doc)


def upload_reader(key: str) -> bytes:
    from ..adapters.storage import get_storage

    return get_storage().read_bytes(key)


def render_chunk(contest: Contest, certs: Sequence[Certificate], doc: dict | None = None) -> bytes:
    from ..adapters.pdf import render_pdf

    doc = doc or document_context(contest)
    return render_pdf(render_html(contest, certs, doc), upload_reader=upload_reader, zoom=doc["page"]["zoom"])


Progress = Callable[[int, int], None] | None


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[Certificate]]:
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        rows = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(part)))}
        yield [rows[i] for i in part if i in rows]


def write_pdf(contest: Contest, ids: Sequence[int], target, *, progress: Progress = None, chunk: int = CHUNK) -> int:
    """All certificates `ids` as one PDF for the printer; returns the page count.

    Each chunk is rendered, copied into `target` at once and dropped (PdfJoiner), so memory stays
    flat however many certificates there are (scripts/bench/certificates.py --huge)."""
    if not ids:
        raise ServiceError(_("There are no certificates to print for this choice."))
    from ..adapters.pdf import PdfJoiner  # WeasyPrint loads only where certificates are printed

    joiner = PdfJoiner(target)
    doc = document_context(contest)
    done = 0
    for certs in _chunks(ids, chunk):
        joiner.add(render_chunk(contest, certs, doc))
        done += len(certs)
        if progress:
            progress(done, len(ids))
    joiner.close(title=f"{contest.full_name} 获奖证书", creator="competition")
    return joiner.pages


def write_zip(
    contest: Contest, ids: Sequence[int], target, *, progress: Progress = None, chunk: int = ZIP_CHUNK
) -> int:
    """One PDF per certificate, `<number>_<name>_<award>.pdf`, in a zip; returns the file count."""
    from pypdf import PdfReader, PdfWriter

    if not ids:
        raise ServiceError(_("There are no certificates to print for this choice."))
    doc = document_context(contest)
    done = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for certs in _chunks(ids, chunk):
            reader = PdfReader(io.BytesIO(render_chunk(contest, certs, doc)))
            for cert, page in zip(certs, reader.pages, strict=False):
                one = PdfWriter()
                one.add_page(page)
                buf = io.BytesIO()
                one.write(buf)
                zf.writestr(rules.file_name(cert.number, cert.recipient_name, cert.award or ""), buf.getvalue())
            done += len(certs)
            if progress:
                progress(done, len(ids))
    return done


def single_pdf(cert: Certificate) -> bytes:
    contest = db.session.get(Contest, cert.contest_id)
    return render_chunk(contest, [cert])


def sample_pdf(contest: Contest) -> bytes:
    """A preview with sample data (long title, rare characters) before anything is printed."""
    heading = rules.contest_heading(contest.full_name, contest.edition)
    sample = Certificate(
        contest_id=contest.id,
        kind="student",
        recipient_key="sample:0",
        number=rules.format_number(
            contest.settings_view.number_pattern,
            seq=1,
            year=contest.year,
            contest=contest.code,
            section=contest.sections[0].code if contest.sections else "XS",
        ),
        seq=1,
        revision=1,
        verification_code="SAMPLE-PREVIEW",
        issued_at=utcnow(),
        data={
            "kind": "student",
            "name": "李喆堃",
            "school": "淮北市第一中学",
            "grade": "八年级",
            "title": "基于物联网的校园雨水收集与智能灌溉系统的设计与实践研究",
            "award": "一等奖",
            "section": "学生科技创新成果",
            "stage": "初中",
            "subject": "工程学",
            "advisers": ["张玥", "王燚"],
            "members": ["李喆堃"],
        },
    )
    doc = document_context(contest)
    from ..adapters.pdf import render_pdf

    html = render_template(
        "certificates/certificate.html",
        pages=[page_context(sample, heading, rules.chinese_date(certificate_date(contest)))],
        **doc,
    )
    return render_pdf(html, upload_reader=upload_reader, zoom=doc["page"]["zoom"])


# --- batch jobs ----------------------------------------------------------------------------


def start_batch(
    contest: Contest, actor, *, fmt: str, section_id: int | None = None, school_id: int | None = None
) -> Job:
    """Queue a batch; the caller commits and then calls jobs.start(job)."""
    from .. import jobs

    if fmt not in ("pdf", "zip"):
        raise ServiceError(_("Choose PDF or ZIP."), "fmt")
    if not select_ids(contest.id, section_id=section_id, school_id=school_id):
        raise ServiceError(_("There are no certificates to print for this choice."))
    return jobs.enqueue(
        "certificates",
        "certificates.batch",
        params={"contest_id": contest.id, "fmt": fmt, "section_id": section_id, "school_id": school_id},
        actor=actor,
        contest_id=contest.id,
    )


def batch_job(job_id: int, contest_id: int, fmt: str, section_id: int | None = None, school_id: int | None = None):
    from .. import jobs

    contest = db.session.get(Contest, contest_id)
    ids = select_ids(contest_id, section_id=section_id, school_id=school_id)
    jobs.report(job_id, 0, len(ids))
    folder = Path(current_app.config["EXPORT_FOLDER"]) / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"certificates/{job_id}-{secrets.token_hex(8)}.{fmt}"
    path = Path(current_app.config["EXPORT_FOLDER"]) / stored
    tmp = path.with_suffix(".part")
    writer = write_pdf if fmt == "pdf" else write_zip
    try:
        with open(tmp, "wb") as fh:
            writer(contest, ids, fh, progress=lambda done, total: jobs.report(job_id, done, total))
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed job leaves no half-written file behind
        raise
    os.replace(tmp, path)
    return stored, download_name(contest, fmt, section_id=section_id, school_id=school_id)


def download_name(contest: Contest, fmt: str, *, section_id=None, school_id=None) -> str:
    parts = [contest.code, "获奖证书"]
    if section_id:
        section = db.session.get(Section, section_id)
        parts.append(section.name if section else str(section_id))
    if school_id:
        school = db.session.get(School, school_id)
        parts.append(school.name if school else str(school_id))
    return rules.file_name("_".join(parts[:1]), "_".join(parts[1:]), "")[:-4] + f".{fmt}"


# --- the organizer's pages (read only) -----------------------------------------------------


@dataclass
class Listing:
    """One page of a contest's certificates, with what the certificates page shows beside it."""

    rows: list[Certificate]
    total: int  # certificates the filters find
    valid: int  # of the whole contest
    revoked: int
    schools: dict[int, str]  # school id -> name, for the page's rows
    jobs: list[Job]  # the latest print batches
    assets: dict[str, CertificateAsset]  # slot -> uploaded image


def listing(
    contest: Contest,
    *,
    q: str = "",
    kind: str | None = None,
    status: str = "",
    page: int = 1,
    per_page: int = 50,
    job_kind: str = "certificates",
) -> Listing:
    """The certificates of `contest` whose name or number contains `q`, of one `kind`, valid or
    revoked (`status`), by number; page `page` of `per_page`."""
    query = select(Certificate).where(Certificate.contest_id == contest.id)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Certificate.recipient_name.like(like), Certificate.number.like(like)))
    if kind:
        query = query.where(Certificate.kind == kind)
    if status == "revoked":
        query = query.where(Certificate.revoked.is_(True))
    elif status == "valid":
        query = query.where(Certificate.revoked.is_(False))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(Certificate.number).limit(per_page).offset((page - 1) * per_page)))
    counts = dict(
        db.session.execute(
            select(Certificate.revoked, func.count())
            .where(Certificate.contest_id == contest.id)
            .group_by(Certificate.revoked)
        ).all()
    )
    schools = dict(
        db.session.execute(
            select(School.id, School.name).where(School.id.in_({c.school_id for c in rows if c.school_id}))
        ).all()
    )
    jobs = list(
        db.session.scalars(
            select(Job)
            .where(Job.contest_id == contest.id, Job.kind == job_kind)
            .order_by(Job.created_at.desc())
            .limit(5)
        )
    )
    assets = {
        a.slot: a for a in db.session.scalars(select(CertificateAsset).where(CertificateAsset.contest_id == contest.id))
    }
    return Listing(
        rows=rows,
        total=total,
        valid=counts.get(False, 0),
        revoked=counts.get(True, 0),
        schools=schools,
        jobs=jobs,
        assets=assets,
    )


def schools_with_certificates(contest: Contest) -> list[tuple[int, str]]:
    """(id, name) of the schools that have a certificate of `contest`, by name: a batch's choices."""
    return [
        (sid, name)
        for sid, name in db.session.execute(
            select(School.id, School.name)
            .join(Certificate, Certificate.school_id == School.id)
            .where(Certificate.contest_id == contest.id)
            .group_by(School.id, School.name)
            .order_by(School.name)
        )
    ]


def revisions_of(cert: Certificate) -> list[CertificateRevision]:
    """The certificate's revisions, the newest first."""
    return list(
        db.session.scalars(
            select(CertificateRevision)
            .where(CertificateRevision.certificate_id == cert.id)
            .order_by(CertificateRevision.revision.desc())
        )
    )


def asset_of(contest_id: int, slot: str) -> CertificateAsset | None:
    """The image uploaded for `slot` of the contest's certificates, if any."""
    return db.session.scalar(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest_id, CertificateAsset.slot == slot)
    )


# --- organizer images ----------------------------------------------------------------------


def asset_slots(contest: Contest) -> list[tuple[str, str]]:
    """(slot, label) for the upload form: background, then a seal and a signature per issuer."""
    slots = [("background", _("Background or border image (covers the whole page)"))]
    for i, name in enumerate((settings_of(contest).get("issuers") or [])[:ISSUER_SLOTS]):
        slots.append((f"seal-{i}", _("Seal of %(issuer)s (PNG with a transparent background)", issuer=name)))
        slots.append((f"signature-{i}", _("Signature for %(issuer)s (PNG, optional)", issuer=name)))
    return slots


def save_asset(contest: Contest, slot: str, fileobj, filename: str, actor) -> CertificateAsset:
    """Validate an image by its content and store it; a seal must be a PNG with transparency."""
    from PIL import Image

    from ..adapters.storage import BadContent, TooLarge, display_name, get_storage, inspect_file

    if slot not in dict(asset_slots(contest)):
        raise ServiceError(_("Unknown image slot."), "slot")
    try:
        kind = inspect_file(fileobj, max_image_pixels=40_000_000)
    except BadContent:
        raise ServiceError(_("This file is not a readable PNG or JPEG image."), "file") from None
    if kind not in ("png", "jpg"):
        raise ServiceError(_("This file is not a readable PNG or JPEG image."), "file")
    fileobj.seek(0)
    with Image.open(fileobj) as im:
        width, height = im.size
        has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    fileobj.seek(0)
    if slot.startswith(("seal-", "signature-")) and not (kind == "png" and has_alpha):
        raise ServiceError(
            _(
                "Seals and signatures must be PNG images with a transparent background, "
                "so the text under them stays visible."
            ),
            "file",
        )
    if min(width, height) < 100:
        raise ServiceError(_("The image is too small to print sharply (at least 100 pixels a side)."), "file")
    storage = get_storage()
    try:
        stored = storage.save_stream(fileobj, max_size=MAX_ASSET_BYTES)
    except TooLarge:
        raise ServiceError(_("The image is larger than 8 MB."), "file") from None
    asset = db.session.scalar(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest.id, CertificateAsset.slot == slot)
    )
    old_key = asset.storage_key if asset else None
    if asset is None:
        asset = CertificateAsset(contest_id=contest.id, slot=slot)
        db.session.add(asset)
    asset.storage_key = stored.key
    asset.original_name = display_name(filename, "image")
    asset.width, asset.height = width, height
    asset.uploaded_by_id = getattr(actor, "id", None)
    asset.uploaded_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "certificate.asset",
        asset,
        contest_id=contest.id,
        before={"key": old_key},
        after={"slot": slot, "key": stored.key},
    )
    return asset


def remove_asset(contest: Contest, slot: str, actor) -> None:
    asset = db.session.scalar(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest.id, CertificateAsset.slot == slot)
    )
    if asset is None:
        raise ServiceError(_("There is no image in this slot."))
    audit.record(
        actor,
        "certificate.asset_removed",
        asset,
        contest_id=contest.id,
        before={"slot": slot, "key": asset.storage_key},
    )
    db.session.delete(asset)
    db.session.flush()
