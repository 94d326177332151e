"""Fuzzing every form of the app (hypothesis), as the role that may use it.

Inputs: any unicode, control characters (NUL included), huge strings, HTML, SQL, template and
path tricks, numbers as text (huge, negative, full-width and superscript digits), empty values;
random bytes and file names for uploads; random JSON for the judge's autosave.

What must hold for every input: the app answers below 500, and a refused form writes nothing
(every row and every stored file compared before and after, see tests/factories/grid.snapshot);
an accepted one writes what was asked.
"""

from __future__ import annotations

import io
import json
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Assignment, Attachment, Certificate, Conflict, Entry, Objection, ScoreSheet, User
from competition.services import certificates as cert_service
from competition.services import results as results_service
from tests.factories import CONTESTS, SAMPLES
from tests.factories import judging as fj
from tests.factories.certificates import awarded_world
from tests.factories.grid import describe_change, snapshot
from tests.factories.results import judged_contest
from tests.factories.teacher import form_data

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------------------------------------
# Strategies

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE entry; --",
    "' OR 1=1 --",
    "{{7*7}}",
    "{% raw %}",
    "%s%s%n",
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "\u202egnp.exe",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e309",
    "0x10",
    "１２３",
    "²",
    "٣",
    "99999999999999999999",
    "-99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "",
    " ",
    "\r\n",
    "\t",
    "null",
    "None",
    "[]",
    "{}",
    "true",
    "2026-02-30",
    "2026-13-01T25:61",
    "0000-00-00",
    "9999-12-31T23:59",
    "1.5",
    "1,5",
    "—",
    "\x00",
    "a\x00b",
    "\ud7ff",
    "\ufeff",
    "\U0002a6a5",
    "王\u3000芳",
]
CONTROL = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=20)
HUGE = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["a", "中", "𠇔", "\x00", "<", "9", " "]), st.integers(1_000, 30_000)
)
NUMBERS = st.one_of(
    st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(str), st.integers(-10, 10_000).map(str)
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(HOSTILE),
    CONTROL,
    HUGE,
    NUMBERS,
    st.text(alphabet=string.printable, max_size=50),
)


def fields(names, required=()):
    """Random values for a random subset of `names` (always including `required`)."""
    return st.fixed_dictionaries({n: TEXT for n in required}, optional={n: TEXT for n in names if n not in required})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def unchanged_unless(before, happened: bool) -> None:
    """Refused input writes nothing: the database and the stored files are as before."""
    if happened:
        return
    after = snapshot()
    assert after == before, describe_change(before, after)


# ---------------------------------------------------------------------------------------------
# The teacher: entry form and uploads

ENTRY_FIELDS = list(form_data()) + [
    "section",
    "group_name",
    "students-1-name",
    "students-0-birth_date",
    "advisers-1-name",
    "students-9-name",
]


@FUZZ
@given(values=fields(ENTRY_FIELDS))
def test_new_entry_form(world, login_as, values) -> None:
    client = login_as(world.teacher1)
    data = {**form_data(world.entry1), **values}
    before, entries = snapshot(), count(Entry)
    resp = client.post(f"/teacher/entries/new?contest={world.contest.id}", data=data)
    assert resp.status_code < 500
    created = resp.status_code == 302 and count(Entry) == entries + 1
    if not created:
        assert count(Entry) == entries
    unchanged_unless(before, created)


@FUZZ
@given(values=fields(ENTRY_FIELDS))
def test_edit_entry_form(world, login_as, values) -> None:
    client = login_as(world.teacher1)
    data = {**form_data(world.entry1), **values}
    before = snapshot()
    resp = client.post(f"/teacher/entries/{world.entry1.id}/edit", data=data)
    assert resp.status_code < 500
    unchanged_unless(before, resp.status_code == 302)


HEADS = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"\x00\x00\x00\x18ftypmp42"]
SAMPLE_FILES = ["research_report_sample.pdf", "photo_sample.jpg", "diagram_sample.png", "research_report_sample.docx"]


@st.composite
def upload_bytes(draw) -> bytes:
    """Random bytes, a magic number and random bytes, or a real sample cut short or damaged."""
    how = draw(st.sampled_from(["random", "head", "sample"]))
    if how == "random":
        return draw(st.binary(max_size=4096))
    if how == "head":
        return draw(st.sampled_from(HEADS)) + draw(st.binary(max_size=4096))
    data = bytearray((SAMPLES / draw(st.sampled_from(SAMPLE_FILES))).read_bytes())
    cut = draw(st.integers(0, len(data)))
    data = data[:cut] if draw(st.booleans()) else data
    for _ in range(draw(st.integers(0, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


FILENAMES = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "报告.pdf",
            "照片.JPG",
            "a.png",
            "../../x.pdf",
            "CON.pdf",
            ".pdf",
            "a" * 300 + ".pdf",
            "x.pdf\x00.exe",
            "视频.mp4",
        ]
    ),
)


@FUZZ
@given(data=upload_bytes(), name=FILENAMES, code=st.sampled_from(["report", "form", "log", "photos", "video"]))
def test_upload(world, login_as, data, name, code) -> None:
    client = login_as(world.teacher1)
    requirement = next(m for m in world.entry1.section.materials if m.code == code)
    before, attachments = snapshot(), count(Attachment)
    resp = client.post(
        f"/teacher/entries/{world.entry1.id}/materials/{requirement.id}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert resp.status_code < 500
    stored = resp.status_code == 302 and count(Attachment) == attachments + 1
    if not stored:
        assert resp.status_code in (400, 413), resp.status_code
    unchanged_unless(before, stored)


# ---------------------------------------------------------------------------------------------
# Format review


@FUZZ
@given(
    action=st.sampled_from(["accept", "return", "reject"]), values=fields(["reason", "resubmit_by", "version", "back"])
)
def test_review_actions(world, login_as, action, values) -> None:
    entry = world.entry3
    entry.state = "submitted"
    entry.number = None
    db.session.commit()
    client = login_as(world.reviewer2)
    before = snapshot()
    resp = client.post(f"/review/entries/{entry.id}/{action}", data=values)
    assert resp.status_code < 500
    db.session.refresh(entry)
    changed = entry.state != "submitted"
    if changed and action != "accept":
        assert entry.review_reason and entry.review_reason == values["reason"].strip()
    unchanged_unless(before, changed)


@FUZZ
@given(ids=st.lists(TEXT, max_size=5), back=TEXT)
@example(ids=["²"], back="")  # isdigit() but not a number int() reads
@example(ids=["99999999999999999999"], back="//evil.example")
@example(ids=["9" * 4301], back="")  # more digits than int() converts
def test_review_bulk_accept(world, login_as, ids, back) -> None:
    client = login_as(world.reviewer1)  # d1: entry3 (d2) may never be accepted by them
    before = snapshot()
    resp = client.post("/review/bulk-accept", data={"entry_ids": ids + [str(world.entry3.id)], "back": back})
    assert resp.status_code < 500
    assert resp.status_code != 302 or not resp.headers["Location"].startswith(("//", "http"))
    unchanged_unless(before, False)


# ---------------------------------------------------------------------------------------------
# The judge's autosave and submit (JSON)

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture()
def judging(world):
    j = fj.judging_world(world)
    fj.planned(world, j)
    from competition.services.judging import sheets as judging_sheets

    assignment = judging_sheets.judge_assignments(world.judge2)[0]
    criteria = [str(c.id) for c in judging_sheets.criteria_of(assignment)]
    return assignment, criteria


@st.composite
def sheet_bodies(draw, criteria):
    kind = draw(st.sampled_from(["any", "shaped", "raw"]))
    if kind == "any":
        return json.dumps(draw(JSON_VALUE), allow_nan=True)
    if kind == "raw":
        return draw(st.one_of(st.binary(max_size=200).map(lambda b: b.decode("latin-1")), TEXT))
    scores = draw(st.dictionaries(st.one_of(st.sampled_from(criteria), TEXT), JSON_VALUE, max_size=6))
    body = {
        "version": draw(st.one_of(st.integers(-2, 3), JSON_VALUE)),
        "scores": scores,
        "comment": draw(st.one_of(TEXT, JSON_VALUE)),
    }
    return json.dumps(body, allow_nan=True)


@FUZZ
@given(data=st.data())
def test_judge_sheet_json(world, login_as, judging, data) -> None:
    assignment, criteria = judging
    body = data.draw(sheet_bodies(criteria))
    what = data.draw(st.sampled_from(["sheet", "submit"]))
    client = login_as(world.judge2)
    before = snapshot()
    resp = client.post(f"/judge/a/{assignment.id}/{what}", data=body, content_type="application/json")
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    assert resp.status_code in (200, 400, 409, 422)
    if resp.status_code != 200:
        assert resp.is_json and resp.get_json()["ok"] is False
    if what == "submit" and resp.status_code == 200:
        # Submitted: put the sheet back to a draft so later examples still exercise the checks.
        db.session.execute(
            ScoreSheet.__table__.update().where(ScoreSheet.assignment_id == assignment.id).values(state="draft")
        )
        db.session.commit()
    unchanged_unless(before, resp.status_code == 200)


@pytest.mark.parametrize(
    "body",
    [
        {"version": 0, "scores": {}, "comment": ["a list"]},
        {"version": 0, "scores": {}, "comment": {"a": 1}},
        {"version": 0, "scores": {}, "comment": 5},
        {"version": "x", "scores": []},
        {"version": None, "scores": None},
        {"version": 0, "scores": {"1": "\x00"}, "comment": "\x00"},
        {"version": 10**30, "scores": {}},
        [],
        "text",
    ],
)
def test_judge_sheet_odd_shapes(world, login_as, judging, body) -> None:
    assignment, _criteria = judging
    client = login_as(world.judge2)
    before = snapshot()
    for what in ("sheet", "submit"):
        resp = client.post(f"/judge/a/{assignment.id}/{what}", json=body)
        assert resp.status_code in (400, 409, 422), (what, resp.status_code, resp.get_data(as_text=True)[:300])
    unchanged_unless(before, False)


JUDGING_FORMS = {
    "judges": ["judge_ids", "pool", "capacity"],
    "assignments": ["judge_id", "entry_id", "reason", "group", "q"],
    "conflicts": ["judge_id", "entry_id", "kind", "reason"],
    "promote/manual": ["entry_id", "reason"],
    "promote/remove": ["entry_id", "reason"],
    "state": ["state"],
    "plan": ["seed", "k"],
}


@FUZZ
@given(form=st.sampled_from(sorted(JUDGING_FORMS)), data=st.data())
def test_organizer_judging_forms(world, login_as, form, data) -> None:
    values = data.draw(fields(JUDGING_FORMS[form]))
    if "judge_ids" in values:
        values["judge_ids"] = [values["judge_ids"], "²", str(world.judge2.id)]
    client = login_as(world.organizer)
    resp = client.post(f"/organizer/contests/{world.contest.id}/judging/1/{form}", data=values)
    assert resp.status_code < 500, (form, values)
    resp = client.post(
        f"/organizer/contests/{world.contest.id}/judging/combination",
        data={"mode": values.get("reason", ""), "weight_1": values.get("entry_id", "")},
    )
    assert resp.status_code < 500


@FUZZ
@given(values=fields(["kind", "reason"]), scores=st.dictionaries(TEXT, TEXT, max_size=4))
def test_judge_plain_forms(world, login_as, judging, values, scores) -> None:
    """The no-script submit form and the conflict declaration."""
    assignment, _criteria = judging
    row = dict(db.session.execute(select(Assignment.__table__).where(Assignment.id == assignment.id)).mappings().one())
    client = login_as(world.judge2)
    resp = client.post(f"/judge/a/{assignment.id}/submit", data={**scores, **values})
    assert resp.status_code < 500
    resp = client.post("/judge/submit-all", data={"contest": values.get("reason", "")})
    assert resp.status_code < 500
    before, conflicts = snapshot(), count(Conflict)
    resp = client.post(f"/judge/a/{assignment.id}/conflict", data=values)
    assert resp.status_code < 500
    declared = count(Conflict) == conflicts + 1
    unchanged_unless(before, declared)
    if declared:  # the assignment left the judge's list: take the conflict back for the next example
        assert values["reason"].strip()
        db.session.execute(Conflict.__table__.delete().where(Conflict.source == "declared"))
        if db.session.scalar(select(Assignment.id).where(Assignment.id == row["id"])) is None:
            db.session.execute(Assignment.__table__.insert(), [row])
        db.session.commit()


# ---------------------------------------------------------------------------------------------
# Organizer: contest settings, definitions, accounts, imports

SETTINGS_FIELDS = [
    "name",
    "full_name",
    "year",
    "edition",
    "kind",
    "submission_opens_at",
    "submission_closes_at",
    "judging_opens_at",
    "judging_closes_at",
    "blind_judging",
    "judges_per_entry",
    "ranking_method",
    "description",
    "levels-0-name",
    "levels-0-percent",
    "levels-1-name",
    "levels-1-percent",
    "levels-5-percent",
    "excellence_award",
    "nomination_quota",
    "nomination_levels",
    "share_primary",
    "share_junior",
    "share_senior",
    "nomination_school_cap",
    "nomination_district_cap",
    "entry_number_pattern",
    "number_pattern",
    "notice_days",
]


def settings_form(contest) -> dict:
    return {
        "name": contest.name,
        "full_name": contest.full_name,
        "year": str(contest.year),
        "kind": contest.kind,
        "judges_per_entry": "3",
        "ranking_method": "mean",
        "levels-0-name": "一等奖",
        "levels-0-percent": "10",
        "entry_number_pattern": contest.setting("entry_number_pattern"),
        "number_pattern": contest.setting("number_pattern"),
        "notice_days": "7",
    }


@FUZZ
@given(values=fields(SETTINGS_FIELDS))
@example(values={"year": "9" * 400})  # too large for a float: NumberRange used to crash
def test_contest_settings(world, login_as, values) -> None:
    client = login_as(world.organizer)
    before = snapshot()
    resp = client.post(f"/organizer/contests/{world.contest.id}/edit", data={**settings_form(world.contest), **values})
    assert resp.status_code < 500
    unchanged_unless(before, resp.status_code == 302)


SHIPPED_YAML = (CONTESTS / "innovation.yaml").read_text(encoding="utf-8")


@st.composite
def yaml_texts(draw) -> str:
    """Random text, random YAML structures, and the shipped definition with a slice replaced."""
    how = draw(st.sampled_from(["text", "structure", "mutated"]))
    if how == "text":
        return draw(TEXT)
    if how == "structure":
        import yaml

        return yaml.safe_dump(draw(JSON_VALUE.filter(lambda v: not isinstance(v, float))), allow_unicode=True)
    start = draw(st.integers(0, len(SHIPPED_YAML)))
    end = draw(st.integers(start, min(len(SHIPPED_YAML), start + 80)))
    return (
        SHIPPED_YAML[:start]
        + draw(st.one_of(TEXT, st.sampled_from(["", ": ", "\n  - ", "-1", "&a *a", "!!python/object:os.system"])))
        + SHIPPED_YAML[end:]
    )


@FUZZ
@given(text=yaml_texts())
@example(text="0000-00-00")  # YAML dates the datetime module refuses: ValueError, not YAMLError
@example(text="!!float abc")
@example(text="[" * 5000)  # nested deeper than Python's recursion limit
def test_definition_check_and_save(world, login_as, text) -> None:
    client = login_as(world.organizer)
    before = snapshot()
    resp = client.post("/organizer/contests/definition/check", data={"text": text})
    assert resp.status_code < 500
    unchanged_unless(before, False)
    resp = client.post(f"/organizer/contests/{world.contest.id}/definition", data={"text": text})
    assert resp.status_code < 500
    unchanged_unless(before, resp.status_code == 302)
    resp = client.post("/organizer/contests/import", data={"text": text}, content_type="multipart/form-data")
    assert resp.status_code < 500


ACCOUNT_FIELDS = [
    "username",
    "name",
    "roles",
    "gender",
    "phone",
    "email",
    "school_id",
    "district_id",
    "affiliation",
    "title",
    "subjects",
    "password",
    "must_change",
]


@FUZZ
@given(
    values=fields(ACCOUNT_FIELDS, required=["name"]),
    roles=st.lists(st.sampled_from(["teacher", "reviewer", "judge", "organizer", "admin", ""]), max_size=3),
)
def test_account_create_and_edit(world, login_as, values, roles) -> None:
    client = login_as(world.organizer)
    data = {**values, "roles": roles or values.get("roles", "")}
    before, users = snapshot(), count(User)
    resp = client.post("/organizer/accounts/new", data=data)
    assert resp.status_code < 500
    created = count(User) == users + 1  # the page then shows the generated password once (200)
    assert created or resp.status_code in (200, 400)
    unchanged_unless(before, created)
    before = snapshot()
    resp = client.post(f"/organizer/accounts/{world.teacher2.id}", data=data)
    assert resp.status_code < 500
    unchanged_unless(before, resp.status_code == 302)


@FUZZ
@given(values=fields(["name", "district_id", "stage_kind", "contact_name", "contact_phone", "code"], required=["name"]))
@example(values={"name": "新学校", "district_id": "99999999999999999999"})
@example(values={"name": "新学校\x00", "contact_phone": "1" * 40, "stage_kind": "很长的学段" * 20})
def test_school_and_district_forms(world, login_as, values) -> None:
    client = login_as(world.organizer)
    for url in (
        "/organizer/accounts/schools/new",
        f"/organizer/accounts/schools/{world.s1.id}",
        "/organizer/accounts/districts",
        f"/organizer/accounts/districts/{world.d1.id}",
    ):
        before = snapshot()
        resp = client.post(url, data=values)
        assert resp.status_code < 500, url
        unchanged_unless(before, resp.status_code == 302)


@FUZZ
@given(
    data=upload_bytes(),
    name=FILENAMES,
    kind=st.sampled_from(["teachers", "judges", "schools", "entries", "bogus", ""]),
    contest=TEXT,
)
def test_import_upload(world, login_as, data, name, kind, contest) -> None:
    client = login_as(world.organizer)
    before = snapshot()
    resp = client.post(
        "/organizer/imports",
        data={"kind": kind, "contest_id": contest, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert resp.status_code < 500
    assert snapshot()[0] == before[0]  # an upload only stashes the file; no row is written before confirming


# ---------------------------------------------------------------------------------------------
# Organizer: objections, result overrides, certificate corrections


@pytest.fixture()
def published(world):
    c = judged_contest(
        world, [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(6)], settings={"nomination_quota": 1}
    )
    results_service.run_ranking(c.contest, actor=world.organizer)
    results_service.lock(c.contest, actor=world.organizer)
    results_service.publish(c.contest, actor=world.organizer)
    db.session.commit()
    return c


OBJECTION_FIELDS = ["received_on", "entry_id", "submitter_name", "submitter_contact", "content", "evidence"]


@FUZZ
@given(values=fields(OBJECTION_FIELDS))
@example(
    values={
        "received_on": "2026-01-01",
        "entry_id": "²",
        "submitter_name": "某",
        "submitter_contact": "1",
        "content": "x",
    }
)
@example(
    values={
        "received_on": "2026-01-01",
        "entry_id": "99999999999999999999",
        "submitter_name": "某",
        "submitter_contact": "1",
        "content": "x",
    }
)
def test_objections(world, login_as, published, values) -> None:
    client = login_as(world.organizer)
    before, objections = snapshot(), count(Objection)
    resp = client.post(f"/organizer/contests/{published.contest.id}/objections", data=values)
    assert resp.status_code < 500
    unchanged_unless(before, count(Objection) == objections + 1)
    objection = db.session.scalars(select(Objection)).first()
    if objection is not None:
        resp = client.post(
            f"/organizer/contests/{published.contest.id}/objections/{objection.id}/settle",
            data={"outcome": values.get("content", ""), "resolution": values.get("evidence", "")},
        )
        assert resp.status_code < 500


@FUZZ
@given(values=fields(["award", "nominated", "reason", "chosen", "method"]))
def test_result_forms(world, login_as, published, values) -> None:
    client = login_as(world.organizer)
    contest = published.contest
    result = results_service.results_of(contest)[0]
    for url in (
        f"/organizer/contests/{contest.id}/results/{result.id}",
        f"/organizer/contests/{contest.id}/results/ties/0",
        f"/organizer/contests/{contest.id}/results/unlock",
    ):
        resp = client.post(url, data=values)
        assert resp.status_code < 500, url


@pytest.fixture()
def issued(world):
    w = awarded_world(world)
    cert_service.issue(w.contest, w.organizer)
    db.session.commit()
    return db.session.scalars(select(Certificate).where(Certificate.kind == "student")).first()


@FUZZ
@given(values=fields(["name", "school", "grade", "title", "reason"]))
def test_certificate_correction(world, login_as, issued, values) -> None:
    client = login_as(world.organizer)
    before = snapshot()
    resp = client.post(f"/organizer/certificates/{issued.id}/correct", data=values)
    assert resp.status_code < 500
    unchanged_unless(before, resp.status_code == 302)
    before = snapshot()
    resp = client.post(f"/organizer/certificates/{issued.id}/revoke", data={"reason": values.get("grade", "")})
    assert resp.status_code < 500
    db.session.refresh(issued)
    if issued.revoked:
        issued.revoked = False
        db.session.commit()
    else:
        unchanged_unless(before, False)


# ---------------------------------------------------------------------------------------------
# Log in, passwords, and query strings of list pages


@FUZZ
@given(values=fields(["username", "password", "remember", "current", "new", "confirm"]))
def test_login_and_password_forms(world, client, login_as, values) -> None:
    resp = client.post("/login", data=values)
    assert resp.status_code < 500
    login_as(world.teacher1)
    before = snapshot()
    resp = client.post("/account/password", data=values)
    assert resp.status_code < 500
    unchanged_unless(before, resp.status_code == 302)


QUERY_PAGES = {
    "reviewer1": ["/review/"],
    "judge2": ["/judge/", "/judge/next"],
    "teacher1": ["/teacher/", "/teacher/entries/new"],
    "organizer": [
        "/organizer/accounts",
        "/organizer/audit",
        "/organizer/contests",
        "/organizer/imports",
        "/organizer/contests/{contest}/certificates",
        "/organizer/contests/{contest}/results",
        "/organizer/contests/{contest}/judging/1",
        "/organizer/contests/{contest}/judging/1/promote",
        "/organizer/contests/{contest}/judging/1/progress.json",
    ],
}
QUERY_KEYS = [
    "contest",
    "section",
    "stage",
    "district",
    "school",
    "state",
    "page",
    "q",
    "round",
    "after",
    "role",
    "kind",
    "status",
    "action",
    "actor",
    "object",
    "object_id",
    "object_type",
    "since",
    "until",
    "cursor",
    "before",
    "active",
    "group",
    "date_from",
    "date_to",
    "user",
    "district_id",
    "school_id",
    "g",
]


@FUZZ
@given(query=st.dictionaries(st.sampled_from(QUERY_KEYS), TEXT.filter(lambda t: len(t) < 2000), max_size=5))
@example(query={k: "²" for k in QUERY_KEYS})
@example(query={k: "9" * 30 for k in QUERY_KEYS})
@example(query={k: "9" * 400 for k in QUERY_KEYS})
@example(query={k: "9" * 4400 for k in QUERY_KEYS})
def test_query_strings_of_list_pages(world, login_as, query) -> None:
    for who, pages in QUERY_PAGES.items():
        client = login_as(getattr(world, who))
        for page in pages:
            resp = client.get(page.format(contest=world.contest.id), query_string=query)
            assert resp.status_code < 500, (page, query)
