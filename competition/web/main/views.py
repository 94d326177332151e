"""The home page: each role finds its work."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

bp = Blueprint("main", __name__)

HOME_BY_ROLE = [
    ("organizer", "organizer.index"),
    ("reviewer", "review.queue"),
    ("judge", "judge.index"),
    ("teacher", "teacher.index"),
]


@bp.route("/")
@login_required
def index():
    from flask import current_app

    areas = [
        (role, endpoint)
        for role, endpoint in HOME_BY_ROLE
        if current_user.has_role(role) and endpoint in current_app.view_functions
    ]
    if len(areas) == 1:
        return redirect(url_for(areas[0][1]))
    return render_template("main/index.html", areas=areas)


@bp.route("/language/<lang>", methods=["POST"])
def language(lang: str):
    if lang in ("zh_CN", "en"):
        session["lang"] = lang
    return redirect(request.referrer or url_for("main.index"))
