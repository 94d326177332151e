"""The one-time password reset link an organizer hands out (public: the token is the key)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ...extensions import limiter
from ...services import users
from .. import doorway
from ..forms import PageForm
from .blueprint import bp, seed_csrf


class ResetPasswordForm(PageForm):
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset_password(token: str):
    reset = users.valid_reset(token)
    if reset is None:
        return render_template("auth/reset_password.html", form=None, account=None), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        doorway.on_refusal(respond=lambda exc: _reset_refused(form, reset, exc))
        user = users.use_reset(token, form.new.data, min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        seed_csrf()
        flash(_("Your new password is set. Please log in with it, %(name)s.", name=user.name), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, account=reset.user)


def _reset_refused(form: ResetPasswordForm, reset, exc):
    """Every refusal (a weak password, a link spent meanwhile) is shown at the new password."""
    form.new.errors.append(exc.message)
    return render_template("auth/reset_password.html", form=form, account=reset.user)
