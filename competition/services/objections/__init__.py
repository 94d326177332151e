"""Objections filed online from the public notice page, by anyone and without an account
(公示期异议), and what the public may see of them: the status behind a receipt, and the outcome
of each settled objection without personal data; and the organizer's desk: every objection
with its files, the finding (founded or not) with the withdrawal of the award in the same step,
and the audited correction of a settled finding, which may give a withdrawn award back. The
rules are in domain/objections.py; recording a paper objection and withdrawing an award by hand
are in services/results/publication.py.

The modules, by use case: ``filing`` (filing online, its window and files), ``reads`` (the
receipt's status and the notice's outcomes), ``desk`` (the organizer's desk as a read model)
and ``settle`` (the finding and its corrections). Their public names are re-exported here, so
``objections.settle(...)`` works.
"""

# The finding the desk records is the domain's own (re-exported for the callers of settle and correct).
from ...domain.objections import Finding
from .desk import DESK_STATES, Desk, DeskCorrection, DeskFile, DeskObjection, desk
from .filing import (
    FILE_KINDS,
    MAX_EVIDENCE_FILES,
    MAX_FILE_MB,
    ObjectionProblems,
    Upload,
    file_online,
    filing_closed,
    filing_window,
)
from .reads import ObjectionStatus, PublicOutcome, public_outcomes, status_of
from .settle import correct, settle

__all__ = [
    "DESK_STATES",
    "FILE_KINDS",
    "MAX_EVIDENCE_FILES",
    "MAX_FILE_MB",
    "Desk",
    "DeskCorrection",
    "DeskFile",
    "DeskObjection",
    "Finding",
    "ObjectionProblems",
    "ObjectionStatus",
    "PublicOutcome",
    "Upload",
    "correct",
    "desk",
    "file_online",
    "filing_closed",
    "filing_window",
    "public_outcomes",
    "settle",
    "status_of",
]
