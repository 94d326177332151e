"""Every POST route names the kind of write it makes (domain/write_rules.py), and in a phase of
the contest that refuses that kind, the route changes nothing.

A POST route added without an entry in WRITE_KINDS fails `test_every_post_route_names_its_kind`.
The calls reuse the role grid's world and request bodies (tests/web/test_route_grid.py): every
contest of the world is put into a refusing phase, the first allowed actor posts, and every row
of every table and every stored file must be as before.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from competition.domain import write_rules
from competition.extensions import db
from competition.models import Contest
from competition.models.results import RankingRun
from tests.factories.grid import describe_change, snapshot
from tests.web.test_route_grid import (  # noqa: F401  (fixtures)
    RULES,
    _state,
    call,
    grid,
    grid_module,
    methods_of,
    rules_of,
    url_of,
)

# endpoint -> kind of write, or None for writes that are not a contest's records: accounts,
# sessions, imports of people and schools, the contest's own state transitions (which have
# their own order), and files rendered from records (exports, certificate batches, designs).
WRITE_KINDS: dict[str, str | None] = {
    "auth.change_password": None,
    "auth.login": None,
    "auth.logout": None,
    "auth.reset_password": None,
    "main.language": None,
    # one's own messages and settings, and the outbox: no contest's record changes
    "messages.preferences": None,
    "messages.read_all": None,
    "organizer.outbox.outbox_resend": None,
    "public.verify_lookup": None,
    "public.objection_new": "objection",
    "organizer.accounts.account": None,
    "organizer.accounts.account_active": None,
    "organizer.accounts.account_new": None,
    "organizer.accounts.account_reset_link": None,
    "organizer.accounts.districts": None,
    "organizer.accounts.school_edit": None,
    "organizer.setup.imports_upload": None,
    "organizer.setup.import_preview": None,
    "organizer.setup.import_cancel": None,
    "organizer.setup.contest_new": None,
    "organizer.setup.contest_import": None,
    "organizer.setup.contest_definition_check": None,
    # names, windows and the notice's wording may change any time; a result rule is "contest_rules",
    # checked in the service (tests/services/test_write_rules.py)
    "organizer.setup.contest_edit": "contest_settings",
    "organizer.setup.contest_state": None,
    "organizer.results.results_action": None,  # lock, unlock, publish, finalize: the phases themselves
    "organizer.exports.export_bundle_start": None,
    "organizer.certificates.certificates_batch": None,
    "organizer.certificates.certificates_asset_upload": None,
    "organizer.certificates.certificates_asset_delete": None,
    "organizer.setup.contest_definition": "contest_rules",
    "organizer.setup.contest_tie_break": "tie_break",
    "teacher.new_entry": "entry",
    "teacher.edit_entry": "entry",
    "teacher.upload": "entry",
    "teacher.upload_photo": "entry",
    "organizer.setup.section_fields": "entry",  # and only while submission is open
    "teacher.delete_attachment": "entry",
    "teacher.submit_entry": "entry",
    "teacher.withdraw_entry": "entry",
    "teacher.delete_entry": "entry",
    "review.accept": "review",
    "review.return_entry": "review",
    "review.reject": "review",
    "review.bulk_accept": "review",
    "judge.save_sheet": "score",
    "judge.submit": "score",
    "judge.submit_all": "score",
    "judge.declare_conflict": "score",
    "organizer.setup.rubric_edit": "rubric",
    "organizer.setup.rubric_delete": "rubric",
    "organizer.judging.judging_combination": "round",
    "organizer.judging.judging_round_state": "round",
    "organizer.judging.judging_publish": "round",
    "organizer.judging.judging_promote": "round",
    "organizer.judging.judging_promote_manual": "round",
    "organizer.judging.judging_unpromote": "round",
    "organizer.judging.judging_rejudge": "round",
    "organizer.judging.judging_add_judges": "assignment",
    "organizer.judging.judging_remove_judge": "assignment",
    "organizer.judging.judging_run": "assignment",
    "organizer.judging.judging_add_assignment": "assignment",
    "organizer.judging.judging_remove_assignment": "assignment",
    "organizer.judging.judging_conflicts": "assignment",
    "organizer.judging.judging_remove_conflict": "assignment",
    "organizer.judging.judging_reopen": "score",
    "organizer.results.results_run": "ranking",
    "organizer.results.results_tie": "result_decision",
    "organizer.results.results_edit": "result_decision",
    "organizer.results.results_withdraw": "award_withdrawal",
    "organizer.results.results_objections": "objection",
    "organizer.results.results_objection_settle": "objection",
    "organizer.results.results_objection_correct": "objection",
    "organizer.certificates.certificates_issue": "certificate",
    "organizer.certificates.certificate_correct": "certificate_correction",
    "organizer.certificates.certificate_revoke": "certificate_correction",
    "organizer.reports.reports_provincial": "provincial_outcome",
}

# the contest state (and whether results are locked) that gives each phase
PHASE_STATE = {
    "preparing": ("judging", False),
    "ranking": ("results", False),
    "locked": ("results", True),
    "published": ("published", True),
    "final": ("final", True),
}


def _post_endpoints(app) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}


def test_every_post_route_names_its_kind(app):
    posts = _post_endpoints(app)
    missing = sorted(posts - WRITE_KINDS.keys())
    assert not missing, (
        "POST routes without a write kind in tests/web/test_write_rules_routes.py "
        f"(which phases may they write in?): {missing}"
    )
    assert not sorted(WRITE_KINDS.keys() - posts), "write kinds for routes that are gone"
    assert {k for k in WRITE_KINDS.values() if k} <= set(write_rules.WRITES)


def _refusing_phases(kind: str) -> list[str]:
    return [p for p in write_rules.PHASES if p not in write_rules.WRITES[kind]]


def _put_every_contest_in(phase: str) -> None:
    state, locked = PHASE_STATE[phase]
    db.session.execute(update(Contest).values(state=state))
    if not locked:
        db.session.execute(update(RankingRun).values(locked_at=None))
    db.session.commit()


CASES = [
    (endpoint, phase) for endpoint, kind in sorted(WRITE_KINDS.items()) if kind for phase in _refusing_phases(kind)
]


@pytest.mark.parametrize("endpoint,phase", CASES)
def test_a_refused_phase_changes_nothing(grid, endpoint, phase):  # noqa: F811 (the grid fixture)
    spec = RULES[endpoint]
    actor = sorted(spec.allowed - spec.post_changes_nothing_for)[0]
    _state["dirty"] = True  # the contests' states change below: the next test gets the world back
    _put_every_contest_in(phase)
    before = snapshot()
    for rule in rules_of(grid.app, endpoint):
        if "POST" not in methods_of(rule):
            continue
        resp = call(grid, actor, "POST", url_of(rule, spec, grid.ids), spec)
        assert resp.status_code < 500, f"{endpoint} in {phase}: {resp.status_code}"
        after = snapshot()
        assert after == before, f"{endpoint} wrote in phase {phase}: {describe_change(before, after)}"
        if endpoint.startswith("judge.") and resp.is_json:
            assert resp.status_code == 409 and resp.json["closed"] is True
