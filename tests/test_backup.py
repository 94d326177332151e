"""Backup and restore: a populated instance comes back row for row and byte for byte, on SQLite
and PostgreSQL and across them; a backup taken while others write is a consistent snapshot; a
damaged or hostile archive restores nothing."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tarfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition import create_app
from competition.adapters.storage import get_storage
from competition.extensions import db as _db
from competition.models import Attachment, District, Job, School, utcnow
from competition.services import audit
from tests import factories
from tests.conftest import DB_KIND, PG_ADMIN_URL, make_test_config


def populate(db) -> factories.SimpleNamespace:
    """build_world(), plus stored attachments, audit events, a job and a birth date."""
    w = factories.build_world()
    storage = get_storage()
    w.blobs = []
    for i, entry in enumerate([w.entry1, w.entry1, w.entry3]):
        data = os.urandom(5000 + i * 77) + f"材料{i}".encode()
        stored = storage.save_stream(io.BytesIO(data))
        db.session.add(
            Attachment(
                entry_id=entry.id,
                original_name=f"研究报告{i}.pdf",
                storage_key=stored.key,
                file_kind="pdf",
                content_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by_id=w.teacher1.id,
            )
        )
        w.blobs.append(data)
    w.entry1.students[0].birth_date = date(2011, 3, 14)
    audit.record(
        w.organizer,
        "contest.state",
        w.contest,
        before={"state": "draft"},
        after={"state": "open"},
        reason="按计划开放申报",
    )
    audit.record(
        w.teacher1,
        "entry.update",
        w.entry1,
        before={"title": "旧题目"},
        after={"title": "校园雨水回收装置", "students": [{"name": "张三", "grade": 8}]},
    )
    db.session.add(
        Job(
            kind="bundle",
            params={"entries": [1, 2], "_func": "x.y"},
            state="done",
            progress=2,
            total=2,
            finished_at=utcnow(),
        )
    )
    db.session.commit()
    return w


def dump_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, by primary key, read through the models' column types."""
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in _db.metadata.sorted_tables
        }


def dump_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".partial" not in p.parts
    }


def make_target(tmp_path: Path, url: str, name: str = "target", *, schema: str = "migrations"):
    """A second instance. schema="migrations": empty, the restore builds the schema with the migrations
    (the real path). schema="models": tables made from the models, as the test suite makes its own,
    for tests about the data that should not depend on the migrations being in step with the models."""
    target = create_app(make_test_config(tmp_path / name, url, UPLOAD_FOLDER=str(tmp_path / name / "uploads")))
    if schema == "models":
        with target.app_context():
            _db.create_all()
    return target


def restore_into(target, archive: Path, *args: str):
    # The test's own app context is pushed; Flask's CLI runs in the current app, so push the target's.
    with target.app_context():
        return target.test_cli_runner().invoke(args=["restore", str(archive), *args])


def engine_of(app_):
    with app_.app_context():
        return _db.engine


def dispose(app_):
    with app_.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture()
def other_database_url(tmp_path):
    """An empty database of the OTHER kind: PostgreSQL in the SQLite pass and SQLite in the other."""
    if DB_KIND == "postgresql":
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    import psycopg

    try:
        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true" or os.environ.get("COMPETITION_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    name = f"competition_cross_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backup_cli(app, archive: Path):
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(archive)])
    assert result.exit_code == 0, result.output
    return result


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def assert_round_trip(app, db, tmp_path, target_url):
    w = populate(db)
    archive = tmp_path / "backup.tar.gz"
    out = backup_cli(app, archive)
    assert "backup.tar.gz" in out.output
    manifest = read_manifest(archive)
    counts = {t["name"]: t["count"] for t in manifest["tables"]}
    assert counts["attachment"] == 3 and counts["audit_event"] >= 2 and counts["user_account"] == 8
    assert len(manifest["files"]) == 3 and manifest["dialect"] == db.engine.dialect.name
    for f in manifest["files"]:
        assert f["sha256"] in {hashlib.sha256(b).hexdigest() for b in w.blobs}

    target = make_target(tmp_path, target_url)
    try:
        result = restore_into(target, archive)
        assert result.exit_code == 0, result.output
        assert dump_rows(engine_of(target)) == dump_rows(db.engine)
        source_files = dump_files(Path(app.config["UPLOAD_FOLDER"]))
        assert len(source_files) == 3
        assert dump_files(Path(target.config["UPLOAD_FOLDER"])) == source_files
        # The restored instance works: it hands out fresh ids after the restored ones (sequences reset).
        top = max(r[0] for r in dump_rows(db.engine)["district"])
        with target.app_context():
            d = District(name="新区")
            _db.session.add(d)
            _db.session.commit()
            assert d.id == top + 1
            with get_storage().open(_db.session.scalars(select(Attachment.storage_key)).first()) as fh:
                assert hashlib.sha256(fh.read()).hexdigest() in {f["sha256"] for f in manifest["files"]}
    finally:
        dispose(target)


def test_round_trip_same_database(app, db, tmp_path, fresh_database_url):
    assert_round_trip(app, db, tmp_path, fresh_database_url)


def test_round_trip_across_databases(app, db, tmp_path, other_database_url):
    assert_round_trip(app, db, tmp_path, other_database_url)


def messages(caplog, start: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "competition.services.backup" and r.levelno == logging.INFO and r.getMessage().startswith(start)
    ]


def test_backup_and_restore_are_logged_with_who_and_counts(app, db, tmp_path, fresh_database_url, caplog):
    from competition import jobs

    caplog.set_level(logging.INFO, logger="competition")
    w = populate(db)
    job = jobs.enqueue("backup", "backup", params={}, actor=w.organizer)
    db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.state == "done", done.error
    users = db.session.scalar(select(func.count()).select_from(_db.metadata.tables["user_account"]))
    [written] = messages(caplog, "backup written:")
    assert f"by=organizer (#{w.organizer.id})" in written and " files=3 " in written
    archive = Path(app.config["EXPORT_FOLDER"]) / done.result_path
    assert f"file={archive.name} " in written
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    rows = sum(t["count"] for t in manifest["tables"])
    assert f"rows={rows} " in written and rows > users
    target = make_target(tmp_path, fresh_database_url)
    try:
        assert restore_into(target, archive).exit_code == 0
    finally:
        dispose(target)
    [restored] = messages(caplog, "backup restored:")
    assert restored.startswith(f"backup restored: by=system file={archive.name} ")  # the command line
    assert f" rows={rows} files=3 replaced=no" in restored


def test_restore_refuses_non_empty_instance_unless_forced(app, db, tmp_path, fresh_database_url):
    populate(db)
    archive = tmp_path / "b.tar.gz"
    backup_cli(app, archive)
    target = make_target(tmp_path, fresh_database_url, schema="models")
    try:
        assert restore_into(target, archive).exit_code == 0
        with target.app_context():
            _db.session.add(District(name="恢复后新增"))
            _db.session.commit()
        Path(target.config["UPLOAD_FOLDER"], "stray.txt").write_bytes(b"left over")
        refused = restore_into(target, archive)
        assert refused.exit_code != 0
        assert "--force" in refused.output
        with target.app_context():
            assert (
                _db.session.scalar(select(func.count()).select_from(District).where(District.name == "恢复后新增")) == 1
            )
        forced = restore_into(target, archive, "--force")
        assert forced.exit_code == 0, forced.output
        assert dump_rows(engine_of(target)) == dump_rows(db.engine)
        assert dump_files(Path(target.config["UPLOAD_FOLDER"])) == dump_files(Path(app.config["UPLOAD_FOLDER"]))
    finally:
        dispose(target)


def rewrite_archive(src: Path, dst: Path, change) -> None:
    """Copy an archive member by member; change(name, data, manifest) may return new bytes or None to drop."""
    with tarfile.open(src) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    manifest = json.loads(next(d for m, d in members if m.name == "manifest.json"))
    with tarfile.open(dst, "w:gz") as out:
        for member, data in members:
            if member.name == "manifest.json":
                continue
            data = change(member.name, data, manifest)
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        out.addfile(info, io.BytesIO(body))


def assert_nothing_restored(target):
    with target.app_context(), _db.engine.connect() as conn:
        from competition.services.backup.schema import nonempty_tables

        assert nonempty_tables(conn) == []
    root = Path(target.config["UPLOAD_FOLDER"])
    assert not root.exists() or dump_files(root) == {}
    assert not [p for p in root.parent.iterdir() if ".restore-" in p.name]


def test_damaged_archives_restore_nothing(app, db, tmp_path, fresh_database_url):
    populate(db)
    archive = tmp_path / "b.tar.gz"
    backup_cli(app, archive)
    target = make_target(tmp_path, fresh_database_url, schema="models")

    def flip_a_byte(name, data, manifest):
        return (bytes([data[0] ^ 1]) + data[1:]) if name.startswith("uploads/") else data

    def orphan_schools(name, data, manifest):
        # Drop every district but keep the manifest's own checks happy: the database must refuse it.
        if name == "db/district.jsonl":
            entry = next(t for t in manifest["tables"] if t["name"] == "district")
            entry["count"], entry["sha256"] = 0, hashlib.sha256(b"").hexdigest()
            return b""
        return data

    def escape(name, data, manifest):
        return data

    try:
        bad = tmp_path / "flipped.tar.gz"
        rewrite_archive(archive, bad, flip_a_byte)
        result = restore_into(target, bad)
        assert result.exit_code != 0 and "uploads/" in result.output
        assert_nothing_restored(target)

        bad = tmp_path / "orphans.tar.gz"
        rewrite_archive(archive, bad, orphan_schools)
        result = restore_into(target, bad)
        assert result.exit_code != 0, result.output
        assert_nothing_restored(target)

        hostile = tmp_path / "hostile.tar.gz"
        with tarfile.open(hostile, "w:gz") as out:
            info = tarfile.TarInfo("../../evil.txt")
            info.size = 4
            out.addfile(info, io.BytesIO(b"evil"))
        result = restore_into(target, hostile)
        assert result.exit_code != 0
        # "../../evil.txt" from the restore's staging folder (beside the uploads) lands in tmp_path;
        # one level further up, in case the staging moves
        assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
        assert_nothing_restored(target)

        junk = tmp_path / "junk.tar.gz"
        junk.write_bytes(b"not an archive at all")
        assert restore_into(target, junk).exit_code != 0
        assert_nothing_restored(target)

        # After all that, the good archive still restores.
        assert restore_into(target, archive).exit_code == 0
    finally:
        dispose(target)


def test_backup_while_another_thread_writes_is_consistent(app, db, tmp_path, fresh_database_url):
    from competition.services.backup import create_backup

    stop = threading.Event()
    written = [0]
    errors: list[BaseException] = []

    def writer():
        try:
            with app.app_context():
                while not stop.is_set():
                    i = written[0]
                    d = District(name=f"并发区{i}")
                    _db.session.add(d)
                    _db.session.flush()
                    _db.session.add(School(district_id=d.id, name=f"并发学校{i}"))
                    _db.session.commit()
                    written[0] = i + 1
                _db.session.remove()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 20 and thread.is_alive():
            time.sleep(0.01)
        archive = tmp_path / "live.tar.gz"
        manifest = create_backup(archive, upload_root=Path(app.config["UPLOAD_FOLDER"]))
        after_backup = written[0]
        while written[0] < after_backup + 10 and thread.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    counts = {t["name"]: t["count"] for t in manifest["tables"]}
    assert counts["district"] == counts["school"] >= 20
    assert counts["district"] < written[0]  # the writer went on during and after the backup
    with tarfile.open(archive) as tar:
        for table in manifest["tables"]:
            lines = tar.extractfile(table["member"]).read().splitlines()
            assert len(lines) == table["count"]
        districts = {json.loads(x)["id"] for x in tar.extractfile("db/district.jsonl").read().splitlines()}
        schools = [json.loads(x) for x in tar.extractfile("db/school.jsonl").read().splitlines()]
    assert all(s["district_id"] in districts for s in schools)
    target = make_target(tmp_path, fresh_database_url, schema="models")
    try:
        assert restore_into(target, archive).exit_code == 0
        assert len(dump_rows(engine_of(target))["school"]) == counts["school"]
    finally:
        dispose(target)
