"""The home page: each role finds its work."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, send_from_directory, session, url_for
from flask_login import current_user, login_required

from ..doorway import AreaBlueprint

bp = AreaBlueprint("main", __name__)

HOME_BY_ROLE = [
    ("organizer", "organizer.index"),
    ("reviewer", "review.queue"),
    ("judge", "judge.index"),
    ("teacher", "teacher.index"),
]


@bp.route("/")
@login_required
def index():
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


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site whatever the page links; base.html links the
    SVG (competition/static/favicon.svg) and this ICO of the same drawing."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=7 * 86400)
