"""All tables; importing this module registers them on the metadata."""
from .audit import AuditEvent
from .base import Base, utcnow
from .contests import (
    CONTEST_STATES,
    DEFAULT_SETTINGS,
    Contest,
    Criterion,
    MaterialRequirement,
    Round,
    Rubric,
    Section,
)
from .entries import ENTRY_STATES, Adviser, Attachment, Entry, Student
from .jobs import Job
from .judging import Assignment, Conflict, RoundEntry, RoundJudge, ScoreSheet
from .people import ROLES, District, School, User, UserRole
from .results import Certificate, Objection, Result

__all__ = [
    "Adviser", "Assignment", "Attachment", "AuditEvent", "Base", "CONTEST_STATES", "Certificate",
    "Conflict", "Contest", "Job", "Criterion", "DEFAULT_SETTINGS", "District", "ENTRY_STATES", "Entry",
    "MaterialRequirement", "Objection", "ROLES", "Result", "Round", "RoundEntry", "RoundJudge",
    "Rubric", "School", "ScoreSheet", "Section", "Student", "User", "UserRole", "utcnow",
]
from .review import EntryNumberCounter  # noqa: E402,F401  (format review)
from .accounts import PasswordReset  # noqa: E402,F401
from .certificates import CertificateAsset, CertificateRevision  # noqa: E402,F401  (certificates)
