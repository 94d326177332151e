"""The message centre (站内消息) of every logged-in person: the list, opening a message (marks it
read and goes to the page it is about), marking all read. A person sees only their own messages."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services.notifications import inbox
from ...services.notifications import preferences as prefs
from ..doorway import AreaBlueprint
from .labels import kind_label

bp = AreaBlueprint("messages", __name__)
bp.add_app_template_global(kind_label, "notification_kind_label")


@bp.app_template_global("unread_messages")
def unread_messages() -> int:
    """The header's badge: one COUNT per page, only for a logged-in person."""
    if not current_user.is_authenticated:
        return 0
    if "unread_messages" not in g:
        g.unread_messages = inbox.unread_count(current_user.id)
    return g.unread_messages


@bp.before_request
@login_required
def _logged_in_only():
    return None


@bp.route("/")
def index():
    unread_only = request.args.get("unread") == "1"
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "messages/index.html",
        inbox=inbox.inbox(current_user, page=page, unread_only=unread_only),
        unread_only=unread_only,
    )


@bp.route("/<int:notification_id>")
def open_message(notification_id: int):
    """Marks the message read, then goes to its page (or back to the list when it has none)."""
    note = inbox.message_of(current_user, notification_id)
    if note is None:
        abort(404)
    inbox.mark_read(note)
    link = note.link or ""
    # Only a path of this site: a stored link never sends anyone elsewhere.
    if not link.startswith("/") or link.startswith("//"):
        return redirect(url_for(".index"))
    return redirect(link)


@bp.route("/read-all", methods=["POST"])
def read_all():
    count = inbox.mark_all_read(current_user)
    flash(_("%(n)d messages marked as read.", n=count) if count else _("There are no unread messages."), "success")
    return redirect(url_for(".index"))


@bp.route("/settings", methods=["GET", "POST"])
def preferences():
    """Which messages come by email, and which count as new in the message centre."""
    if request.method == "POST":
        chosen = {tuple(v.split("|", 1)) for v in request.form.getlist("choice") if "|" in v}
        prefs.save(current_user, chosen, actor=current_user)  # type: ignore[arg-type]
        flash(_("Your notification settings were saved."), "success")
        return redirect(url_for(".preferences"))
    return render_template(
        "messages/preferences.html",
        choices=prefs.choices(current_user),
        email=current_user.email,
        email_on=bool(current_app.config.get("MAIL_SERVER")),
    )
