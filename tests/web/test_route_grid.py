"""The role x route grid: every route of the app, generated from ``app.url_map``, for every actor.

Actors: anonymous, the teacher of the entry's school (s1) and a teacher of another school (s2, same
district), a reviewer inside (d1) and outside (d2) the entry's district, the judge with a published
assignment on the entry and a judge of the same round without one, and an organizer. The rows the
URLs name come from one world (tests/factories/grid.py).

For every rule and method:
- anonymous: a redirect to the login page, unless the page is public;
- a refused actor: the status the rule names (403; 404 only where a route deliberately hides
  existence) and, for POST, nothing written: every row of every table and every stored or
  exported file is compared before and after;
- an allowed actor: neither 403 nor 5xx, never sent to the login page; a GET answers 200 or a
  redirect unless the rule says otherwise.

A route added without a rule here fails `test_every_route_has_a_rule`, naming the endpoint.

The world is built once and reused by GET tests (which must not write); a test in which an allowed
actor posts marks it dirty, so the next test builds a fresh one.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from competition import jobs
from competition.extensions import db
from tests.conftest import _empty_all_tables
from tests.factories.grid import ACTORS, PDF, SavedWorld, client_for, describe_change, grid_world, snapshot
from tests.factories.teacher import PHOTO_JPG, form_data

PHOTO = PHOTO_JPG.read_bytes()

ALL = frozenset(ACTORS)
LOGGED_IN = ALL - {"anonymous"}
TEACHERS = frozenset({"teacher", "teacher_other"})
JUDGES = frozenset({"judge", "judge_other"})
REVIEWERS = frozenset({"reviewer", "reviewer_other", "organizer"})
ORG = frozenset({"organizer"})


@dataclass(frozen=True)
class Rule:
    """Who may use an endpoint, and how to call it."""

    allowed: frozenset
    public: bool = False  # anonymous is allowed too
    refused: dict = field(default_factory=dict)  # actor -> status, where it is not 403
    args: dict = field(default_factory=dict)  # URL argument -> key of the world's ids
    query: str = ""  # appended to the URL, formatted with the ids
    body: Callable | None = None  # ids -> keyword arguments for client.open (POST)
    ok: frozenset = frozenset({200, 302})  # what an allowed GET may answer
    post_changes_nothing_for: frozenset = frozenset()  # allowed to call, but must not change anything
    lands_on_login: bool = False  # the allowed answer is the login page (logging out)

    def expected_refusal(self, actor: str) -> int:
        return self.refused.get(actor, 403)


# Default URL arguments: argument name -> key of the ids (see `_ids`).
DEFAULT_ARGS = {
    "attachment_id": "att",
    "assignment_id": "assignment",
    "lang": "lang",
    "user_id": "spare",
    "event_id": "event",
    "cert_id": "cert",
    "contest_id": "final",
    "slot": "slot",
    "number": "number",
    "district_id": "d1",
    "school_id": "s1",
    "aid": "other_assignment",
    "conflict_id": "conflict",
    "rj_id": "round_judge",
    "sheet_id": "sheet",
    "index": "index",
    "year": "year",
    "result_id": "result",
    "action": "action",
    "objection_id": "objection",
    "filename": "static_file",
    "requirement_id": "requirement",
    "entry_id": "entry1",
}


def form(**fields):
    return lambda ids: {"data": {k: (v(ids) if callable(v) else v) for k, v in fields.items()}}


def upload(field_name="file", name="报告.pdf", data=PDF, **extra):
    def body(ids):
        return {"data": {field_name: (io.BytesIO(data), name), **extra}, "content_type": "multipart/form-data"}

    return body


def sheet_json(ids):
    return {"json": {"version": ids["sheet_version"], "scores": {}, "comment": "好"}}


def new_entry_form(ids):
    data = form_data(title="越权创建的作品")
    data["section"] = str(ids["section"])
    return {"data": data}


# A teacher of another school gets 404 on an entry of s1, as for an id that does not exist.
OTHER_SCHOOL = {"teacher_other": 404}
TEACHER_ENTRY = Rule(allowed=frozenset({"teacher"}), refused=OTHER_SCHOOL)
HIDDEN_FROM_OUTSIDE = {"reviewer_other": 404}
# A reviewer outside the district gets 404, as for a missing id: a 403 would tell the id exists.
REVIEW_ENTRY = Rule(
    allowed=frozenset({"reviewer", "organizer"}), args={"entry_id": "entry_sub"}, refused=HIDDEN_FROM_OUTSIDE
)
JUDGE_ASSIGNMENT = Rule(allowed=frozenset({"judge"}))
ORGANIZER = Rule(allowed=ORG)

RULES: dict[str, Rule] = {
    # --- public and every logged-in user
    "static": Rule(allowed=ALL, public=True),
    "auth.login": Rule(allowed=ALL, public=True, body=form(username="nobody", password="wrong")),
    "auth.logout": Rule(allowed=ALL, public=True, lands_on_login=True),
    "auth.reset_password": Rule(
        allowed=ALL, public=True, args={"token": "reset_token"}, body=form(new="Neu-Passw0rd!", confirm="different")
    ),
    "auth.change_password": Rule(allowed=LOGGED_IN, body=form(current="wrong", new="x", confirm="x")),
    "auth.csrf_token": Rule(allowed=LOGGED_IN),  # the session's own token, nothing else
    "main.index": Rule(allowed=LOGGED_IN),
    "messages.index": Rule(allowed=LOGGED_IN),
    # someone else's message is as good as missing
    "messages.open_message": Rule(
        allowed=frozenset({"teacher"}),
        args={"notification_id": "note"},
        refused={actor: 404 for actor in LOGGED_IN - {"teacher"}},
    ),
    "messages.read_all": Rule(allowed=LOGGED_IN),
    "messages.preferences": Rule(allowed=LOGGED_IN, body=form(choice="entry.accepted|email")),
    "organizer.outbox.outbox": ORGANIZER,
    "organizer.outbox.outbox_resend": Rule(allowed=ORG, args={"delivery_id": "delivery"}),
    "main.language": Rule(allowed=ALL, public=True),
    "main.favicon": Rule(allowed=ALL, public=True),
    "public.notice": Rule(allowed=ALL, public=True, args={"code": "final_code"}),
    "public.verify": Rule(allowed=ALL, public=True, args={"code": "cert_code"}),
    "public.verify_lookup": Rule(
        allowed=ALL, public=True, body=form(number="2025-HB-XS-0001", name="张三"), post_changes_nothing_for=ALL
    ),
    # the world's contest is final: its notice is over, so a filed objection is refused and nothing kept
    "public.objection_new": Rule(
        allowed=ALL,
        public=True,
        args={"code": "final_code"},
        body=form(kind="person", name="张三", unit="某校", phone="13900000000", entry_number="X", facts="一" * 30),
    ),
    "public.objection_lookup": Rule(allowed=ALL, public=True),
    # a contest code is no receipt: everyone gets the page that says so, with a 404
    "public.objection_status": Rule(allowed=ALL, public=True, args={"receipt": "final_code"}, ok=frozenset({404})),
    # --- files: teachers of the school, reviewers of the district, assigned judges, organizers
    # (everyone logged in who may not see the file gets 404, as for a missing id)
    # the grid's world has no objection files: the organizer is let in and finds none
    "files.objection_file": Rule(allowed=ORG, args={"file_id": "final"}, ok=frozenset({404})),
    # a student's photo: the entry's teachers and organizers (the world's draft is no reviewer's);
    # the world's student has none, so the allowed find nothing either
    "files.student_photo": Rule(
        allowed=frozenset({"teacher", "organizer"}),
        args={"student_id": "student"},
        ok=frozenset({404}),
        refused={a: 404 for a in ("teacher_other", "reviewer", "reviewer_other", "judge", "judge_other")},
    ),
    "files.download": Rule(
        allowed=frozenset({"teacher", "reviewer", "judge", "organizer"}),
        refused={"teacher_other": 404, "reviewer_other": 404, "judge_other": 404},
    ),
    # --- teacher
    "teacher.index": Rule(allowed=TEACHERS),
    "teacher.new_entry": Rule(allowed=TEACHERS, query="contest={contest}&section={section}", body=new_entry_form),
    "teacher.entry": TEACHER_ENTRY,
    "teacher.edit_entry": Rule(
        allowed=frozenset({"teacher"}),
        refused=OTHER_SCHOOL,
        body=lambda ids: {"data": {**form_data(title="被改掉的标题"), "section": str(ids["section"])}},
    ),
    "teacher.upload": Rule(allowed=frozenset({"teacher"}), refused=OTHER_SCHOOL, body=upload()),
    "teacher.upload_photo": Rule(
        allowed=frozenset({"teacher"}),
        refused=OTHER_SCHOOL,
        args={"student_id": "student"},
        body=upload(name="照片.jpg", data=PHOTO),
    ),
    "teacher.delete_attachment": Rule(
        allowed=frozenset({"teacher"}), refused=OTHER_SCHOOL, args={"attachment_id": "att_draft"}
    ),
    "teacher.submit_entry": TEACHER_ENTRY,
    "teacher.withdraw_entry": Rule(
        allowed=frozenset({"teacher"}), refused=OTHER_SCHOOL, args={"entry_id": "entry_sub"}
    ),
    "teacher.delete_entry": TEACHER_ENTRY,
    "teacher.application_form": TEACHER_ENTRY,
    "teacher.certificates": Rule(allowed=TEACHERS),
    # Each teacher gets their own school's certificates of the contest (s2 has some too).
    "teacher.certificates_school_pdf": Rule(allowed=TEACHERS),
    "teacher.certificate_pdf": Rule(allowed=frozenset({"teacher"})),
    # --- format review: reviewers of the district and organizers
    "review.queue": Rule(allowed=REVIEWERS),
    "review.entry": REVIEW_ENTRY,
    "review.accept": Rule(
        allowed=frozenset({"reviewer", "organizer"}),
        args={"entry_id": "entry_sub"},
        refused=HIDDEN_FROM_OUTSIDE,
        body=form(version=lambda ids: ids["entry_sub_version"]),
    ),
    "review.return_entry": Rule(
        allowed=frozenset({"reviewer", "organizer"}),
        args={"entry_id": "entry_sub"},
        refused=HIDDEN_FROM_OUTSIDE,
        body=form(version=lambda ids: ids["entry_sub_version"], reason="缺少研究报告", resubmit_by="2099-01-01T17:00"),
    ),
    "review.reject": Rule(
        allowed=frozenset({"reviewer", "organizer"}),
        args={"entry_id": "entry_sub"},
        refused=HIDDEN_FROM_OUTSIDE,
        body=form(version=lambda ids: ids["entry_sub_version"], reason="不符合要求"),
    ),
    # The outside reviewer may call it but accepts nothing of another district.
    "review.bulk_accept": Rule(
        allowed=REVIEWERS,
        post_changes_nothing_for=frozenset({"reviewer_other"}),
        body=form(entry_ids=lambda ids: [str(ids["entry_sub"])]),
    ),
    # --- judges: own published assignments only
    "judge.index": Rule(allowed=JUDGES),
    "judge.next_unscored": Rule(allowed=JUDGES, query="after={assignment}"),
    "judge.score": JUDGE_ASSIGNMENT,
    "judge.save_sheet": Rule(allowed=frozenset({"judge"}), body=sheet_json),
    "judge.submit": Rule(allowed=frozenset({"judge"}), body=sheet_json),
    "judge.declare_conflict": Rule(allowed=frozenset({"judge"}), body=form(kind="other", reason="亲属关系")),
    "judge.submit_all": Rule(
        allowed=JUDGES,
        post_changes_nothing_for=frozenset({"judge_other"}),
        body=form(contest=lambda ids: str(ids["final"])),
    ),
    # --- organizers: every route of the blueprint
    "organizer.index": ORGANIZER,
    "organizer.setup.contests": ORGANIZER,
    "organizer.setup.contest": ORGANIZER,
    "organizer.setup.contest_new": Rule(
        allowed=ORG,
        body=form(
            code="NEW1",
            name="新比赛",
            full_name="新比赛全称",
            year="2026",
            kind="innovation",
            judges_per_entry="3",
            ranking_method="mean",
            template="innovation",
        ),
    ),
    "organizer.setup.contest_import": ORGANIZER,
    "organizer.setup.contest_edit": Rule(allowed=ORG, body=form(name="改名")),
    "organizer.setup.section_fields": Rule(
        allowed=ORG, args={"contest_id": "contest", "section_id": "section"}, body=form(fields="student.name")
    ),
    "organizer.setup.contest_definition": Rule(allowed=ORG, body=form(text="code: X\n")),
    "organizer.setup.contest_tie_break": Rule(allowed=ORG, body=form(**{"step-0": "n_judges", "action": "save"})),
    "organizer.setup.contest_definition_check": Rule(allowed=ORG, body=form(text="code: X\n")),
    "organizer.setup.contest_definition_download": ORGANIZER,
    "organizer.setup.contest_state": Rule(allowed=ORG, args={"contest_id": "contest"}, body=form(target="closed")),
    "organizer.setup.rubrics": ORGANIZER,
    "organizer.setup.rubric_edit": Rule(allowed=ORG, query="section=XS", body=form(name="改名", action="save")),
    "organizer.setup.rubric_delete": Rule(allowed=ORG, query="section=XS", body=form(note="越权删除")),
    "organizer.accounts.accounts": ORGANIZER,
    "organizer.accounts.account": Rule(allowed=ORG, body=form(name="改名", roles="organizer")),
    "organizer.accounts.account_new": Rule(
        allowed=ORG, body=form(name="新管理员", roles="organizer", username="evil", password="Passw0rd!Passw0rd")
    ),
    "organizer.accounts.account_active": Rule(allowed=ORG, body=form(active="0")),
    "organizer.accounts.account_reset_link": ORGANIZER,
    "organizer.accounts.schools": ORGANIZER,
    "organizer.accounts.school_edit": Rule(
        allowed=ORG, body=form(name="新学校", district_id=lambda ids: str(ids["d1"]))
    ),
    "organizer.accounts.districts": Rule(allowed=ORG, body=form(name="新区")),
    "organizer.setup.imports_upload": Rule(allowed=ORG, body=upload(name="judges.xlsx", kind="judges")),
    "organizer.setup.import_preview": Rule(allowed=ORG, args={"token": "import_token"}),
    "organizer.setup.import_cancel": Rule(allowed=ORG, args={"token": "import_token"}),
    "organizer.setup.import_credentials": Rule(allowed=ORG, args={"token": "import_token"}),
    "organizer.audit.audit_log": ORGANIZER,
    "organizer.audit.audit_event": ORGANIZER,
    "organizer.judging.judging_contest": ORGANIZER,
    "organizer.judging.judging": ORGANIZER,
    "organizer.judging.judging_combination": Rule(allowed=ORG, body=form(mode="last")),
    "organizer.judging.judging_round_state": Rule(allowed=ORG, body=form(state="open")),
    "organizer.judging.judging_add_judges": Rule(
        allowed=ORG, body=form(judge_ids=lambda ids: [str(ids["judge_other"])])
    ),
    "organizer.judging.judging_remove_judge": ORGANIZER,
    "organizer.judging.judging_run": ORGANIZER,
    "organizer.judging.judging_publish": ORGANIZER,
    "organizer.judging.judging_add_assignment": Rule(
        allowed=ORG, body=form(judge_id=lambda ids: str(ids["judge_other"]), entry_id=lambda ids: str(ids["entry_b"]))
    ),
    "organizer.judging.judging_remove_assignment": ORGANIZER,
    "organizer.judging.judging_conflicts": Rule(
        allowed=ORG,
        body=form(judge_id=lambda ids: str(ids["judge"]), entry_id=lambda ids: str(ids["entry_b"]), reason="同校"),
    ),
    "organizer.judging.judging_remove_conflict": ORGANIZER,
    "organizer.judging.judging_entry": Rule(allowed=ORG, args={"entry_id": "entry_a"}),
    "organizer.judging.judging_reopen": Rule(allowed=ORG, body=form(reason="重评")),
    "organizer.judging.judging_progress": ORGANIZER,
    "organizer.judging.judging_progress_data": ORGANIZER,
    "organizer.judging.judging_promote": ORGANIZER,
    "organizer.judging.judging_promote_manual": Rule(
        allowed=ORG, body=form(entry_id=lambda ids: str(ids["entry_a"]), reason="复议")
    ),
    "organizer.judging.judging_unpromote": Rule(
        allowed=ORG, body=form(entry_id=lambda ids: str(ids["entry_a"]), reason="复议")
    ),
    "organizer.judging.judging_rejudge": ORGANIZER,
    "organizer.results.results": ORGANIZER,
    "organizer.results.results_judges": ORGANIZER,
    "organizer.results.results_run": ORGANIZER,
    "organizer.results.results_tie": Rule(
        allowed=ORG, body=form(chosen=lambda ids: str(ids["entry_a"]), reason="并列")
    ),
    "organizer.results.results_action": Rule(allowed=ORG, body=form(reason="原因")),
    "organizer.results.results_edit": Rule(allowed=ORG, body=form(award="__none__", reason="降级")),
    "organizer.results.results_withdraw": Rule(allowed=ORG, body=form(reason="抄袭")),
    "organizer.results.results_objections": Rule(
        allowed=ORG, body=form(received_on="2026-01-01", submitter_name="某人", submitter_contact="1", content="异议")
    ),
    "organizer.results.results_objection_settle": Rule(allowed=ORG, body=form(finding="upheld", reasoning="改判")),
    "organizer.results.results_objection_correct": Rule(
        allowed=ORG, body=form(finding="upheld", reasoning="改判", reason="复核有误")
    ),
    "organizer.certificates.certificates": ORGANIZER,
    "organizer.certificates.certificates_issue": ORGANIZER,
    "organizer.certificates.certificates_batch": Rule(allowed=ORG, body=form(scope="all", fmt="pdf")),
    "organizer.job_status": Rule(allowed=ORG, args={"job_id": "cert_job"}),
    "organizer.job_download": Rule(allowed=ORG, args={"job_id": "bundle_job"}),
    "organizer.certificates.certificates_preview": ORGANIZER,
    "organizer.certificates.certificates_asset_upload": Rule(
        allowed=ORG, body=upload(name="seal.png", slot="background")
    ),
    "organizer.certificates.certificates_asset_delete": ORGANIZER,
    "organizer.certificates.certificates_asset_image": ORGANIZER,
    "organizer.certificates.certificate_detail": ORGANIZER,
    "organizer.certificates.certificate_pdf": ORGANIZER,
    "organizer.certificates.certificate_correct": Rule(allowed=ORG, body=form(name="改名", reason="错字")),
    "organizer.certificates.certificate_revoke": Rule(allowed=ORG, body=form(reason="撤销")),
    "organizer.exports.exports_index": ORGANIZER,
    "organizer.exports.exports_contest": ORGANIZER,
    "organizer.exports.export_nominations_csv": ORGANIZER,
    "organizer.exports.export_nominations_xlsx": ORGANIZER,
    "organizer.exports.export_results_xlsx": ORGANIZER,
    "organizer.exports.export_score_sheets_pdf": ORGANIZER,
    "organizer.exports.export_score_sheets_xlsx": ORGANIZER,
    "organizer.exports.export_bundle_start": ORGANIZER,
    "organizer.reports.reports_index": ORGANIZER,
    "organizer.reports.reports_contest": ORGANIZER,
    "organizer.reports.reports_contest_pdf": ORGANIZER,
    "organizer.reports.reports_annual_pdf": ORGANIZER,
    "organizer.reports.reports_provincial": Rule(allowed=ORG, body=form(**{"outcome": "省一等奖"})),
}


# ---------------------------------------------------------------------------------------------
# The shared world


def _ids(w) -> dict:
    """Plain values (ids, codes, tokens) of the world, usable in any app context."""
    ids = {k: v.id for k, v in vars(w).items() if hasattr(v, "id") and not isinstance(v, dict)}
    ids.update({k: v for k, v in vars(w).items() if isinstance(v, str)})
    ids.update(
        actors={name: user.id for name, user in w.actors.items()},
        judge=w.judge2.id,
        judge_other=w.judge_free.id,
        lang="zh_CN",
        slot="background",
        number=w.round.number,
        index=0,
        year=w.final.year,
        action="lock",
        static_file="app.css",
        final_code=w.final.code,
        cert_code=w.cert.verification_code,
        requirement=next(m.id for m in w.entry1.section.materials if m.code == "form"),
        section=w.entry1.section_id,
        student=w.entry1.students[0].id,
        entry_sub_version=w.entry_sub.version,
        sheet_version=w.sheet.version,
        s1_entries=[w.entry1.id, w.entry_sub.id, w.entry_a.id],
        s1_attachments=[w.att_draft.id, w.att.id],
    )
    return ids


_state: dict = {"ids": None, "saved": None, "dirty": True}


def _reset(app) -> None:
    db.session.remove()
    _empty_all_tables(db)
    shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
    shutil.rmtree(app.config["EXPORT_FOLDER"], ignore_errors=True)


@pytest.fixture(scope="module")
def grid_module(app):
    """The world, built once per module through the services and saved."""
    with app.app_context():
        _reset(app)
        _state["ids"] = _ids(grid_world())
        _state["saved"] = SavedWorld()
        _state["baseline"] = snapshot()
        _state["dirty"] = False
    yield
    with app.app_context():
        _reset(app)
    _state["saved"].discard()
    _state.update(ids=None, saved=None, dirty=True)


@pytest.fixture()
def grid(app, grid_module):
    """The world's ids inside an app context; put back as saved when a previous test wrote."""
    with app.app_context():
        if _state["dirty"]:
            _state["saved"].restore()
            _state["dirty"] = False
        yield SimpleNamespace(app=app, ids=_state["ids"])
        jobs.wait_all()  # a batch an allowed organizer started ends before the world is put back
        db.session.remove()


# ---------------------------------------------------------------------------------------------
# Calling a route

_ARG = re.compile(r"<any\([^)]*\):([a-z_]+)>|<(?:[^:<>]+:)?([a-z_]+)>")


def url_of(rule, spec: Rule, ids: dict, **override) -> str:
    """The rule's URL with its arguments taken from the world (or `override`)."""

    def value(match) -> str:
        name = match.group(1) or match.group(2)
        if name in override:
            return str(override[name])
        return str(ids[spec.args.get(name) or DEFAULT_ARGS[name]])

    return _ARG.sub(value, rule.rule) + ("?" + spec.query.format(**ids) if spec.query else "")


def call(g, actor: str, method: str, url: str, spec: Rule):
    client = client_for(g.app, None if actor == "anonymous" else g.ids["actors"][actor])
    kwargs = spec.body(g.ids) if (spec.body and method == "POST") else {}
    return client.open(url, method=method, **kwargs)


def goes_to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", "")


def rules_of(app, endpoint: str):
    return [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]


def methods_of(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET", "POST", "PUT", "PATCH", "DELETE"))


# ---------------------------------------------------------------------------------------------
# The tests


def test_every_route_has_a_rule(app) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    missing = sorted(endpoints - RULES.keys())
    assert not missing, (
        f"routes without an authorization rule in tests/web/test_route_grid.py RULES (say who may use them): {missing}"
    )
    stale = sorted(RULES.keys() - endpoints)
    assert not stale, f"rules for endpoints that no longer exist: {stale}"
    for rule in app.url_map.iter_rules():
        spec = RULES[rule.endpoint]
        for name in rule.arguments:
            assert name in spec.args or name in DEFAULT_ARGS, (
                f"{rule.endpoint} ({rule.rule}): no value for URL argument {name!r}; add it to DEFAULT_ARGS "
                "or the rule's args"
            )
        unknown = set(methods_of(rule)) - {"GET", "POST"}
        assert not unknown, f"{rule.endpoint}: methods {unknown} are not covered by the grid"


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_grid(grid, endpoint) -> None:
    spec = RULES[endpoint]
    rules = rules_of(grid.app, endpoint)
    assert rules, f"{endpoint} is not a route any more"
    refused = [a for a in ACTORS if a not in spec.allowed and not (a == "anonymous" and spec.public)]
    allowed = [a for a in ACTORS if a in spec.allowed or (a == "anonymous" and spec.public)]
    problems = []
    for rule in rules:
        for method in methods_of(rule):
            url = url_of(rule, spec, grid.ids)
            where = f"{method} {url} ({endpoint})"
            before = snapshot() if _state["dirty"] else _state["baseline"]
            problems += _refusals(grid, spec, refused, method, url, where)
            after = snapshot()
            if after != before:
                _state["dirty"] = True
                problems.append(f"{where}: refused actors {refused} changed data: {describe_change(before, after)}")
                before = after
            for actor in sorted(spec.post_changes_nothing_for) if method == "POST" else ():
                resp = call(grid, actor, method, url, spec)
                after = snapshot()
                if resp.status_code >= 500 or resp.status_code == 403 or after != before:
                    _state["dirty"] = True
                    problems.append(
                        f"{where}: {actor} got {resp.status_code} and changed {describe_change(before, after)}"
                    )
            problems += _admissions(grid, spec, allowed, method, url, where)
            if method == "GET" and snapshot() != before:
                _state["dirty"] = True  # a GET that writes (e.g. takes a one-time download): rebuild
    assert not problems, "\n".join(problems)


def _refusals(grid, spec, refused, method, url, where) -> list[str]:
    """Each refused actor gets the login page (anonymous) or the rule's refusal status."""
    problems = []
    for actor in refused:
        resp = call(grid, actor, method, url, spec)
        if actor == "anonymous":
            if not goes_to_login(resp):
                problems.append(f"{where}: anonymous got {resp.status_code}, not the login page")
        elif resp.status_code != spec.expected_refusal(actor):
            problems.append(f"{where}: {actor} got {resp.status_code}, expected {spec.expected_refusal(actor)}")
    return problems


def _admissions(grid, spec, allowed, method, url, where) -> list[str]:
    """Each allowed actor is let in (neither an error, a 403 nor the login page) with an expected status."""
    problems = []
    for actor in allowed:
        if method == "POST" and actor in spec.post_changes_nothing_for:
            continue
        if method != "GET":
            _state["dirty"] = True
        resp = call(grid, actor, method, url, spec)
        status = resp.status_code
        if status >= 500 or status == 403 or (goes_to_login(resp) and not spec.lands_on_login):
            problems.append(f"{where}: allowed {actor} got {status} {resp.headers.get('Location', '')}")
        elif method == "GET" and status not in spec.ok:
            problems.append(f"{where}: allowed {actor} got {status}, expected one of {sorted(spec.ok)}")
    return problems


GUESSED = {"entry_id": "s1_entries", "attachment_id": "s1_attachments"}


@pytest.mark.parametrize("guesser", ["teacher_other", "teacher3"])
def test_a_teacher_of_another_school_guessing_ids_gets_403_or_404_everywhere(grid, guesser) -> None:
    """Every route naming an entry or attachment, with every id of school s1's entries and files."""
    ids = grid.ids
    user_id = ids["actors"].get(guesser) or ids[guesser]
    client = client_for(grid.app, user_id)
    before = snapshot()
    tried, problems = 0, []
    for rule in grid.app.url_map.iter_rules():
        guessed = [name for name in rule.arguments if name in GUESSED]
        if not guessed:
            continue
        spec = RULES[rule.endpoint]
        for name in guessed:
            for value in ids[GUESSED[name]]:
                url = url_of(rule, spec, ids, **{name: value})
                for method in methods_of(rule):
                    kwargs = spec.body(ids) if (spec.body and method == "POST") else {}
                    status = client.open(url, method=method, **kwargs).status_code
                    tried += 1
                    if status not in (403, 404):
                        problems.append(f"{method} {url}: {status}")
    after = snapshot()
    assert tried > 20
    assert not problems, "\n".join(problems)
    assert after == before, describe_change(before, after)


def test_the_grid_world_really_has_what_the_rules_name(grid) -> None:
    """Allowed actors are really let in: the owner opens the file, the assigned judge scores."""
    ids = grid.ids
    judge = client_for(grid.app, ids["judge"])
    assert judge.get(f"/judge/a/{ids['assignment']}").status_code == 200
    assert judge.get(f"/files/{ids['att']}").status_code == 200
    teacher = client_for(grid.app, ids["actors"]["teacher"])
    assert teacher.get(f"/files/{ids['att_draft']}").get_data() == PDF
    assert teacher.get(f"/teacher/certificates/{ids['cert']}.pdf").status_code == 200
    assert client_for(grid.app, None).get(f"/verify/{ids['cert_code']}").status_code == 200


def test_a_draft_is_seen_only_by_its_school_and_organizers(grid) -> None:
    """entry1 is a draft of school s1 with a stored file (att_draft): its teacher and organizers
    open both; reviewers (even of its district) and judges get 404, as for an id that does not exist."""
    ids = grid.ids
    entry, att = ids["entry1"], ids["att_draft"]
    expected = {
        "teacher": 200,
        "organizer": 200,
        "teacher_other": 404,
        "reviewer": 404,
        "reviewer_other": 404,
        "judge": 404,
        "judge_other": 404,
    }
    problems = []
    for actor, status in expected.items():
        client = client_for(grid.app, ids["actors"][actor])
        got = client.get(f"/files/{att}").status_code
        if got != status:
            problems.append(f"/files/{att} as {actor}: {got}, expected {status}")
        missing = client.get(f"/files/{att + 100000}").status_code
        if missing != 404:
            problems.append(f"missing file as {actor}: {missing}")
        if actor in ("reviewer", "reviewer_other", "organizer"):
            want = 200 if actor == "organizer" else 404
            got = client.get(f"/review/entries/{entry}").status_code
            if got != want:
                problems.append(f"/review/entries/{entry} as {actor}: {got}, expected {want}")
    assert not problems, "\n".join(problems)


def test_a_reviewer_queue_never_lists_a_draft(grid) -> None:
    ids = grid.ids
    reviewer = client_for(grid.app, ids["actors"]["reviewer"])
    page = reviewer.get("/review/?state=").get_data(as_text=True)
    assert f"/review/entries/{ids['entry1']}" not in page
    assert f"/review/entries/{ids['entry_sub']}" in page


HOSTILE_NAME = '\n甲\r/乙\\"丙\x1b[31m\u202e'


def test_every_get_route_takes_hostile_stored_names(grid) -> None:
    """Names stored before the input checks (a contest, school, judge, entry, file named with a
    line break, slash, quote, escape and bidi override): every page and every download still
    answers, and every download's name is one a header and Windows accept."""
    from competition.domain.characters import ILLEGAL_SINGLE_LINE
    from competition.models import Attachment, Contest, District, Entry, School, Section, Student, User

    _state["dirty"] = True
    for model, column in (
        (Contest, "name"),
        (Contest, "full_name"),
        (Section, "name"),
        (School, "name"),
        (District, "name"),
        (User, "name"),
        (Entry, "title"),
        (Student, "name"),
        (Attachment, "original_name"),
    ):
        for row in db.session.scalars(db.select(model)):
            setattr(row, column, f"{getattr(row, column) or ''}{HOSTILE_NAME}")
    db.session.commit()
    problems, downloads = [], 0
    for rule in grid.app.url_map.iter_rules():
        spec = RULES[rule.endpoint]
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = url_of(rule, spec, grid.ids)
        for actor in sorted(spec.allowed - {"anonymous"}) or ["anonymous"]:
            resp = call(grid, actor, "GET", url, spec)
            if resp.status_code >= 500:
                problems.append(f"GET {url} as {actor}: {resp.status_code}")
            disposition = resp.headers.get("Content-Disposition")
            if disposition:
                downloads += 1
                if ILLEGAL_SINGLE_LINE.search(disposition) or "\u202e" in disposition or "%0A" in disposition:
                    problems.append(f"GET {url} as {actor}: {disposition!r}")
            jobs.wait_all()
    assert downloads >= 12
    assert not problems, "\n".join(problems)
