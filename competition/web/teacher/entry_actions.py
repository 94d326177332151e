"""The entry's state changes from its page: submit (or resubmit), withdraw, delete a draft."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import ServiceError, submissions
from .. import doorway
from ..permissions import can_edit_entry, entry_or_403
from .blueprint import bp


def act(entry_id: int, change: Callable[[], object], done: str, category: str = "success", anchor: str | None = None):
    """Run one state-changing service call and say so; a refusal says why, on the same page."""
    page = url_for("teacher.entry", entry_id=entry_id, _anchor=anchor)

    def refused(exc: ServiceError):
        if isinstance(exc, submissions.EntryProblems):
            flash(
                _(
                    "The entry was not submitted. Still missing: %(what)s",
                    what="；".join(text for _f, text in exc.errors),
                ),
                "danger",
            )
        else:
            flash(exc.message, "danger")
        return redirect(page)

    doorway.on_refusal(respond=refused)
    change()
    flash(done, category)
    return redirect(page)


@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
def submit_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    return act(
        entry.id,
        lambda: submissions.submit(entry, actor=current_user),
        _("The entry has been submitted. The format review will follow; you will see the result here."),
    )


@bp.route("/entries/<int:entry_id>/withdraw", methods=["POST"])
def withdraw_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    return act(
        entry.id,
        lambda: submissions.withdraw(entry, actor=current_user),
        _("The entry is a draft again. Remember to submit it again before the deadline."),
        "warning",
    )


@bp.route("/entries/<int:entry_id>/delete", methods=["POST"])
def delete_entry(entry_id: int):
    entry = entry_or_403(entry_id, can_edit_entry)
    title = entry.title
    doorway.on_refusal(redirect_to=url_for("teacher.entry", entry_id=entry.id))
    submissions.discard(entry, actor=current_user)
    flash(_("Deleted: %(name)s", name=title), "success")
    return redirect(url_for("teacher.index"))
