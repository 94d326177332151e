"""Display labels for stored codes (states, roles, kinds), translated at render time."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ENTRY_STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted, awaiting review"),
    "returned": _l("Returned for correction"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
CONTEST_STATE_LABELS = {
    "draft": _l("In preparation"),
    "open": _l("Open for submissions"),
    "closed": _l("Format review"),
    "judging": _l("Judging"),
    "results": _l("Results being settled"),
    "published": _l("Public notice"),
    "final": _l("Final"),
}
ROLE_LABELS = {
    "teacher": _l("Teacher"),
    "reviewer": _l("Reviewer"),
    "judge": _l("Judge"),
    "organizer": _l("Organizer"),
}
CONTEST_KIND_LABELS = {
    "innovation": _l("Innovation contest"),
    "invention": _l("Invention contest"),
    "film": _l("Science film festival"),
    "other": _l("Other"),
}
STATE_BADGES = {
    "draft": "secondary",
    "submitted": "info",
    "returned": "warning",
    "accepted": "success",
    "rejected": "danger",
    "withdrawn": "dark",
}
