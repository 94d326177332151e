"""The organizer's start page: every contest with its state, key counts, deadlines and areas."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from ...models import Contest
from ...services import contests as service
from .blueprint import bp

# Areas other engineers add under /organizer/contests/<id>/<area> (or /organizer/<area>/<id>);
# shown only once they exist.
CONTEST_AREAS = (
    ("judging", _l("Judges and scoring")),
    ("results", _l("Results and awards")),
    ("certificates", _l("Certificates")),
    ("exports", _l("Exports")),
    ("reports", _l("Reports")),
)
# Pages for the whole organization (no contest in the address), shown when they exist.
GLOBAL_AREAS = {
    "accounts": _l("Accounts and schools"),
    "audit": _l("Audit log"),
    "jobs": _l("Background jobs"),
    "outbox": _l("Outbox"),
}


def _endpoint_for(path: str) -> tuple[str, str | None] | None:
    """The endpoint serving `path` (with `<...>` placeholders) and its one argument name."""
    for rule in current_app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        generic = rule.rule
        for arg in rule.arguments:
            generic = generic.replace(f"<int:{arg}>", "<id>").replace(f"<{arg}>", "<id>")
        if generic == path:
            return rule.endpoint, next(iter(rule.arguments), None)
    return None


def contest_links(contest: Contest) -> list[tuple[str, str]]:
    links = []
    for area, label in CONTEST_AREAS:
        found = _endpoint_for(f"/organizer/contests/<id>/{area}") or _endpoint_for(f"/organizer/{area}/<id>")
        if found and found[1]:
            endpoint, arg = found
            links.append((str(label), url_for(endpoint, **{arg: contest.id})))
    return links


def global_links() -> list[tuple[str, str]]:
    links = []
    for area, label in GLOBAL_AREAS.items():
        found = _endpoint_for(f"/organizer/{area}")
        if found and found[1] is None:
            links.append((str(label), url_for(found[0])))
    return links


@bp.route("/")
def index():
    rows = service.newest_first()
    ids = [c.id for c in rows]
    return render_template(
        "organizer/home.html",
        contests=rows,
        counts=service.entry_counts(ids),
        judges=service.judge_counts(ids),
        links={c.id: contest_links(c) for c in rows},
        global_links=global_links(),
    )
