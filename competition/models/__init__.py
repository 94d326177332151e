"""All tables; importing this module registers them on the metadata."""

from .accounts import PasswordReset
from .audit import AuditEvent
from .base import Base, utcnow
from .certificates import CertificateAsset, CertificateRevision
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
from .entries import ENTRY_STATES, Adviser, Attachment, Entry, Student, StudentPhoto
from .jobs import Job
from .judging import Assignment, Conflict, RoundEntry, RoundJudge, ScoreSheet
from .notifications import Notification, NotificationDelivery, NotificationPreference
from .people import ROLES, District, LoginThrottle, School, User, UserRole
from .results import Certificate, Objection, ObjectionFile, Result
from .review import EntryNumberCounter

__all__ = [
    "Adviser",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "Base",
    "CONTEST_STATES",
    "Certificate",
    "CertificateAsset",
    "CertificateRevision",
    "EntryNumberCounter",
    "PasswordReset",
    "Conflict",
    "Contest",
    "Job",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "Criterion",
    "DEFAULT_SETTINGS",
    "District",
    "ENTRY_STATES",
    "Entry",
    "MaterialRequirement",
    "Objection",
    "ObjectionFile",
    "ROLES",
    "Result",
    "Round",
    "RoundEntry",
    "RoundJudge",
    "LoginThrottle",
    "Rubric",
    "School",
    "ScoreSheet",
    "Section",
    "Student",
    "StudentPhoto",
    "User",
    "UserRole",
    "utcnow",
]
