"""The messages of each event, in Chinese through the catalog, and who gets them. Each function
is called from the one service where its event happens, inside that service's transaction, so a
message exists exactly when the change it tells of was committed.

Links are paths of this site (the message centre links them as they are; emails make them
absolute with PUBLIC_BASE_URL); tests/services/notifications checks that each one opens."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...i18n.timeutil import utc_to_local
from ...models import Contest, Entry, Objection, User, UserRole
from .core import notify


def _teachers_of(entry: Entry) -> list[User]:
    """Who is told about a school's entry: the teacher who made it while they still act for the
    school, else every active teacher of the school."""
    maker = entry.created_by
    if maker is not None and maker.active and maker.school_id == entry.school_id and maker.has_role("teacher"):
        return [maker]
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.school_id == entry.school_id, User.active.is_(True), UserRole.role == "teacher")
            .order_by(User.id)
        )
    )


def _organizers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.active.is_(True), UserRole.role == "organizer")
            .order_by(User.id)
        )
    )


def _entry_link(entry: Entry) -> str:
    return f"/teacher/entries/{entry.id}"


def _to_teachers(entry: Entry, kind: str, subject: str, body: str) -> None:
    for user in _teachers_of(entry):
        notify(
            kind,
            # the entry's version changes with every review action, so a second return is a new event
            event_key=f"{kind}:e{entry.id}:v{entry.version}",
            subject=subject,
            body=body,
            user=user,
            link=_entry_link(entry),
            contest_id=entry.contest_id,
            entry_id=entry.id,
        )


def entry_received(entry: Entry) -> None:
    """The receipt of a submission (回执): the contest, the entry's id and when it arrived."""
    received = utc_to_local(entry.submitted_at)
    _to_teachers(
        entry,
        "entry.received",
        _("Entry received: %(title)s", title=entry.title),
        "\n".join(
            (
                _(
                    "Your entry “%(title)s” for %(contest)s was received at %(time)s (Beijing time).",
                    title=entry.title,
                    contest=entry.contest.name,
                    time=received.strftime("%Y-%m-%d %H:%M") if received else "",
                ),
                _(
                    "Receipt: %(code)s-%(id)d. Keep it to ask about the entry. Format review comes next; "
                    "you will be told its outcome.",
                    code=entry.contest.code,
                    id=entry.id,
                ),
            )
        ),
    )


def entry_returned(entry: Entry) -> None:
    due = utc_to_local(entry.resubmit_by)
    _to_teachers(
        entry,
        "entry.returned",
        _("Entry returned for changes: %(title)s", title=entry.title),
        "\n".join(
            (
                _(
                    "Your entry “%(title)s” for %(contest)s was returned for changes.",
                    title=entry.title,
                    contest=entry.contest.name,
                ),
                _("Reason: %(reason)s", reason=entry.review_reason or ""),
                _(
                    "Resubmit it by %(due)s (Beijing time); after that it can no longer be submitted.",
                    due=due.strftime("%Y-%m-%d %H:%M") if due else "",
                ),
            )
        ),
    )


def entry_accepted(entry: Entry) -> None:
    _to_teachers(
        entry,
        "entry.accepted",
        _("Entry accepted: %(title)s (No. %(number)s)", title=entry.title, number=entry.number or ""),
        _(
            "Your entry “%(title)s” for %(contest)s passed format review. Its number is %(number)s; "
            "it goes on to judging.",
            title=entry.title,
            contest=entry.contest.name,
            number=entry.number or "",
        ),
    )


def entry_rejected(entry: Entry) -> None:
    _to_teachers(
        entry,
        "entry.rejected",
        _("Entry not accepted: %(title)s", title=entry.title),
        "\n".join(
            (
                _(
                    "Your entry “%(title)s” for %(contest)s did not pass format review and will not be judged.",
                    title=entry.title,
                    contest=entry.contest.name,
                ),
                _("Reason: %(reason)s", reason=entry.review_reason or ""),
            )
        ),
    )


def objection_received(objection: Objection) -> None:
    """Every organizer, as each objection arrives (online or entered from paper)."""
    contest = db.session.get(Contest, objection.contest_id)
    assert contest is not None  # the objection's contest cascades: it is there while the objection is
    entry = objection.entry
    received = utc_to_local(objection.received_at)
    receipt = objection.receipt or "#" + str(objection.id)
    about = " ".join(p for p in (entry.number, entry.title) if p) if entry is not None else _("the results")
    for user in _organizers():
        notify(
            "objection.received",
            event_key=f"objection.received:o{objection.id}",
            subject=_("New objection: %(contest)s", contest=contest.name),
            body=_(
                "An objection to %(about)s was received at %(time)s (Beijing time). Receipt: %(receipt)s.",
                about=about,
                time=received.strftime("%Y-%m-%d %H:%M") if received else "",
                receipt=receipt,
            ),
            user=user,
            link=f"/organizer/contests/{contest.id}/objections",
            contest_id=contest.id,
            entry_id=entry.id if entry is not None else None,
        )
