"""Data of the load benchmark: the database (an SQLite file, or a fresh PostgreSQL database that
is dropped afterwards), the contest with judges and published assignments, teachers with draft
entries, and the check afterwards that every acknowledged save is in the database."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

PG_ADMIN = os.environ.get("COMPETITION_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def database(kind: str, tmp: Path):
    """A database URL of the kind asked for, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'load.db'}"
        return
    import psycopg

    name = f"competition_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_app(tmp: Path, url: str):
    """The app on ``url`` (for seeding and checking only), inside an app context."""
    from competition import create_app
    from tests.conftest import make_test_config

    app = create_app(make_test_config(tmp, url))
    ctx = app.app_context()
    ctx.push()
    return app, ctx


@dataclass
class Judge:
    username: str
    assignment_ids: list[int]


@dataclass
class Teacher:
    username: str
    entry_id: int
    requirements: dict[str, int]  # material code (report, video...) -> requirement id


@dataclass
class Seeded:
    password: str
    judges: list[Judge]
    teachers: list[Teacher]
    contest_id: int
    n_entries: int
    n_assignments: int


def seed(n_judges: int, per_judge: int, n_teachers: int, judges_per_entry: int = 3) -> Seeded:
    """The innovation contest in judging: entries with a report each, ``n_judges`` judges on
    round 1 with ``per_judge`` published assignments each (``judges_per_entry`` judges per
    entry); a second contest open for entries, where each teacher has a draft."""
    from competition.extensions import db
    from competition.models import Assignment, utcnow
    from tests import factories as f
    from tests.factories import judging as fj

    districts = [f.make_district(name) for name in ("相山区", "杜集区", "烈山区", "濉溪县")]
    schools = [f.make_school(districts[i % len(districts)], f"淮北市第{i + 1}中学") for i in range(20)]
    judging = f.make_contest("innovation", state="judging", code="LOAD-PS")
    round1 = fj.round_of(judging, 1)
    round1.state = "published"
    n_entries = max(per_judge, -(-n_judges * per_judge // judges_per_entry))
    entries = []
    for i in range(n_entries):
        entry = f.make_entry(
            judging,
            schools[i % len(schools)],
            title=f"校园节水装置的设计与测试{i + 1}",
            state="accepted",
            number=f"CX-XS-{i + 1:04d}",
            advisers=[{"name": f"导师{i + 1}", "unit": schools[i % len(schools)].name}],
        )
        fj.attach(entry, name=f"研究报告{i + 1}.pdf")
        entries.append(entry)
    judges = [
        f.make_user(
            "judge",
            username=f"loadjudge{j + 1:02d}",
            name=f"评委{j + 1}",
            affiliation="淮北师范大学",
            subjects="物理与天文学",
        )
        for j in range(n_judges)
    ]
    fj.add_judges(round1, judges)
    stride = max(1, n_entries // n_judges)
    rows = []
    for j, judge in enumerate(judges):
        for k in range(per_judge):
            entry = entries[(j * stride + k) % n_entries]
            rows.append(
                Assignment(
                    round_id=round1.id, judge_id=judge.id, entry_id=entry.id, published=True, published_at=utcnow()
                )
            )
    db.session.add_all(rows)

    open_contest = f.make_contest("innovation", state="open", code="LOAD-SB")
    section = f.section(open_contest, "XS")
    requirements = {m.code: m.id for m in section.materials}
    teachers = []
    for t in range(n_teachers):
        school = schools[t % len(schools)]
        user = f.make_user("teacher", school=school, username=f"loadteacher{t + 1:02d}", name=f"教师{t + 1}")
        entry = f.make_entry(open_contest, school, teacher=user, title=f"草稿作品{t + 1}")
        teachers.append(Teacher(user.username, entry.id, requirements))
    db.session.commit()

    by_judge: dict[int, list[int]] = {}
    for a in rows:
        by_judge.setdefault(a.judge_id, []).append(a.id)
    return Seeded(
        f.PASSWORD, [Judge(u.username, by_judge[u.id]) for u in judges], teachers, judging.id, n_entries, len(rows)
    )


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Ack:
    """A save the server acknowledged: the sheet of ``assignment_id`` is at ``version`` with
    these values (scores by criterion id, blanks left out; comment stripped, None if empty)."""

    assignment_id: int
    version: int
    state: str
    scores: tuple
    comment: str | None


def ack(assignment_id: int, version: int, state: str, scores: dict, comment: str) -> Ack:
    clean = tuple(sorted((str(k), float(v)) for k, v in scores.items() if str(v).strip() != ""))
    return Ack(assignment_id, version, state, clean, (comment or "").strip() or None)


@dataclass
class SaveCheck:
    acknowledged: int = 0
    sheets: int = 0
    lost: list[str] = field(default_factory=list)  # an acknowledged save is missing
    overwritten: list[str] = field(default_factory=list)  # two different saves acknowledged at one version
    unacknowledged: list[str] = field(default_factory=list)  # the database holds a newer, unacknowledged write


def check_saves(acks: list[Ack]) -> SaveCheck:
    """Every acknowledged save must be in the database, or a newer acknowledged one."""
    from sqlalchemy import select

    from competition.extensions import db
    from competition.models import ScoreSheet

    result = SaveCheck(acknowledged=len(acks))
    by_assignment: dict[int, list[Ack]] = {}
    for a in acks:
        by_assignment.setdefault(a.assignment_id, []).append(a)
    rows = {
        r.assignment_id: r
        for r in db.session.execute(
            select(
                ScoreSheet.assignment_id, ScoreSheet.version, ScoreSheet.state, ScoreSheet.scores, ScoreSheet.comment
            ).where(ScoreSheet.assignment_id.in_(list(by_assignment)))
        )
    }
    result.sheets = len(by_assignment)
    for assignment_id, mine in by_assignment.items():
        at_version: dict[int, Ack] = {}
        for a in mine:
            other = at_version.setdefault(a.version, a)
            if other != a:
                result.overwritten.append(f"assignment {assignment_id} v{a.version}: {other} / {a}")
        last = max(mine, key=lambda a: a.version)
        row = rows.get(assignment_id)
        if row is None:
            result.lost.append(f"assignment {assignment_id}: no sheet, last acknowledged {last}")
            continue
        stored = ack(assignment_id, row.version, row.state, row.scores or {}, row.comment)
        if row.version < last.version:
            result.lost.append(f"assignment {assignment_id}: stored {stored}, acknowledged {last}")
        elif row.version > last.version:
            result.unacknowledged.append(
                f"assignment {assignment_id}: stored v{row.version}, last acknowledged v{last.version}"
            )
        elif stored != last:
            result.lost.append(f"assignment {assignment_id}: stored {stored}, acknowledged {last}")
    return result


def check_uploads(last_upload: dict[int, tuple[str, int] | None]) -> list[str]:
    """Each teacher's entry holds exactly the file of their last acknowledged upload (sha256,
    size), whose stored bytes hash to it; or nothing when the last acknowledged action was a
    deletion."""
    from sqlalchemy import select

    from competition.adapters.storage import get_storage
    from competition.extensions import db
    from competition.models import Attachment

    problems = []
    storage = get_storage()
    for entry_id, expected in last_upload.items():
        atts = db.session.scalars(select(Attachment).where(Attachment.entry_id == entry_id)).all()
        if expected is None:
            if atts:
                problems.append(f"entry {entry_id}: {len(atts)} file(s) left after an acknowledged deletion")
            continue
        sha, size = expected
        if len(atts) != 1:
            problems.append(f"entry {entry_id}: {len(atts)} files instead of one")
        match = [a for a in atts if a.sha256 == sha and a.size == size]
        if not match:
            problems.append(f"entry {entry_id}: last acknowledged upload {sha[:12]} not stored")
            continue
        digest = hashlib.sha256()
        with storage.open(match[0].storage_key) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha:
            problems.append(f"entry {entry_id}: stored bytes differ from the upload")
    return problems
