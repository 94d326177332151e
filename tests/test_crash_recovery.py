"""A crash in the middle of an upload or a submission leaves no half entry and no orphan file.

The work really runs in another process: a small script creates the app against the database and
upload folder under test and calls the real services (store_upload, submit, save_draft), pausing
at a hook point in the middle (while the file is being copied, or after the rows are flushed but
before the commit). The test waits for the pause, kills the process with SIGKILL, and then looks
at the database and the upload folder: no row was committed, and after `flask sweep-uploads` no
file is left without a row (a row never lacks its file).

Deadline races (two tabs submitting at the same moment) are decided by the database: see
tests/services/test_submissions.py::test_two_tabs_submitting_at_the_same_moment. Here: a page
loaded before the deadline cannot submit after it.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition.adapters.storage import get_storage
from competition.models import Attachment, AuditEvent, Entry, Student, utcnow
from tests.factories.grid import png_bytes
from tests.factories.judging import attach
from tests.factories.teacher import REPORT_PDF, complete, files_on_disk

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent('''
    """Run one piece of real work, pausing at a hook point until killed."""
    import json, sys, time
    from pathlib import Path

    config, mode, entry_id, user_id, marker = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), \\
        int(sys.argv[4]), Path(sys.argv[5])

    from competition import create_app
    from competition.extensions import db
    from competition.models import Entry, User
    from competition.services import audit, submissions
    from competition.domain.eligibility import EntryData, PersonData

    def signal(text):
        # written whole, then renamed: the test polls for the name and must never read it half-written
        part = marker.with_name(marker.name + ".part")
        part.write_text(text)
        part.replace(marker)

    def pause():
        signal(mode)
        time.sleep(600)

    app = create_app(config)
    with app.app_context():
        entry, user = db.session.get(Entry, entry_id), db.session.get(User, user_id)
        requirement = next(m for m in entry.section.materials if m.code == "log")
        if mode == "copying":
            class Slow:
                """A 6 MB upload whose sender stops after 3 MB."""
                def __init__(self):
                    self.sent = 0
                def read(self, n=-1):
                    if self.sent >= 3 * 1024 * 1024:
                        pause()
                    n = 1024 * 1024 if n is None or n < 0 else n
                    self.sent += n
                    return (b"%PDF-1.4\\n" + b"0" * n)[:n]
            submissions.store_upload(entry, requirement, Slow(), "研究日志.pdf", actor=user)
        else:
            record = audit.record

            def hooked(*args, **kwargs):  # the service has flushed its rows: crash before commit
                record(*args, **kwargs)
                db.session.flush()
                pause()

            audit.record = hooked
            if mode == "stored":
                with open(sys.argv[6], "rb") as fh:
                    submissions.store_upload(entry, requirement, fh, "研究日志.pdf", actor=user)
            elif mode == "submit":
                submissions.submit(entry, actor=user)
            elif mode == "create":
                data = EntryData(title="崩溃中的新作品", abstract="摘要", stage="初中", subject="物理与天文学",
                                 students=(PersonData(name="赵六", gender="男", grade="八年级"),))
                submissions.save_draft(None, data, section_id=entry.section_id, school=entry.school,
                                       actor=user, contest=entry.contest)
        db.session.commit()
        signal("committed")
''')


def run_and_kill(app, tmp_path, mode: str, entry, user, *extra: str) -> None:
    """Start the work in a new process, wait for its hook point, and SIGKILL it there."""
    from competition.extensions import db

    entry_id, user_id = entry.id, user.id
    db.session.commit()
    db.session.remove()  # no lock of ours in the way
    script = tmp_path / "work.py"
    script.write_text(SCRIPT, encoding="utf-8")
    marker = tmp_path / f"{mode}.reached"
    config = {
        key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER", "EXPORT_FOLDER", "SECRET_KEY")
    }
    config.update(TESTING=True, RATELIMIT_ENABLED=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COMPETITION_INSTANCE_PATH": str(tmp_path / "instance")}
    proc = subprocess.Popen(
        [sys.executable, str(script), json.dumps(config), mode, str(entry_id), str(user_id), str(marker), *extra],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"the work ended before its hook point: {proc.stderr.read().decode()[-3000:]}")
            assert time.monotonic() < deadline, "the work never reached its hook point"
            time.sleep(0.05)
        assert marker.read_text() == mode
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def age_every_stored_file(app, seconds: int = 7200) -> None:
    then = time.time() - seconds
    for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def sweep(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["sweep-uploads", *args])
    assert result.exit_code == 0, result.output
    return result.output


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def assert_rows_and_files_match(db) -> None:
    """Every Attachment row has its file, and every stored file has its row (seals and students' photos included)."""
    storage = get_storage()
    keys = set(db.session.scalars(select(Attachment.storage_key)))
    from competition.models.certificates import CertificateAsset

    keys |= set(db.session.scalars(select(CertificateAsset.storage_key)))
    from competition.models import StudentPhoto  # the 申报书's 免冠照片

    keys |= set(db.session.scalars(select(StudentPhoto.storage_key)))
    assert all(storage.exists(k) for k in keys), "a row points at a missing file"
    on_disk = {p.name for p in files_on_disk()}
    assert on_disk == keys, f"files without a row: {on_disk - keys}"


@pytest.fixture()
def crash_world(world, db):
    """entry1 complete with a committed attachment, and a committed certificate seal (also a
    stored file, referred to by another table): the sweep must keep both."""
    from competition.services import certificates

    complete(world.entry1)
    world.kept = attach(world.entry1, data=REPORT_PDF.read_bytes())
    certificates.save_asset(world.contest, "background", io.BytesIO(png_bytes(mode="RGB")), "背景.png", world.organizer)
    db.session.commit()
    return world


def test_killed_while_the_file_is_copied_leaves_only_a_partial_that_the_sweep_removes(app, db, crash_world, tmp_path):
    w = crash_world
    attachments, kept_key = count(db, Attachment), w.kept.storage_key
    run_and_kill(app, tmp_path, "copying", w.entry1, w.teacher1)
    partials = list((Path(app.config["UPLOAD_FOLDER"]) / ".partial").glob("*.part"))
    assert len(partials) == 1 and partials[0].stat().st_size >= 1024 * 1024  # it really was mid-copy
    assert count(db, Attachment) == attachments
    assert "0 个未完成" in sweep(app)  # too young: an upload may still be running
    assert partials[0].exists()
    age_every_stored_file(app)
    output = sweep(app)
    assert "1 个未完成" in output and "0 个没有任何记录" in output
    assert not partials[0].exists()
    assert_rows_and_files_match(db)
    assert kept_key in {p.name for p in files_on_disk()}


def test_killed_after_the_file_is_stored_but_before_the_commit_leaves_no_row_and_the_orphan_is_swept(
    app, db, crash_world, tmp_path
):
    w = crash_world
    attachments = count(db, Attachment)
    before = {p.name for p in files_on_disk()}
    run_and_kill(app, tmp_path, "stored", w.entry1, w.teacher1, str(REPORT_PDF))
    db.session.expire_all()
    assert count(db, Attachment) == attachments  # the flushed row died with its transaction
    assert count(db, AuditEvent, AuditEvent.action == "attachment.upload") == 0
    orphans = {p.name for p in files_on_disk()} - before
    assert len(orphans) == 1  # the file reached its final name: only the sweep can know it is unused
    age_every_stored_file(app)
    output = sweep(app)
    assert "1 个没有任何记录" in output
    assert_rows_and_files_match(db)


def test_killed_in_the_middle_of_a_submission_leaves_the_draft_as_it_was(app, db, crash_world, tmp_path):
    w = crash_world
    attach(w.entry1, name="申报书.png", kind="png", content_type="image/png", data=png_bytes(), requirement_code="form")
    for code in ("novelty", "integrity", "ethics"):  # the other materials the section requires
        attach(w.entry1, name=f"{code}.pdf", data=REPORT_PDF.read_bytes(), requirement_code=code)
    db.session.commit()
    entry_id = w.entry1.id
    run_and_kill(app, tmp_path, "submit", w.entry1, w.teacher1)
    entry = db.session.get(Entry, entry_id)
    assert entry.state == "draft" and entry.submitted_at is None
    assert count(db, AuditEvent, AuditEvent.action == "entry.submit") == 0


def test_killed_while_creating_an_entry_leaves_no_half_entry(app, db, crash_world, tmp_path):
    w = crash_world
    entries, students = count(db, Entry), count(db, Student)
    run_and_kill(app, tmp_path, "create", w.entry1, w.teacher1)
    db.session.expire_all()
    assert count(db, Entry) == entries and count(db, Student) == students
    assert count(db, Entry, Entry.title == "崩溃中的新作品") == 0


def test_sweep_keeps_every_file_a_row_refers_to(app, db, crash_world) -> None:
    age_every_stored_file(app)
    assert "0 个没有任何记录" in sweep(app, "--older-than", "0")
    assert_rows_and_files_match(db)


def test_a_page_loaded_before_the_deadline_cannot_submit_after_it(client, db, world, login_as) -> None:
    from tests.factories.teacher import ready_entry

    ready_entry(world.entry1)
    world.contest.submission_closes_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert f"/teacher/entries/{world.entry1.id}/submit" in page  # the submit button was on screen
    world.contest.submission_closes_at = utcnow() - timedelta(seconds=1)  # ... and the deadline passed
    db.session.commit()
    resp = client.post(f"/teacher/entries/{world.entry1.id}/submit", follow_redirects=True)
    assert "已过截止时间，不再接受提交。" in resp.get_data(as_text=True)
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.state == "draft" and entry.submitted_at is None
    assert count(db, AuditEvent, AuditEvent.action == "entry.submit") == 0
