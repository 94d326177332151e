"""The organizer's outbox (发信记录): every email the system queued, its state and last error;
search by address, subject or name; send a failed one again. A child of the organizer blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.notifications import DeliveryState
from ...services.notifications import deliver
from .. import doorway
from ..doorway import AreaBlueprint

bp = AreaBlueprint("outbox", __name__)


@bp.route("/outbox")
def outbox():
    text = (request.args.get("q") or "").strip()[:100]
    state = request.args.get("state") or ""
    if state not in set(DeliveryState):
        state = ""
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "organizer/outbox/index.html",
        found=deliver.outbox(text=text, state=state, page=page),
        text=text,
        state=state,
        states=[(s.value, deliver.state_label(s)) for s in DeliveryState],
        state_label=deliver.state_label,
        email_on=bool(current_app.config.get("MAIL_SERVER")),
    )


@bp.route("/outbox/<int:delivery_id>/resend", methods=["POST"])
def outbox_resend(delivery_id: int):
    back = url_for("organizer.outbox.outbox", q=request.args.get("q") or None, state=request.args.get("state") or None)
    doorway.on_refusal(redirect_to=back)
    delivery = deliver.resend(delivery_id, actor=current_user)
    flash(_("The email to %(address)s is queued to be sent again.", address=delivery.address), "success")
    return redirect(back)
