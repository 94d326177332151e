"""Benchmark of the ranking engine (排名引擎性能).

Run: ``.venv/bin/python scripts/bench/ranking.py [n_entries k n_judges]``.
Generates 10,000 entries x 5 judges (about 200 judges), times every method
(best of 3) and prints seconds and the ratio to a baseline measured in the
same run: the plain per-entry mean of the same scores with ``np.bincount``.

Then the pipeline, per database (an SQLite file in a temporary directory, and
PostgreSQL on 127.0.0.1:5432 when reachable; ``COMPETITION_BENCH_PG`` names
the admin URL): the same scores are bulk-inserted as final score sheets of a
contest in judging, and the run prints a bare SELECT of the score rows, the
default method on the selected rows, and the whole pipeline from the
database to stored Result rows (``services.results.run_ranking`` and the
commit), each with its ratio to the bare SELECT (target: pipeline < 3 s).
"""

from __future__ import annotations

import os
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


def main(argv: list[str]) -> None:
    n_entries, k, n_judges = (int(a) for a in (argv + ["10000", "5", "200"][len(argv) :])[:3])
    scores = generate(n_entries, k, n_judges, seed=0)
    e = np.fromiter((s[0] for s in scores), dtype=np.int64, count=len(scores))
    x = np.fromiter((s[2] for s in scores), dtype=float, count=len(scores))
    base = best_of(lambda: np.bincount(e, x) / np.bincount(e))
    print(f"ranking benchmark: {n_entries} entries x {k} judges = {len(scores)} scores, {n_judges} judges")
    print(f"  baseline numpy bincount mean : {base:8.4f} s   1.0x")
    for method in METHODS:
        t = best_of(lambda method=method: rank(scores, method))
        print(f"  rank(method={method!r:15}): {t:8.4f} s   {t / base:,.0f}x baseline")


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


def _pipeline(label: str, url: str, scores, n_judges: int) -> None:
    from competition import create_app
    from competition.extensions import db
    from competition.models import Result
    from competition.services import results as service

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
        print(f"\n  {label}: {len(rows)} score rows, {stored} Result rows stored (bulk insert {fill:.1f} s)")
        print("                                           wall          CPU of this process")
        print(f"    bare SELECT of the score rows       : {select_t:7.3f} s  1.0x   {select_c:7.3f} s  1.0x")
        print(
            f"    default method (calibrated)          : {rank_t:7.3f} s {rank_t / select_t:4.1f}x   "
            f"{rank_c:7.3f} s {rank_c / select_c:4.1f}x"
        )
        verdict = (
            "wall " + ("ok" if pipe_t < 3 else "over (a busy machine?)") + ", CPU " + ("ok" if pipe_c < 3 else "over")
        )
        print(
            f"    pipeline DB -> stored Results        : {pipe_t:7.3f} s {pipe_t / select_t:4.1f}x   "
            f"{pipe_c:7.3f} s {pipe_c / select_c:4.1f}x   target < 3 s: {verdict}"
        )
        db.session.remove()
        db.engine.dispose()


def pipelines(scores, n_judges: int) -> None:
    print("pipeline benchmark (database to stored results):")
    tmp = Path(tempfile.mkdtemp(prefix="bench-ranking-db-"))
    _pipeline("SQLite", f"sqlite:///{tmp / 'bench.db'}", scores, n_judges)
    admin = os.environ.get("COMPETITION_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional here
        print(f"\n  PostgreSQL: skipped ({exc.__class__.__name__}: not reachable)")
        return
    name = f"competition_bench_{uuid.uuid4().hex[:8]}"
    with conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        _pipeline("PostgreSQL", f"{admin.rsplit('/', 1)[0]}/{name}", scores, n_judges)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main(sys.argv[1:])
    args = sys.argv[1:]
    n_e, k_, n_j = (int(a) for a in (args + ["10000", "5", "200"][len(args) :])[:3])
    pipelines(generate(n_e, k_, n_j, seed=0), n_j)
