"""Fixed-seed competition simulator with known true quality (模拟评审).

Used by the ranking simulation tests: judges with different severity
(harsh / lenient), spread and noise, occasional wild outlier scores, missing
scores, balanced or clustered (panel) assignments that stay connected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Scenario:
    n_entries: int = 200
    k: int = 4  # judges per entry
    n_judges: int = 20
    severity_sd: float = 0.0  # points, per judge
    spread_sd: float = 0.0  # sd of log spread
    noise: tuple[float, float] = (4.0, 4.0)  # per-judge noise sd, uniform in range
    outlier_rate: float = 0.0
    missing_rate: float = 0.0
    assignment: str = "balanced"  # or "clustered"
    panel_size: int = 6
    link_rate: float = 0.15  # clustered: share of entries with one judge from another panel
    panel_quality_sd: float = 0.0  # clustered: stronger / weaker panels
    panel_severity_sd: float = 0.0  # clustered: harsher / more lenient panels


@dataclass
class Competition:
    scores: list[tuple[int, int, float]]
    quality: np.ndarray  # true quality per entry id 0..n-1
    severity: np.ndarray
    spread: np.ndarray
    noise: np.ndarray
    judges_of: list[list[int]] = field(default_factory=list)
    rng: np.random.Generator | None = None

    def true_top(self, share: float = 0.10) -> set[int]:
        m = top_count(len(self.quality), share)
        return set(np.argsort(-self.quality, kind="stable")[:m].tolist())

    def draw(self, entry: int, judge: int) -> float:
        """One more score for ``entry`` by ``judge`` (same model, same rng stream)."""
        return _score(self.rng, self.quality[entry], self.severity[judge], self.spread[judge], self.noise[judge], 0.0)


def top_count(n: int, share: float) -> int:
    return max(1, math.floor(n * share + 0.5))


def _score(rng, q, sev, spread, noise, outlier_rate) -> float:
    if outlier_rate and rng.random() < outlier_rate:
        return float(rng.choice([rng.uniform(0, 25), rng.uniform(95, 100)]))
    x = 60.0 + 10.0 * spread * q + sev + noise * rng.standard_normal()
    return float(np.clip(np.round(x * 2) / 2, 0.0, 100.0))  # half points, as on paper forms


def simulate(s: Scenario, seed: int) -> Competition:
    rng = np.random.default_rng(seed)
    n, nj = s.n_entries, s.n_judges
    quality = rng.standard_normal(n)
    severity = s.severity_sd * rng.standard_normal(nj)
    spread = np.exp(s.spread_sd * rng.standard_normal(nj))
    noise = rng.uniform(s.noise[0], s.noise[1], nj)
    judges_of: list[list[int]] = []
    if s.assignment == "balanced":
        for _ in range(n):
            judges_of.append(rng.choice(nj, size=s.k, replace=False).tolist())
    elif s.assignment == "clustered":
        n_panels = max(1, nj // s.panel_size)
        panel_of_judge = np.arange(nj) % n_panels
        panels = [np.flatnonzero(panel_of_judge == p) for p in range(n_panels)]
        severity = severity + (s.panel_severity_sd * rng.standard_normal(n_panels))[panel_of_judge]
        panel_quality = s.panel_quality_sd * rng.standard_normal(n_panels)
        for i in range(n):
            p = i % n_panels
            quality[i] += panel_quality[p]
            chosen = rng.choice(panels[p], size=min(s.k, panels[p].size), replace=False).tolist()
            if n_panels > 1 and (rng.random() < s.link_rate or i < n_panels):
                # Cross-panel link keeps the graph connected (every panel gets one early).
                other = panels[(p + 1 + rng.integers(n_panels - 1)) % n_panels]
                chosen[-1] = int(rng.choice(other))
            judges_of.append(chosen)
    else:
        raise ValueError(s.assignment)
    scores = []
    for i, js in enumerate(judges_of):
        kept = [jj for jj in js if rng.random() >= s.missing_rate] or js[:1]
        judges_of[i] = kept
        for jj in kept:
            scores.append((i, jj, _score(rng, quality[i], severity[jj], spread[jj], noise[jj], s.outlier_rate)))
    return Competition(scores, quality, severity, spread, noise, judges_of, rng)


def top_precision(ranked_ids: list, truth: set) -> float:
    """Share of the true top set found in the same number of top-ranked entries."""
    m = len(truth)
    return len(set(ranked_ids[:m]) & truth) / m
