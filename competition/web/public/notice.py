"""The public notice of results (公示): anyone may open it while the results are published or final.

It lists only what the notice needs: number, title, school, section and stage, award and
nomination. Student names appear only when the contest's ``notice_show_names`` setting is on;
phones, genders, grades and scores never appear. Draft results are not public: a contest that
is not published (or final) answers 404, as an unknown code does.

Parents open it on phones: ``?q=`` narrows the list to entries whose number, title or school
(or shown names) contain the words, and the template stacks each row on narrow screens.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from ...domain.states import results_public
from ...services import objections as objection_service
from ...services import results as service
from ...services.contests import get_by_code
from .blueprint import bp

MAX_QUERY = 50


@bp.route("/notice/<code>")
def notice(code: str):
    contest = get_by_code(code)
    if contest is None or not results_public(contest.state):
        abort(404)
    rows = service.public_rows(contest)
    show_names = bool(contest.settings_view.notice_show_names)
    total = len(rows)
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    if query:
        words = query.lower().split()
        rows = [r for r in rows if all(w in _haystack(r.entry, show_names) for w in words)]
    levels = service.award_choices(contest)
    order = {level: i for i, level in enumerate(levels)}
    group_order = service.group_sort_key(contest)
    groups: dict[str, list] = {}
    for r in sorted(
        rows,
        key=lambda r: (
            group_order(r.group_key),
            order.get(r.final_award, len(levels)),
            r.entry.number or "",
            r.entry_id,
        ),
    ):
        groups.setdefault(r.group_key, []).append(r)
    return render_template(
        "public/notice.html",
        contest=contest,
        run=service.get_run(contest),
        show_names=show_names,
        groups=[(service.group_label(contest, key), members) for key, members in groups.items()],
        authors=_authors if show_names else None,
        contact=contest.settings_view.notice_contact,
        objection_outcomes=objection_service.public_outcomes(contest),
        query=query,
        total=total,
        found=len(rows),
    )


def _haystack(entry, show_names: bool) -> str:
    parts = [entry.number or "", entry.title, entry.school.name if entry.school else ""]
    if show_names:
        parts.append(_authors(entry))
    return " ".join(parts).lower()


def _authors(entry) -> str:
    if entry.group_name:
        return entry.group_name
    return _(", ").join(s.name for s in entry.students)
