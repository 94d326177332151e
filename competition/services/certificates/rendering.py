"""Rendering certificates: what each page prints (from the certificate's stored data), what the
document around the pages shares (paper, images, issuers, the public address), and one chunk of
certificates rendered by WeasyPrint. `base_url` is the site's public address (PUBLIC_BASE_URL)
that the QR codes encode, given by the edge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import render_template
from sqlalchemy import select

from ...domain import certificates as rules
from ...domain.numbering import format_number
from ...extensions import db
from ...models import Certificate, Contest, utcnow
from ...models.certificates import CertificateAsset
from .addresses import lookup_address, qr_of
from .settings import ISSUER_SLOTS, certificate_date, contest_of, page_setup, settings_of

NAME_SCALES = (1.0, 0.875, 0.75, 0.65, 0.56)
TEXT_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)
SCHOOL_SCALES = (1.0, 0.91, 0.83, 0.74, 0.74)


_SALUTATION = {"student": "同学", "team": "同学", "adviser": "老师", "author": "老师"}
_SUBTITLE = {"adviser": "指导教师", "school": "优秀组织单位", "district": "优秀组织单位"}


def page_context(cert: Certificate, heading: str, date_text: str, *, base_url: str) -> dict[str, Any]:
    """What one page prints, from the certificate's stored data; its QR code encodes the
    certificate's verification address under `base_url`."""
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
        "qr": qr_of(cert, base_url),
        "date_text": date_text,
    }


def assets_of(contest_id: int) -> dict[str, str]:
    rows = db.session.scalars(select(CertificateAsset).where(CertificateAsset.contest_id == contest_id))
    return {a.slot: a.storage_key for a in rows}


def document_context(contest: Contest, *, base_url: str) -> dict[str, Any]:
    """What every page of one document shares: the paper, the images, the issuers, the heading and
    the public address (`base_url`, for the QR codes and the lookup address printed under them)."""
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
        "lookup_address": lookup_address(base_url),
        "base_url": base_url,
    }


def render_html(contest: Contest, certs: Sequence[Certificate], doc: dict[str, Any]) -> str:
    """The pages of `certs` as one HTML document; `doc` is the contest's document_context."""
    dates: dict[date, str] = {}
    pages = []
    for cert in certs:
        day = certificate_date(contest, cert)
        if day not in dates:
            dates[day] = rules.chinese_date(day)
        pages.append(page_context(cert, doc["heading"], dates[day], base_url=doc["base_url"]))
    return render_template("certificates/certificate.html", pages=pages, **doc)


def upload_reader(key: str) -> bytes:
    from ...adapters.storage import get_storage

    return get_storage().read_bytes(key)


def render_chunk(contest: Contest, certs: Sequence[Certificate], doc: dict[str, Any]) -> bytes:
    """`certs` rendered as one PDF (one WeasyPrint document); `doc` is the contest's document_context."""
    from ...adapters.pdf import render_pdf

    return render_pdf(render_html(contest, certs, doc), upload_reader=upload_reader, zoom=doc["page"]["zoom"])


def single_pdf(cert: Certificate, *, base_url: str) -> bytes:
    contest = contest_of(cert)
    return render_chunk(contest, [cert], document_context(contest, base_url=base_url))


def sample_pdf(contest: Contest, *, base_url: str) -> bytes:
    """A preview with sample data (long title, rare characters) before anything is printed."""
    heading = rules.contest_heading(contest.full_name, contest.edition)
    sample = Certificate(
        contest_id=contest.id,
        kind="student",
        recipient_key="sample:0",
        number=format_number(
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
    doc = document_context(contest, base_url=base_url)
    from ...adapters.pdf import render_pdf

    html = render_template(
        "certificates/certificate.html",
        pages=[page_context(sample, heading, rules.chinese_date(certificate_date(contest)), base_url=base_url)],
        **doc,
    )
    return render_pdf(html, upload_reader=upload_reader, zoom=doc["page"]["zoom"])
