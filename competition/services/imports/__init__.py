"""Imports from office spreadsheets: schools, teachers, reviewers, judges, and entries of a contest
whose registration happened elsewhere.

Two steps. `preview(kind, data, filename)` reads the file (competition/adapters/spreadsheets/), matches every
row against the database by a stable key and returns a `Plan`: what will be created, updated or
left alone, and EVERY problem row with its line number and reason. It writes nothing.
`apply(...)` plans again from the same bytes and, only if no row has a problem, writes all rows
(and flushes; the caller commits once: all rows or none).

Keys: schools by full name; accounts by phone, else by name + school (teachers), name + district
(reviewers) or name + unit (judges) — never by name alone (two teachers named 王伟 exist).
A school name that is not stored but near a stored one (domain/school_matching.py: 杜集区实验学校
for 淮北市杜集区实验学校, 濉溪中学 for 安徽省濉溪中学) is never silently a second school: the
schools import proposes the existing school (`PlanRow.candidates`, `chosen`; the organizer may
choose a new one instead, `school_choices`), and the teachers and entries imports take the one
near school (with a note) or, when several are near, name them in a problem.

New accounts get a username (t/r/j + mobile number, or a stable code when there is no mobile), a
random initial password and must change it at first login; `credentials_workbook` lays the
passwords out for the organizer to hand out.

The plan also reports every column of the header row (`column_report`): which field it is read
into, or why it is not read, with a "did you mean …?" when its header is close to an accepted name
(联系电活, 学校名); `ColumnNote.warn` marks an unread column that probably holds data the import
needs (close to a field that was not found, or a second column for a field already read).

Between preview and confirmation the uploaded file is kept under EXPORT_FOLDER/imports/<token>/
with the uploader's id (`stash_upload`, `load_stash`); the rows are never carried in the form.
Confirming or cancelling drops the file but keeps a note of the outcome (`finish_stash`,
`finished_import`) for the rest of the stash's life, so the browser's Back button and a resubmitted
form land on "already confirmed (n created …)" instead of a 404 and import nothing twice.

The modules: ``columns`` (the columns of each kind of list, the column report, which kind a file
is), ``preview`` with ``plan`` and one planner per kind (``plan_schools``, ``plan_people``,
``plan_entries``), ``apply`` (writing, the credentials sheet) and ``stash`` (keeping the upload).
The rules of one row that need no database are in ``competition/domain/imports.py``. The public
names are re-exported here, so ``imports.preview(...)`` works.
"""

from .apply import (
    ENTRY_IMPORT_STATES,
    apply,
    credentials_workbook,
)
from .columns import (
    COLUMNS,
    KIND_LABELS,
    KINDS,
    MAX_UPLOAD,
    ROLE_OF,
    ColumnNote,
    column_report,
    column_report_lines,
    guess_kind,
    likely_kind,
)
from .plan import (
    Credential,
    Outcome,
    Plan,
    PlanRow,
    SchoolChoice,
)
from .preview import (
    preview,
)
from .stash import (
    STASH_HOURS,
    drop_stash,
    finish_stash,
    finished_import,
    has_credentials,
    load_stash,
    outcome_summary,
    stash_upload,
    take_credentials,
)

__all__ = [
    "COLUMNS",
    "ColumnNote",
    "Credential",
    "ENTRY_IMPORT_STATES",
    "KINDS",
    "KIND_LABELS",
    "MAX_UPLOAD",
    "Outcome",
    "Plan",
    "PlanRow",
    "ROLE_OF",
    "STASH_HOURS",
    "SchoolChoice",
    "apply",
    "column_report",
    "column_report_lines",
    "credentials_workbook",
    "drop_stash",
    "finish_stash",
    "finished_import",
    "guess_kind",
    "has_credentials",
    "likely_kind",
    "load_stash",
    "outcome_summary",
    "preview",
    "stash_upload",
    "take_credentials",
]
