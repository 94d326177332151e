"""One world for the authorization grid and the fuzz tests: every kind of row a route can name.

On top of tests.factories.build_world() (contest open, entry1 a draft of s1, entry3 submitted in
s3):
- ``att_draft``: a real stored PDF on entry1 (a draft of school s1);
- ``entry_sub``: a submitted entry of s1 (district d1), for the review pages;
- ``final``: a second contest judged, ranked, published and made final, entries from s1, s2, s3
  in turn; ``entry_a`` is its entry of s1 with a real stored PDF ``att``; judge2 (``judge``) has a
  published assignment ``assignment`` and a final sheet on it; ``judge_free`` (``judge_other``)
  is a judge of the same round with a published assignment on another entry only;
- results, a settled objection, issued certificates (``cert``: one of s1), a certificate seal,
  finished certificate and bundle jobs with their files, an organizer's import stash, a reset
  link for a spare account, audit events.

ACTORS maps the grid's actor names to the world's users.
"""

from __future__ import annotations

import io
import shutil
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from PIL import Image
from sqlalchemy import select

from competition.domain.objections import Finding
from competition.extensions import db
from competition.models import Assignment, AuditEvent, Certificate, Conflict, Job, Result, RoundJudge, utcnow
from competition.services import certificates, imports, objections, users
from competition.services import results as results_svc
from competition.services.exports import BUNDLE_JOB
from competition.services.notifications import PENDING_FLAG, notify
from tests.factories import SAMPLES, build_world, make_entry, make_user
from tests.factories import accounts as fa
from tests.factories.judging import attach
from tests.factories.results import judged_contest

PDF = (SAMPLES / "research_report_sample.pdf").read_bytes()
ACTORS = ("anonymous", "teacher", "teacher_other", "reviewer", "reviewer_other", "judge", "judge_other", "organizer")
# Ten entries, three judges each: distinct means, so no ties.
TOTALS = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def png_bytes(size=(200, 200), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _job_with_file(kind: str, contest, organizer, name: str) -> Job:
    root = Path(current_app.config["EXPORT_FOLDER"])
    (root / "grid").mkdir(parents=True, exist_ok=True)
    (root / "grid" / name).write_bytes(PDF)
    job = Job(
        kind=kind,
        state="done",
        params={},
        progress=1,
        total=1,
        result_path=f"grid/{name}",
        result_name=name,
        created_by_id=organizer.id,
        contest_id=contest.id,
        finished_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    return job


def _assignment(rnd, judge, entry) -> Assignment:
    return db.session.scalar(
        select(Assignment).where(
            Assignment.round_id == rnd.id, Assignment.judge_id == judge.id, Assignment.entry_id == entry.id
        )
    )


def grid_world() -> SimpleNamespace:
    w = build_world()
    w.judge_free = make_user(
        "judge", username="judge_free", name="孙评委", affiliation="淮北师范大学", subjects="物理与天文学"
    )
    w.spare = make_user("teacher", school=w.s2, username="spare", name="备用老师")
    w.att_draft = attach(w.entry1, data=PDF)
    w.entry_sub = make_entry(w.contest, w.s1, teacher=w.teacher1, title="提交待审项目", state="submitted")

    c = judged_contest(w, TOTALS, settings={"nomination_quota": 1}, code="GRID-FINAL")
    w.final, w.round = c.contest, c.round
    w.entry_a = c.entries[0]  # school s1
    w.entry_b = c.entries[1]  # school s2
    w.entry_a.created_by_id = w.teacher1.id
    w.att = attach(w.entry_a, data=PDF)
    w.assignment = _assignment(w.round, w.judge2, w.entry_a)
    w.sheet = w.assignment.sheet
    w.other_assignment = _assignment(w.round, w.judge1, w.entry_b)
    for judge in c.judges + [w.judge_free]:
        db.session.add(RoundJudge(round_id=w.round.id, judge_id=judge.id))
    db.session.flush()
    w.round_judge = db.session.scalar(
        select(RoundJudge).where(RoundJudge.round_id == w.round.id, RoundJudge.judge_id == w.judge_free.id)
    )
    w.conflict = Conflict(
        judge_id=w.judge_free.id,
        entry_id=w.entry_a.id,
        kind="other",
        source="organizer",
        reason="亲属",
        created_by_id=w.organizer.id,
    )
    db.session.add(w.conflict)
    db.session.commit()

    results_svc.run_ranking(w.final, actor=w.organizer)
    results_svc.lock(w.final, actor=w.organizer)
    results_svc.publish(w.final, actor=w.organizer)
    w.objection = results_svc.record_objection(
        w.final,
        actor=w.organizer,
        entry_id=w.entry_a.id,
        submitter_name="匿名家长",
        submitter_contact="13800000001",
        content="成绩有疑问",
        evidence=None,
        received_on=date.today(),
    )
    objections.settle(w.objection, Finding("dismissed", "复核无误"), actor=w.organizer)
    results_svc.finalize(w.final, actor=w.organizer, now=utcnow() + timedelta(days=60))
    certificates.issue(w.final, w.organizer)
    db.session.commit()
    w.result = db.session.scalar(select(Result).where(Result.contest_id == w.final.id, Result.entry_id == w.entry_a.id))
    w.cert = db.session.scalar(
        select(Certificate)
        .where(Certificate.contest_id == w.final.id, Certificate.school_id == w.s1.id)
        .order_by(Certificate.id)
    )
    certificates.save_asset(w.final, "background", io.BytesIO(png_bytes(mode="RGB")), "背景.png", w.organizer)
    w.cert_job = _job_with_file("certificates", w.final, w.organizer, "certs.pdf")
    w.bundle_job = _job_with_file(BUNDLE_JOB, w.final, w.organizer, "bundle.zip")
    w.reset_token = users.create_reset_link(w.spare, actor=w.organizer)
    w.event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id))
    w.note = notify(
        "entry.accepted", event_key="grid", subject="作品已通过", body="正文", user=w.teacher1, email="t1@example.org"
    )
    w.delivery = w.note.deliveries[0]
    w.delivery.state = "failed"
    db.session.info.pop(PENDING_FLAG, None)
    db.session.commit()
    w.import_token = imports.stash_upload(
        current_app.config["EXPORT_FOLDER"],
        user_id=w.organizer.id,
        kind="judges",
        filename="judges.xlsx",
        data=fa.sample("judges_libreoffice.xlsx"),
    )
    w.actors = {
        "teacher": w.teacher1,
        "teacher_other": w.teacher2,
        "reviewer": w.reviewer1,
        "reviewer_other": w.reviewer2,
        "judge": w.judge2,
        "judge_other": w.judge_free,
        "organizer": w.organizer,
    }
    return w


# ---------------------------------------------------------------------------------------------
# Logging in and proving that nothing changed


_COOKIES: dict[str, str] = {}


def client_for(app, user_id: int | None):
    """A fresh test client logged in as the user with this id (None: anonymous), as a real
    session cookie would (the signed cookie is made once per account and session token)."""
    from competition.models import User

    client = app.test_client()
    if user_id is None:
        return client
    ident = db.session.get(User, user_id).get_id()
    name = app.config["SESSION_COOKIE_NAME"]
    if ident not in _COOKIES:
        with client.session_transaction() as sess:
            sess["_user_id"] = ident
            sess["_fresh"] = True
        _COOKIES[ident] = client.get_cookie(name).value
    else:
        client.set_cookie(name, _COOKIES[ident])
    return client


def _files_under(folder: str) -> list[tuple[str, int]]:
    root = Path(folder)
    if not root.exists():
        return []
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file())


def snapshot() -> tuple:
    """Every row of every table, and every stored or exported file: equal snapshots mean nothing
    was written (not even half)."""
    db.session.commit()
    rows = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows.append((table.name, sorted(repr(tuple(r)) for r in conn.execute(table.select()))))
    db.session.expire_all()
    return (
        tuple(rows),
        tuple(_files_under(current_app.config["UPLOAD_FOLDER"])),
        tuple(_files_under(current_app.config["EXPORT_FOLDER"])),
    )


def describe_change(before: tuple, after: tuple) -> str:
    """What differs between two snapshots, for a readable failure."""
    out = []
    for (name, old), (_n, new) in zip(before[0], after[0], strict=True):
        if old != new:
            out.append(f"table {name}: {len(old)} -> {len(new)} rows; new/changed: {sorted(set(new) - set(old))[:3]}")
    if before[1] != after[1]:
        out.append(f"uploads: {sorted(set(after[1]) ^ set(before[1]))[:5]}")
    if before[2] != after[2]:
        out.append(f"exports: {sorted(set(after[2]) ^ set(before[2]))[:5]}")
    return "; ".join(out) or "no change"


class SavedWorld:
    """Every row and every stored file, saved once and put back in a few milliseconds, so tests
    that write can each start from the same world without building it through the services again."""

    def __init__(self):
        import tempfile

        db.session.commit()
        with db.engine.connect() as conn:
            self.tables = [(t, [dict(r._mapping) for r in conn.execute(t.select())]) for t in db.metadata.sorted_tables]
        self.folder = Path(tempfile.mkdtemp(prefix="grid-world-"))
        self.dirs = {}
        for key in ("UPLOAD_FOLDER", "EXPORT_FOLDER"):
            source = Path(current_app.config[key])
            if source.exists():
                shutil.copytree(source, self.folder / key)

    def restore(self) -> None:
        db.session.remove()
        with db.engine.begin() as conn:
            for table, _rows in reversed(self.tables):  # a few rows each: DELETE beats TRUNCATE here
                conn.execute(table.delete())
            for table, rows in self.tables:
                if rows:
                    conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql":
                for table, rows in self.tables:
                    if rows and "id" in table.c and table.c.id.autoincrement is not False:
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))'
                        )
        for key in ("UPLOAD_FOLDER", "EXPORT_FOLDER"):
            target = Path(current_app.config[key])
            shutil.rmtree(target, ignore_errors=True)
            if (self.folder / key).exists():
                shutil.copytree(self.folder / key, target)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
