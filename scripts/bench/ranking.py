"""Benchmark of the ranking engine (排名引擎性能).

Run: ``.venv/bin/python scripts/bench/ranking.py [n_entries k n_judges]``.
Generates 10,000 entries x 5 judges (about 200 judges), times every method
(best of 3) and prints seconds and the ratio to a baseline measured in the
same run: the plain per-entry mean of the same scores with ``np.bincount``.
``generate`` is importable for other benchmarks (e.g. DB to stored results).
"""
from __future__ import annotations

import sys
import time
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
    return list(zip(entries.tolist(), judges.tolist(), x.tolist()))


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str]) -> None:
    n_entries, k, n_judges = (int(a) for a in (argv + ["10000", "5", "200"][len(argv):])[:3])
    scores = generate(n_entries, k, n_judges, seed=0)
    e = np.fromiter((s[0] for s in scores), dtype=np.int64, count=len(scores))
    x = np.fromiter((s[2] for s in scores), dtype=float, count=len(scores))
    base = best_of(lambda: np.bincount(e, x) / np.bincount(e))
    print(f"ranking benchmark: {n_entries} entries x {k} judges = {len(scores)} scores, {n_judges} judges")
    print(f"  baseline numpy bincount mean : {base:8.4f} s   1.0x")
    for method in METHODS:
        t = best_of(lambda: rank(scores, method))
        print(f"  rank(method={method!r:15}): {t:8.4f} s   {t / base:,.0f}x baseline")


if __name__ == "__main__":
    main(sys.argv[1:])
