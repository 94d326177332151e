"""Log in, log out, change password."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ...extensions import global_limit, limiter
from ...services import accounts
from .. import doorway
from ..forms import local_path
from . import reset  # noqa: F401  (registers the password-reset routes)
from .blueprint import bp, seed_csrf
from .forms import ChangePasswordForm, LoginForm


def _refuse_login(form: LoginForm) -> None:
    """A refused login keeps the pair's failure count (the throttle) and shows the form again."""

    def respond(exc):
        flash(exc.message, "danger")
        return render_template("auth/login.html", form=form)

    doorway.on_refusal(respond=respond, keep_changes=True)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@global_limit("LOGIN_GLOBAL_PER_MINUTE", "login-global", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        _refuse_login(form)
        user = accounts.authenticate(
            form.username.data,
            form.password.data,
            address=request.remote_addr or "",
            throttle=accounts.Throttle.from_config(current_app.config),
        )
        lang = session.get("lang")
        session.clear()  # no session fixation: a fresh session after login
        if lang:
            session["lang"] = lang
        login_user(user, remember=form.remember.data)
        seed_csrf()
        if user.must_change_password:
            flash(_("Please choose a new password."), "warning")
            return redirect(url_for("auth.change_password"))
        return redirect(local_path(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    seed_csrf()  # login pages opened from here share one token
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        doorway.on_refusal(respond=lambda exc: _password_refused(form, exc))
        accounts.change_password(
            current_user,
            form.current.data,
            form.new.data,
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
        login_user(current_user._get_current_object())  # keep this session with the new token
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


def _password_refused(form: ChangePasswordForm, exc):
    """The reason beside the field it concerns (the new password when it names none)."""
    getattr(form, exc.field or "new").errors.append(exc.message)
    return render_template("auth/change_password.html", form=form)


@bp.get("/auth/csrf-token")
@login_required
def csrf_token():
    """The session's current CSRF token, for a page whose token went stale (the judge logged in
    again in another tab): the page takes it and sends its save once more."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
