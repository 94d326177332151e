"""Score sheets (评分表): a judge's drafts and submissions, and an organizer reopening one.

A sheet carries a version (checked by SQLAlchemy on every UPDATE). A save names the version it
was based on; when the stored sheet is newer the save is refused with :class:`StaleSheet`,
which carries the newer sheet, so the judge sees those values and nothing is overwritten.
Flushes only; the view commits.

``reads`` holds what the judge's pages load (assignments, criteria, progress), ``writes`` the
saves, submissions and reopening; both are used through this module (``sheets.save_draft``).
"""

from __future__ import annotations

from .reads import (
    Progress,
    blind,
    contest_progress,
    criteria_of,
    entry_attachments,
    judge_assignment,
    judge_assignments,
    next_unscored,
    progress,
    sheet_payload,
    sheet_state,
    specs,
)
from .writes import (
    MAX_COMMENT,
    InvalidSheet,
    StaleSheet,
    closed_reason,
    declare_conflict,
    reopen,
    save_draft,
    submit,
    submit_all,
)

__all__ = [
    "MAX_COMMENT",
    "InvalidSheet",
    "Progress",
    "StaleSheet",
    "blind",
    "closed_reason",
    "contest_progress",
    "criteria_of",
    "declare_conflict",
    "entry_attachments",
    "judge_assignment",
    "judge_assignments",
    "next_unscored",
    "progress",
    "reopen",
    "save_draft",
    "sheet_payload",
    "sheet_state",
    "specs",
    "submit",
    "submit_all",
]
