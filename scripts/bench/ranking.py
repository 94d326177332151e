"""Benchmark of the ranking engine and of storing the results (排名引擎与结果入库性能).

Run: ``.venv/bin/python scripts/bench/ranking.py`` (a province: 50,000 entries x 5 judges =
250,000 scores, 2,000 judges), or ``... ranking.py n_entries k n_judges`` for one other size.

Domain: every method on the 250,000 scores (best of 3), each with its ratio to a baseline
measured in the same run: the plain per-entry mean of the same scores with ``np.bincount``.
Target: the default method (calibrated) under 1.5 s.

Pipeline, per database (an SQLite file in a temporary directory, and PostgreSQL on
127.0.0.1:5432 when reachable, in a database the bench creates and drops;
``COMPETITION_BENCH_PG`` names the admin URL), for 50,000 and 250,000 scores: the scores are
bulk-inserted as final score sheets of a contest in judging, then the run prints two baselines
measured on the same data in the same run, a bare SELECT of the score rows and a bare
executemany insert of as many rows as there are results (the stored Result rows, copied into a
scratch table with one ``text()`` INSERT), the default method on the selected rows, and the
whole pipeline from the database to stored Result rows (``services.results.run_ranking`` and
the commit), each with its ratio to the bare SELECT and to the bare insert (target: < 3 s at
250,000 scores). Wall and CPU time (of this process) are both printed: on a shared machine the
CPU time shows what the code costs. Each size runs in its own process, which prints its peak
resident memory (``ru_maxrss``).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from competition.domain.ranking import METHODS, rank  # noqa: E402


def generate(n_entries: int = 10_000, k: int = 5, n_judges: int = 200, seed: int = 0) -> list[tuple[int, int, float]]:
    """Scores ``(entry_id, judge_id, score)``: k distinct judges per entry,
    judges with severity, spread and noise, a few wild scores; fixed seed."""
    rng = np.random.default_rng(seed)
    quality = rng.standard_normal(n_entries)
    severity = 5.0 * rng.standard_normal(n_judges)
    spread = np.exp(0.2 * rng.standard_normal(n_judges))
    noise = rng.uniform(2.0, 8.0, n_judges)
    # k distinct judges per entry: k different offsets into a random judge order.
    offsets = np.stack([rng.choice(n_judges, size=k, replace=False) for _ in range(n_entries)])
    entries = np.repeat(np.arange(n_entries), k)
    judges = offsets.ravel()
    x = 60 + 10 * spread[judges] * quality[entries] + severity[judges]
    x += noise[judges] * rng.standard_normal(x.size)
    wild = rng.random(x.size) < 0.01
    x[wild] = rng.uniform(0, 100, wild.sum())
    x = np.clip(np.round(x * 2) / 2, 0, 100)
    return list(zip(entries.tolist(), judges.tolist(), x.tolist(), strict=True))


def best_of(fn: Callable[[], object], repeat: int = 3, clock: Callable[[], float] = time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def wall_and_cpu(fn: Callable[[], object], repeat: int = 2) -> tuple[float, float]:
    """Best wall-clock and best CPU time (this process) of ``fn``: on a busy machine the CPU
    time shows what the code costs, the wall time what a user would wait."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


PROVINCE = (50_000, 5, 2_000)  # 250,000 scores
PIPELINE_SIZES = ((10_000, 5, 400), PROVINCE)  # 50,000 and 250,000 scores


def peak_rss_mb() -> float:
    """This process's peak resident memory (each size runs in a process of its own)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def domain(n_entries: int, k: int, n_judges: int) -> None:
    scores = generate(n_entries, k, n_judges, seed=0)
    e = np.fromiter((s[0] for s in scores), dtype=np.int64, count=len(scores))
    x = np.fromiter((s[2] for s in scores), dtype=float, count=len(scores))
    base = best_of(lambda: np.bincount(e, x) / np.bincount(e))
    print(f"ranking benchmark: {n_entries} entries x {k} judges = {len(scores)} scores, {n_judges} judges")
    print(f"  baseline numpy bincount mean : {base:8.4f} s   1.0x")
    for method in METHODS:
        t = best_of(lambda method=method: rank(scores, method))
        target = "   target < 1.5 s: " + ("ok" if t < 1.5 else "over") if method == "calibrated" else ""
        print(f"  rank(method={method!r:15}): {t:8.4f} s   {t / base:,.0f}x baseline{target}")
    print(f"  peak RSS of this process     : {peak_rss_mb():8.0f} MB")


# ------------------------------------------------------------- pipeline ----


def _fill(db, scores, n_judges: int):
    """Bulk-insert a contest in judging with the scores as final sheets; returns the contest."""
    from sqlalchemy import insert, select

    from competition.models import Assignment, District, Entry, School, ScoreSheet, User, utcnow
    from competition.services.contests import load_definition_text, save_definition

    text = (Path(__file__).resolve().parents[2] / "competition" / "contests" / "innovation.yaml").read_text("utf-8")
    contest = save_definition(load_definition_text(text))
    contest.state = "judging"
    contest.settings = {**contest.settings, "round_combination": {"mode": "last"}}
    db.session.flush()
    district = District(name="基准区")
    db.session.add(district)
    db.session.flush()
    db.session.execute(insert(School), [{"district_id": district.id, "name": f"基准学校{i}"} for i in range(50)])
    schools = db.session.scalars(select(School.id)).all()
    db.session.execute(
        insert(User),
        [
            {
                "username": f"bench-judge-{j}",
                "password_hash": "-",
                "name": f"评委{j}",
                "session_token": uuid.uuid4().hex,
            }
            for j in range(n_judges)
        ],
    )
    judges = db.session.scalars(select(User.id).order_by(User.id)).all()
    section = contest.sections[0]
    stages = section.stages
    n_entries = 1 + max(e for e, _, _ in scores)
    now = utcnow()
    db.session.execute(
        insert(Entry),
        [
            {
                "contest_id": contest.id,
                "section_id": section.id,
                "school_id": schools[i % len(schools)],
                "title": f"作品{i}",
                "stage": stages[i % len(stages)],
                "state": "accepted",
                "number": f"B-{i:05d}",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n_entries)
        ],
    )
    entries = db.session.scalars(select(Entry.id).where(Entry.contest_id == contest.id).order_by(Entry.id)).all()
    rnd = contest.rounds[0]
    db.session.execute(
        insert(Assignment),
        [
            {"round_id": rnd.id, "judge_id": judges[j], "entry_id": entries[e], "published": True, "created_at": now}
            for e, j, _ in scores
        ],
    )
    ids = dict(
        ((a, b), i)
        for i, a, b in db.session.execute(
            select(Assignment.id, Assignment.entry_id, Assignment.judge_id).where(Assignment.round_id == rnd.id)
        )
    )
    db.session.execute(
        insert(ScoreSheet),
        [
            {
                "assignment_id": ids[(entries[e], judges[j])],
                "state": "final",
                "total": x,
                "scores": {},
                "version": 1,
                "updated_at": now,
                "submitted_at": now,
            }
            for e, j, x in scores
        ],
    )
    db.session.commit()
    return contest


def _bare_insert(db, contest_id: int) -> tuple[float, float]:
    """Wall and CPU time of one executemany INSERT of the stored Result rows (as they are, JSON as
    text) into a scratch table: the floor of storing that many rows through this driver."""
    from sqlalchemy import text

    from competition.models import Result

    db.session.execute(text("CREATE TABLE bench_result_copy AS SELECT * FROM result WHERE 1 = 0"))
    names = [c.name for c in Result.__table__.columns if c.name != "explanation"]
    rows = [
        dict(r._mapping)
        for r in db.session.execute(
            text(
                f"SELECT {', '.join(names)}, CAST(explanation AS TEXT) AS explanation FROM result WHERE contest_id = :c"
            ),
            {"c": contest_id},
        )
    ]
    json_value = "CAST(:explanation AS JSON)" if db.engine.dialect.name == "postgresql" else ":explanation"
    insert = text(
        f"INSERT INTO bench_result_copy ({', '.join(names)}, explanation) "
        f"VALUES ({', '.join(':' + n for n in names)}, {json_value})"
    )
    db.session.commit()

    def once() -> None:
        db.session.execute(text("DELETE FROM bench_result_copy"))
        db.session.commit()
        w, c = time.perf_counter(), time.process_time()
        db.session.execute(insert, rows)
        db.session.commit()
        times.append((time.perf_counter() - w, time.process_time() - c))

    times: list[tuple[float, float]] = []
    once()
    once()
    return min(t[0] for t in times), min(t[1] for t in times)


def _pipeline(label: str, url: str, n_entries: int, k: int, n_judges: int) -> None:
    from competition import create_app
    from competition.extensions import db
    from competition.models import Result
    from competition.services import results as service

    scores = generate(n_entries, k, n_judges, seed=0)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ranking-"))
    os.environ["COMPETITION_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(tmp / "uploads"),
            "EXPORT_FOLDER": str(tmp / "exports"),
        }
    )
    with app.app_context():
        db.create_all()
        t = time.perf_counter()
        contest = _fill(db, scores, n_judges)
        fill = time.perf_counter() - t
        select_t, select_c = wall_and_cpu(lambda: service.score_rows(contest), repeat=3)
        rows = service.score_rows(contest)
        records = [(e, j, float(x)) for _, e, j, x in rows]
        rank_t, rank_c = wall_and_cpu(lambda: rank(records, "calibrated"))

        def whole():
            service.run_ranking(contest, actor=None, method="calibrated")
            db.session.commit()

        pipe_t, pipe_c = wall_and_cpu(whole)
        stored = db.session.query(Result).filter_by(contest_id=contest.id).count()
        insert_t, insert_c = _bare_insert(db, contest.id)
        print(f"\n  {label}: {len(rows)} score rows, {stored} Result rows stored (bulk insert {fill:.1f} s)")
        print("                                           wall               CPU of this process")
        print(f"    baseline: bare SELECT of the scores : {select_t:7.3f} s  1.0x        {select_c:7.3f} s  1.0x")
        print(
            f"    baseline: bare executemany insert   : {insert_t:7.3f} s  {insert_t / select_t:4.1f}x        "
            f"{insert_c:7.3f} s {insert_c / select_c:4.1f}x   ({stored} rows as stored)"
        )
        print(
            f"    default method (calibrated)          : {rank_t:7.3f} s {rank_t / select_t:4.1f}x        "
            f"{rank_c:7.3f} s {rank_c / select_c:4.1f}x"
        )
        verdict = "wall " + ("ok" if pipe_t < 3 else "over") + ", CPU " + ("ok" if pipe_c < 3 else "over")
        print(
            f"    pipeline DB -> stored Results        : {pipe_t:7.3f} s {pipe_t / select_t:4.1f}x "
            f"{pipe_t / insert_t:5.1f}x ins  {pipe_c:7.3f} s {pipe_c / select_c:4.1f}x {pipe_c / insert_c:5.1f}x ins"
            + (f"   target < 3 s: {verdict}" if len(rows) >= 250_000 else "")
        )
        print(f"    peak RSS of this process             : {peak_rss_mb():7.0f} MB")
        db.session.remove()
        db.engine.dispose()


def _postgres_database():
    """(admin URL, new database name) or None when PostgreSQL is not reachable."""
    admin = os.environ.get("COMPETITION_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional here
        print(f"\n  PostgreSQL: skipped ({exc.__class__.__name__}: not reachable)")
        return None
    name = f"competition_bench_{uuid.uuid4().hex[:8]}"
    with conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return admin, name


def one_pipeline(label: str, n_entries: int, k: int, n_judges: int) -> None:
    """One size on one database, in this process (a fresh database, dropped afterwards)."""
    if label == "SQLite":
        tmp = Path(tempfile.mkdtemp(prefix="bench-ranking-db-"))
        _pipeline(label, f"sqlite:///{tmp / 'bench.db'}", n_entries, k, n_judges)
        return
    found = _postgres_database()
    if found is None:
        return
    admin, name = found
    import psycopg

    try:
        _pipeline(label, f"{admin.rsplit('/', 1)[0]}/{name}", n_entries, k, n_judges)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _child(*args: object) -> None:
    """Run one part in a fresh process, so that its peak memory is its own."""
    subprocess.run([sys.executable, __file__, *map(str, args)], check=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--domain"]:
        domain(*(int(a) for a in args[1:4]))
    elif args[:1] == ["--pipeline"]:
        one_pipeline(args[1], *(int(a) for a in args[2:5]))
    else:
        sizes = [tuple(int(a) for a in args[:3])] if args else list(PIPELINE_SIZES)
        _child("--domain", *(sizes[-1] if args else PROVINCE))
        print("pipeline benchmark (database to stored results):")
        for db_label in ("SQLite", "PostgreSQL"):
            for size in sizes:
                _child("--pipeline", db_label, *size)
