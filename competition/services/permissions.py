"""Every permission rule in one place, as plain functions of the user and the row (no Flask): views
apply them through competition/web/permissions.py before loading anything for display, and services
that act for a user check them too."""

from __future__ import annotations

from ..domain.states import ContestState, EntryState
from ..models import Assignment, Entry, User


def is_organizer(user: User) -> bool:
    return user.is_authenticated and user.has_role("organizer")


def can_edit_entry(user: User, entry: Entry) -> bool:
    """Teachers of the entry's school (or its creator) work on its drafts."""
    if not user.is_authenticated or not user.has_role("teacher"):
        return False
    return user.school_id is not None and user.school_id == entry.school_id


def can_review_entry(user: User, entry: Entry) -> bool:
    """Organizers review everything; a reviewer only within their district (all, if unscoped), and
    never a draft: it stays the school's private work until it is submitted."""
    if is_organizer(user):
        return True
    if not user.is_authenticated or not user.has_role("reviewer"):
        return False
    if entry.state == EntryState.DRAFT:
        return False
    return user.district_id is None or user.district_id == entry.school.district_id


def can_view_entry(user: User, entry: Entry) -> bool:
    return can_edit_entry(user, entry) or can_review_entry(user, entry)


def can_read_id_number(user: User, entry: Entry) -> bool:
    """A student's 身份证号 is read whole by the entry's teachers and by organizers; everyone else
    who sees the entry (reviewers, judges) sees it masked (id_numbers.mask_id_number)."""
    return can_edit_entry(user, entry) or is_organizer(user)


def can_score(user: User, assignment: Assignment) -> bool:
    """A judge sees and scores only their own published assignments."""
    return user.is_authenticated and user.has_role("judge") and assignment.judge_id == user.id and assignment.published


def entry_is_gone(user: User, entry: Entry) -> bool:
    """A deleted draft (or a returned entry the school gave up) no longer exists for anyone but
    organizers, who keep its row, files and history: every other URL of it answers 404."""
    return entry.state == EntryState.WITHDRAWN and not is_organizer(user)


def judge_sees_entry(user: User, entry: Entry) -> bool:
    """A judge with a PUBLISHED assignment on the entry (any round) may open its materials."""
    from sqlalchemy import select

    from ..extensions import db

    if not user.is_authenticated or not user.has_role("judge"):
        return False
    return (
        db.session.scalar(
            select(Assignment.id)
            .where(Assignment.entry_id == entry.id, Assignment.judge_id == user.id, Assignment.published.is_(True))
            .limit(1)
        )
        is not None
    )


def can_download_attachment(user: User, attachment) -> bool:
    """Teachers of the school, reviewers in the district, organizers, and assigned judges."""
    entry = attachment.entry
    return can_view_entry(user, entry) or judge_sees_entry(user, entry)


def can_download_certificate(user: User, certificate, contest) -> bool:
    """Organizers always; a teacher only their own school's valid certificates, once results are final."""
    if is_organizer(user):
        return True
    if not user.is_authenticated or not user.has_role("teacher") or user.school_id is None:
        return False
    return contest.state == ContestState.FINAL and certificate.school_id == user.school_id and not certificate.revoked
