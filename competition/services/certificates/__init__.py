"""Certificates (获奖证书): issue, regenerate, correct, revoke, and print them in batches.

* `issuing`: `issue(contest, actor)` turns the contest's results (`recipients`) into certificate
  rows: new recipients get a number, known ones keep theirs; a certificate whose printed data
  changed is re-issued as a new revision under the same number; one whose award disappeared
  (withdrawn) is revoked. Everything that changes is audited. `revoke(...)` withdraws one.
* `corrections`: `correct(...)` fixes a typo in the registered data (student/adviser row, group
  name, project title) and re-issues the affected certificates.
* `rendering` and `printing`: `write_pdf(...)` / `write_zip(...)` render certificates in chunks of
  `CHUNK` per WeasyPrint document and copy each into the output as soon as it is rendered
  (PdfJoiner), so memory stays flat in the number of certificates; `write_batch` is the batch job's work.
* `verification`: what a QR code or a number and a name find (查验证书); `addresses`: the
  verification address a QR code encodes.
* `reads`: what the organizer's and the school's pages list; `assets`: the organizer's images.

The site's public address (PUBLIC_BASE_URL, in every QR code) and the export folder are arguments
from the edge (`base_url=`, `export_folder=`); the batch job's entry in competition/jobs/table.py
reads them from the app.

Services flush only; the caller commits.
"""

from __future__ import annotations

from ...domain import certificates as rules
from .addresses import lookup_address, qr_data_uri, qr_of, set_qr, unreachable_base_url, verify_url
from .assets import MAX_ASSET_BYTES, asset_of, asset_slots, remove_asset, save_asset
from .corrections import CORRECTABLE, correct
from .issuing import IssueSummary, issue, new_code, reissue, revoke
from .printing import CHUNK, ZIP_CHUNK, Progress, download_name, start_batch, write_batch, write_pdf, write_zip
from .reads import (
    Listing,
    SchoolCertificates,
    entry_certificates,
    listing,
    revisions_of,
    school_certificates,
    schools_with_certificates,
    select_ids,
)
from .recipients import awarded_entries
from .rendering import (
    NAME_SCALES,
    SCHOOL_SCALES,
    TEXT_SCALES,
    assets_of,
    document_context,
    page_context,
    render_chunk,
    render_html,
    sample_pdf,
    single_pdf,
    upload_reader,
)
from .settings import ISSUER_SLOTS, PAPER_MM, certificate_date, contest_of, page_setup, settings_of
from .verification import Lookup, find_by_code, lookup, public_view, replacement_of

__all__ = [
    "CHUNK",
    "CORRECTABLE",
    "ISSUER_SLOTS",
    "MAX_ASSET_BYTES",
    "NAME_SCALES",
    "PAPER_MM",
    "SCHOOL_SCALES",
    "TEXT_SCALES",
    "ZIP_CHUNK",
    "IssueSummary",
    "Listing",
    "Lookup",
    "Progress",
    "SchoolCertificates",
    "asset_of",
    "asset_slots",
    "assets_of",
    "awarded_entries",
    "certificate_date",
    "contest_of",
    "correct",
    "document_context",
    "download_name",
    "entry_certificates",
    "find_by_code",
    "issue",
    "listing",
    "lookup",
    "lookup_address",
    "new_code",
    "page_context",
    "page_setup",
    "public_view",
    "qr_data_uri",
    "qr_of",
    "reissue",
    "remove_asset",
    "render_chunk",
    "render_html",
    "replacement_of",
    "revisions_of",
    "revoke",
    "rules",
    "sample_pdf",
    "save_asset",
    "school_certificates",
    "schools_with_certificates",
    "select_ids",
    "set_qr",
    "settings_of",
    "single_pdf",
    "start_batch",
    "unreachable_base_url",
    "upload_reader",
    "verify_url",
    "write_batch",
    "write_pdf",
    "write_zip",
]
