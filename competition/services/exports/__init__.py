"""Exports for the province and the archive: the nomination workbook (推荐汇总表) and its CSV,
the full results workbook, judges' score sheets (xlsx and a signed PDF), and the materials
bundle of the nominated entries (a zip written to disk entry by entry).

Read-only: nothing here changes a row (the bundle job records only its progress).

The package's modules: `tables` (the rows every export starts from), `nominations` (推荐汇总表),
`full_results`, `score_sheets`, `names` (names Windows accepts) and `bundle` (the zip and its job).
"""

from __future__ import annotations

from .bundle import (
    BUNDLE_JOB,
    STORED_KINDS,
    BundleFile,
    BundleSummary,
    application_form_pdf,
    bundle_download_name,
    bundle_job,
    entry_folder,
    plan_entry_files,
    recent_bundle_jobs,
    start_bundle,
    write_bundle,
)
from .full_results import RESULT_HEADERS, RESULT_WIDTHS, results_table, results_workbook
from .names import download_name, material_file_name, safe_name
from .nominations import (
    AUTHOR_SUBHEADERS,
    CSV_HEADERS,
    NOMINATION_HEADERS,
    NOMINATION_WIDTHS,
    district_quota_rows,
    nomination_csv,
    nomination_summary,
    nomination_workbook,
)
from .score_sheets import (
    SHEET_STATE_LABELS,
    SheetGroup,
    SheetRow,
    score_sheet_groups,
    score_sheets_by_judge,
    score_sheets_pdf,
    score_sheets_workbook,
)
from .tables import STAGE_ORDER, authors, contact_phone, nominated_results, nomination_table, nomination_title

__all__ = [
    "STAGE_ORDER",
    "nominated_results",
    "authors",
    "contact_phone",
    "nomination_title",
    "nomination_table",
    "NOMINATION_HEADERS",
    "AUTHOR_SUBHEADERS",
    "NOMINATION_WIDTHS",
    "CSV_HEADERS",
    "district_quota_rows",
    "nomination_summary",
    "nomination_workbook",
    "nomination_csv",
    "RESULT_HEADERS",
    "RESULT_WIDTHS",
    "results_table",
    "results_workbook",
    "SHEET_STATE_LABELS",
    "SheetRow",
    "SheetGroup",
    "score_sheet_groups",
    "score_sheets_workbook",
    "score_sheets_by_judge",
    "score_sheets_pdf",
    "safe_name",
    "download_name",
    "material_file_name",
    "STORED_KINDS",
    "entry_folder",
    "BundleFile",
    "plan_entry_files",
    "application_form_pdf",
    "BundleSummary",
    "write_bundle",
    "bundle_download_name",
    "bundle_job",
    "BUNDLE_JOB",
    "recent_bundle_jobs",
    "start_bundle",
]
