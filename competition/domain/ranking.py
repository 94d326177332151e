"""Ranking engine (排名引擎): aggregates judges' scores into a ranked list.

Pure module: no Flask, no database. Input is an iterable of score records
(``entry_id``, ``judge_id``, ``score`` on 0-100, or plain tuples in that
order); output is a :class:`RankingOutcome` with one :class:`EntryResult`
per entry, best first.

Methods (``method=``):

``mean``
    Plain average of the entry's scores (算术平均).
``trimmed_mean``
    Drop one highest and one lowest score (去掉一个最高分和一个最低分) when the
    entry has at least ``trim_min_judges`` scores (default 5); otherwise the
    plain mean.
``zscore``
    Standardise each judge's scores (per-judge mean 0, sd 1), average per
    entry and map back to 0-100 with the overall mean and sd of the raw
    scores, clipped to [0, 100].
``calibrated`` (default, 评委偏差校准)
    A judge-effects model fitted jointly over the whole judge-entry graph::

        score[e, j] = M + S * (a[j] + b[j] * q[e] + noise[j])

    with entry quality ``q``, judge severity ``a`` (offset) and spread ``b``
    (scale), per-judge noise variance.  Fitted by alternating weighted
    least squares (vectorised with ``np.bincount``) with Huber weights against
    wild outliers, noisy judges weighted down by their residual variance and
    ridge / empirical-Bayes shrinkage of entries and judges with few scores
    (cf. Ge, Welling & Ghahramani, "A Bayesian model for calibrating reviewer
    scores"; Linacre's many-facet Rasch model; least-squares calibration as in
    Tan et al., NeurIPS 2021).  The offset prior shrinks a judge's offset
    toward that judge's own mean score (i.e. "the entries a judge saw are of
    average quality"), so adding a constant to all of one judge's scores
    leaves the ranking exactly unchanged.

Conventions that callers rely on:

* **Connected components (连通分量).** Scores can only be compared through
  shared judges.  The judge-entry graph is split into connected components,
  numbered 0, 1, ... by size (largest first, then by the smallest entry id).
  Every result carries its ``component`` and **``rank`` is the rank within
  that component**; results are ordered by component, then best first.  When
  the graph is connected (the normal case) there is one component and the
  ranks are the usual ones.  Nothing compares entries across components.
* **Ties (并列).** Aggregated scores are rounded to ``ROUND_DECIMALS``
  decimals; equal rounded scores get the same competition rank ("1, 2, 2, 4")
  and are listed in a stable order by entry id.  Breaking ties is the job of
  :mod:`competition.domain.awards`.
* **Determinism.** No randomness; records are put into a canonical order
  first, so the result does not depend on the input order.
* ``uncertainty`` is a standard error on the 0-100 scale.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from .bulk import min_labels, paused_gc
from .text import N_, Message

__all__ = [
    "METHODS",
    "METHOD_LABELS",
    "ROUND_DECIMALS",
    "EntryResult",
    "JudgeAdjustment",
    "JudgeEffect",
    "RankingOutcome",
    "ScoreRecord",
    "combine_rounds",
    "rank",
]

METHODS = ("mean", "trimmed_mean", "zscore", "calibrated")
# The one name of each method, on every page that shows it (contest settings, results, CLI help).
METHOD_LABELS = {
    "calibrated": N_("Calibrated for judge severity (default)"),
    "trimmed_mean": N_("Trimmed mean (drop highest and lowest)"),
    "mean": N_("Plain mean"),
    "zscore": N_("Standardised per judge (z-score)"),
}
ROUND_DECIMALS = 4
# A judge whose offset is beyond this many points is named in explanations.
NOTABLE_OFFSET = 1.0
TENDENCY_LABELS = {"lenient": N_("lenient"), "harsh": N_("harsh"), "typical": N_("typical")}


@dataclass(frozen=True)
class ScoreRecord:
    """One judge's weighted total for one entry (评分记录), 0-100."""

    entry_id: Hashable
    judge_id: Hashable
    score: float


class JudgeAdjustment(NamedTuple):
    """How one judge's score entered an entry's result (per-score explanation).

    ``adjusted`` is what the score means on the common scale once the judge's
    severity and spread are taken out; ``offset`` = adjusted - raw (what the
    model added), ``scale`` the factor applied to the judge's deviations,
    ``weight`` the share of this score in the entry's result (0 for a score
    dropped by the trimmed mean) and ``robust_weight`` the outlier weight
    (1 = normal, small = treated as a wild score; 异常分).
    """

    judge_id: Hashable
    raw: float
    adjusted: float
    offset: float
    scale: float
    weight: float
    robust_weight: float


@dataclass(frozen=True)
class JudgeEffect:
    """Estimated habits of one judge (评委尺度).

    ``severity``: points this judge adds to an average entry compared with
    the average judge (positive = lenient 偏宽, negative = harsh 偏严).
    ``spread``: how widely the judge spreads scores relative to the average
    judge (1 = same).  ``noise``: residual standard deviation in points.
    For the descriptive methods (mean, trimmed_mean, zscore) these are
    descriptive statistics, not used in the aggregation except by zscore.
    """

    judge_id: Hashable
    severity: float
    spread: float
    noise: float
    n_scores: int

    @property
    def tendency(self) -> str:
        """``lenient`` (偏宽), ``harsh`` (偏严) or ``typical`` (适中)."""
        if self.severity > NOTABLE_OFFSET:
            return "lenient"
        if self.severity < -NOTABLE_OFFSET:
            return "harsh"
        return "typical"

    @property
    def tendency_label(self) -> Message:
        return Message(TENDENCY_LABELS[self.tendency])


@dataclass(frozen=True)
class EntryResult:
    """Aggregated result of one entry (作品得分与排名)."""

    entry_id: Hashable
    score: float
    rank: int
    raw_scores: tuple[tuple[Hashable, float], ...]
    raw_mean: float
    trimmed_mean: float
    n_judges: int
    uncertainty: float
    component: int
    adjustments: tuple[JudgeAdjustment, ...]
    method: str = "calibrated"

    @property
    def raw_sum(self) -> float:
        """Sum of all raw scores (总分; the traditional tie-break)."""
        return float(sum(s for _, s in self.raw_scores))

    @property
    def explanation(self) -> tuple[Message, ...]:
        """Plain-language explanation for the UI, as translatable parts."""
        parts = [Message(N_("raw mean %(raw_mean).2f (%(n)d judges)"), {"raw_mean": self.raw_mean, "n": self.n_judges})]
        if self.method == "mean":
            parts.append(Message(N_("the score is the mean, %(score).2f"), {"score": self.score}))
        elif self.method == "trimmed_mean":
            if self.n_judges and any(a.weight == 0 for a in self.adjustments):
                parts.append(
                    Message(N_("highest and lowest score dropped, mean of the rest %(score).2f"), {"score": self.score})
                )
            else:
                parts.append(
                    Message(
                        N_("too few judges to drop the highest and lowest score, score %(score).2f"),
                        {"score": self.score},
                    )
                )
        else:
            label = (
                N_("standardised score %(score).2f (±%(se).2f)")
                if self.method == "zscore"
                else N_("calibrated score %(score).2f (±%(se).2f)")
            )
            parts.append(Message(label, {"score": self.score, "se": self.uncertainty}))
            notable = sorted(
                (a for a in self.adjustments if abs(a.offset) >= NOTABLE_OFFSET),
                key=lambda a: -abs(a.offset),
            )
            for a in notable[:3]:
                kind = (
                    N_("judge %(judge)s scores harshly: raised by %(points).1f points")
                    if a.offset > 0
                    else N_("judge %(judge)s scores leniently: lowered by %(points).1f points")
                )
                parts.append(Message(kind, {"judge": a.judge_id, "points": abs(a.offset)}))
            for a in self.adjustments:
                if a.robust_weight < 0.5:
                    parts.append(
                        Message(
                            N_("judge %(judge)s's score %(raw)g is far from the others and counts less"),
                            {"judge": a.judge_id, "raw": a.raw},
                        )
                    )
        parts.append(Message(N_("rank %(rank)d"), {"rank": self.rank}))
        return tuple(parts)


@dataclass(frozen=True)
class RankingOutcome:
    """Everything :func:`rank` found: results best first, judges, components."""

    method: str
    results: list[EntryResult]
    judges: list[JudgeEffect]
    components: list[frozenset[Hashable]]
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_connected(self) -> bool:
        """True when every entry can be compared with every other (one component)."""
        return len(self.components) <= 1

    def __iter__(self) -> Iterator[EntryResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def by_entry(self) -> dict[Hashable, EntryResult]:
        return {r.entry_id: r for r in self.results}

    def judge(self, judge_id: Hashable) -> JudgeEffect:
        for j in self.judges:
            if j.judge_id == judge_id:
                return j
        raise KeyError(judge_id)


# ---------------------------------------------------------------- input ----


def _sort_key(value: Hashable) -> tuple[str, Any]:
    # Canonical order for ids of mixed types (ints and strings): by type then value.
    return (type(value).__name__, value)


def _canonical(ids: Iterable[Hashable]) -> list[Hashable]:
    unique = set(ids)
    try:
        return sorted(unique, key=_sort_key)
    except TypeError:  # unorderable ids of one type: fall back to repr
        return sorted(unique, key=lambda v: (type(v).__name__, repr(v)))


@dataclass
class _Data:
    """Scores as arrays in canonical order (by entry, judge, score)."""

    entry_ids: list[Hashable]
    judge_ids: list[Hashable]
    e: np.ndarray
    j: np.ndarray
    x: np.ndarray

    @property
    def n_entries(self) -> int:
        return len(self.entry_ids)

    @property
    def n_judges(self) -> int:
        return len(self.judge_ids)


def _columns(scores: Iterable[Any]) -> tuple[list[Hashable], list[Hashable], list[float]]:
    """Entry ids, judge ids and scores as three lists (plain 3-tuples in one ``zip``)."""
    records = scores if isinstance(scores, list) else list(scores)
    if records and all(type(rec) is tuple and len(rec) == 3 for rec in records):
        return [r[0] for r in records], [r[1] for r in records], [r[2] for r in records]
    ents: list[Hashable] = []
    juds: list[Hashable] = []
    vals: list[float] = []
    for rec in records:
        if isinstance(rec, tuple) and not hasattr(rec, "entry_id"):
            ent, jud, val = rec
        else:
            ent, jud, val = rec.entry_id, rec.judge_id, rec.score
        ents.append(ent)
        juds.append(jud)
        vals.append(val)
    return ents, juds, vals


def _indexed(ids: list[Hashable]) -> tuple[list[Hashable], np.ndarray]:
    """The distinct ids in canonical order and each id's index in that order."""
    if all(type(v) is int for v in ids):  # row ids: numpy sorts them as _canonical would
        try:
            arr = np.fromiter(ids, dtype=np.int64, count=len(ids))
        except OverflowError:  # beyond 64 bits: the general way below
            pass
        else:
            uniq, inverse = np.unique(arr, return_inverse=True)
            return uniq.tolist(), inverse.astype(np.int64, copy=False).ravel()
    canonical = _canonical(ids)
    index = {v: i for i, v in enumerate(canonical)}
    return canonical, np.fromiter((index[v] for v in ids), dtype=np.int64, count=len(ids))


def _canonical_order(e: np.ndarray, j: np.ndarray, x: np.ndarray, n_judges: int) -> np.ndarray:
    """The order by entry, judge, score (stable), so that input order never matters: one
    integer sort when no judge scored an entry twice (then it is the only such order)."""
    key = e * max(n_judges, 1) + j
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    if sorted_key.size < 2 or bool(np.all(sorted_key[1:] != sorted_key[:-1])):
        return order
    return np.lexsort((x, j, e))


def _prepare(scores: Iterable[Any]) -> _Data:
    ents, juds, vals = _columns(scores)
    x = np.asarray(vals, dtype=float)
    if x.size and not np.all(np.isfinite(x)):
        raise ValueError("scores must be finite numbers")
    if x.size and (x.min() < 0 or x.max() > 100):
        raise ValueError("scores must lie on the 0-100 scale")
    entry_ids, e = _indexed(ents)
    judge_ids, j = _indexed(juds)
    order = _canonical_order(e, j, x, len(judge_ids))
    return _Data(entry_ids, judge_ids, e[order], j[order], x[order])


# ----------------------------------------------------------- components ----


def _components(d: _Data) -> np.ndarray:
    """Component label per entry; 0 = largest, ties by smallest entry index."""
    roots = min_labels(d.e, d.j, d.n_entries, d.n_judges)
    uniq, inverse, counts = np.unique(roots, return_inverse=True, return_counts=True)
    # uniq is ascending, i.e. by smallest member; sort by size desc, stable.
    order = np.argsort(-counts, kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(order.size)
    return relabel[inverse]


# ------------------------------------------------------------- methods ----


@dataclass
class _Fit:
    """What a method computes, per entry and per score (canonical order)."""

    score: np.ndarray  # per entry, 0-100
    se: np.ndarray  # per entry
    adjusted: np.ndarray  # per score
    scale: np.ndarray  # per score
    weight: np.ndarray  # per score, share in entry result
    robust: np.ndarray  # per score, outlier weight
    severity: np.ndarray | None = None  # per judge (model methods only)
    spread: np.ndarray | None = None
    noise: np.ndarray | None = None


def _segments(e: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(e, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return counts, starts


def _mean_se(adjusted: np.ndarray, weight: np.ndarray, e: np.ndarray, n: int) -> np.ndarray:
    """Standard error of a (weighted) mean, per-entry sd shrunk toward the pooled sd."""
    counts = np.bincount(e, minlength=n).astype(float)
    eff_n = np.bincount(e, weight > 0, minlength=n).astype(float)
    mean = np.bincount(e, adjusted * (weight > 0), minlength=n) / np.maximum(eff_n, 1)
    ss = np.bincount(e, (weight > 0) * (adjusted - mean[e]) ** 2, minlength=n)
    df = np.maximum(eff_n - 1, 0)
    pooled = np.sqrt(ss.sum() / df.sum()) if df.sum() > 0 else 0.0
    prior_df = 2.0  # empirical-Bayes: few scores -> lean on the pooled sd
    var = (ss + prior_df * pooled**2) / (df + prior_df)
    se = np.sqrt(var / np.maximum(eff_n, 1))
    return np.where(counts > 0, se, np.nan)


def _fit_mean(d: _Data, **_: Any) -> _Fit:
    n = d.n_entries
    counts = np.bincount(d.e, minlength=n).astype(float)
    score = np.bincount(d.e, d.x, minlength=n) / counts
    ones = np.ones_like(d.x)
    weight = 1.0 / counts[d.e]
    return _Fit(score, _mean_se(d.x, weight, d.e, n), d.x.copy(), ones, weight, ones)


def _trim_weights(d: _Data, trim_min_judges: int) -> np.ndarray:
    """Per-score weight of the trimmed mean; 0 for the dropped high and low."""
    n = d.n_entries
    order = np.lexsort((d.j, d.x, d.e))  # by entry, then score
    counts, starts = _segments(d.e, n)
    keep = np.ones(d.x.size, dtype=bool)
    trimmed = counts >= trim_min_judges
    keep[order[starts[trimmed]]] = False  # lowest
    keep[order[starts[trimmed] + counts[trimmed] - 1]] = False  # highest
    kept = np.bincount(d.e, keep, minlength=n).astype(float)
    weights: np.ndarray = keep / kept[d.e]
    return weights


def _fit_trimmed(d: _Data, trim_min_judges: int = 5, **_: Any) -> _Fit:
    if trim_min_judges < 3:
        raise ValueError("trim_min_judges must be at least 3")
    weight = _trim_weights(d, trim_min_judges)
    score = np.bincount(d.e, weight * d.x, minlength=d.n_entries)
    ones = np.ones_like(d.x)
    return _Fit(score, _mean_se(d.x, weight, d.e, d.n_entries), d.x.copy(), ones, weight, ones)


def _judge_moments(d: _Data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nj = np.bincount(d.j, minlength=d.n_judges).astype(float)
    mean = np.bincount(d.j, d.x, minlength=d.n_judges) / np.maximum(nj, 1)
    var = np.bincount(d.j, (d.x - mean[d.j]) ** 2, minlength=d.n_judges) / np.maximum(nj, 1)
    return nj, mean, np.sqrt(var)


def _fit_zscore(d: _Data, **_: Any) -> _Fit:
    n = d.n_entries
    _nj, jmean, jsd = _judge_moments(d)
    ok = jsd > 1e-9
    # A judge with a single score or constant scores carries no ranking information.
    z = np.where(ok[d.j], (d.x - jmean[d.j]) / np.where(ok, jsd, 1.0)[d.j], 0.0)
    overall_mean, overall_sd = float(d.x.mean()), float(d.x.std())
    adjusted = overall_mean + overall_sd * z
    counts = np.bincount(d.e, minlength=n).astype(float)
    score = np.clip(np.bincount(d.e, adjusted, minlength=n) / counts, 0.0, 100.0)
    scale = np.where(ok, overall_sd / np.where(ok, jsd, 1.0), 0.0)[d.j]
    weight = 1.0 / counts[d.e]
    return _Fit(score, _mean_se(adjusted, weight, d.e, n), adjusted, scale, weight, np.ones_like(d.x))


def _fit_calibrated(
    d: _Data,
    *,
    max_iter: int = 100,
    tol: float = 1e-7,
    huber_k: float = 2.0,
    prior_offset: float = 2.0,
    prior_spread: float = 20.0,
    prior_noise: float = 20.0,
    min_spread: float = 0.2,
    **_: Any,
) -> _Fit:
    """Alternating weighted least squares for ``z = a[j] + b[j] q[e] + noise``.

    ``prior_offset`` / ``prior_spread`` / ``prior_noise`` are prior strengths
    in equivalent scores: a judge with few scores keeps an offset near their
    own mean, a spread near 1 and a noise near the pooled noise.
    """
    n_e, n_j = d.n_entries, d.n_judges
    e, j, x = d.e, d.j, d.x
    nj, jmean, _jsd = _judge_moments(d)
    # Scale units: overall mean M and the pooled within-judge sd S.  S is
    # unchanged by shifting one judge, which keeps the fit shift-invariant.
    big_m = float(x.mean())
    big_s = float(np.sqrt(np.sum((x - jmean[j]) ** 2) / x.size))
    if big_s < 1e-9:
        big_s = 1.0
    z = (x - big_m) / big_s
    zbar = (jmean - big_m) / big_s  # per judge

    a = zbar.copy()
    b = np.ones(n_j)
    sigma2 = np.ones(n_j)
    h = np.ones_like(z)
    tau2 = 1.0  # prior variance of entry quality, re-estimated (empirical Bayes)
    q = np.zeros(n_e)
    # Per-score work arrays, filled in place each iteration (out=): the same floats as the
    # formulas in the comments, without allocating eleven arrays of every score per iteration.
    # np.take(..., mode="clip") gathers x[j] (the indices are always valid) without a buffer.
    w, bj, wb, wbb, qe, hq, lev, r, u, tmp = (np.empty_like(z) for _ in range(10))
    for _it in range(max_iter):
        # Entry step: precision-weighted mean of (z - a) / b, shrunk toward 0.
        np.divide(h, np.take(sigma2, j, out=w, mode="clip"), out=w)  # w = h / sigma2[j]
        np.take(b, j, out=bj, mode="clip")  # bj = b[j]
        np.multiply(w, bj, out=wb)
        np.multiply(wb, bj, out=wbb)  # w * bj * bj
        den = np.bincount(e, wbb, minlength=n_e) + 1.0 / tau2
        np.subtract(z, np.take(a, j, out=tmp, mode="clip"), out=tmp)
        q_new = np.bincount(e, np.multiply(wb, tmp, out=tmp), minlength=n_e) / den  # w*bj*(z - a[j])
        tau2 = max(float(np.mean(q_new**2 + 1.0 / den)), 1e-6)
        # Judge step: 2x2 ridge regression of z on q per judge (Huber weights).
        np.take(q_new, e, out=qe, mode="clip")
        np.multiply(h, qe, out=hq)
        h_j = np.bincount(j, h, minlength=n_j)
        s_w = h_j + prior_offset
        s_q = np.bincount(j, hq, minlength=n_j)
        s_qq = np.bincount(j, np.multiply(hq, qe, out=tmp), minlength=n_j) + prior_spread  # h*qe*qe
        s_z = np.bincount(j, np.multiply(h, z, out=tmp), minlength=n_j) + prior_offset * zbar
        s_qz = np.bincount(j, np.multiply(hq, z, out=tmp), minlength=n_j) + prior_spread  # h*qe*z
        det = s_w * s_qq - s_q * s_q
        a = (s_qq * s_z - s_q * s_qz) / det
        b = np.maximum((s_w * s_qz - s_q * s_z) / det, min_spread)
        a = (s_z - s_q * b) / s_w  # consistent with the clipped spread
        # Noise step: per-judge residual variance shrunk toward the pooled one.
        # Residuals are divided by sqrt(1 - leverage): an entry's estimate
        # absorbs part of each of its scores, more so with few judges.
        np.take(den, e, out=lev, mode="clip")
        np.minimum(np.divide(wbb, lev, out=lev), 0.95, out=lev)  # lev = min(w*bj*bj / den[e], 0.95)
        np.subtract(z, np.take(a, j, out=r, mode="clip"), out=r)
        np.subtract(r, np.multiply(np.take(b, j, out=tmp, mode="clip"), qe, out=tmp), out=r)
        np.divide(r, np.sqrt(np.subtract(1.0, lev, out=lev), out=lev), out=r)  # (z-a[j]-b[j]*qe)/sqrt(1-lev)
        hrr = np.multiply(np.multiply(h, r, out=tmp), r, out=tmp)  # h * r * r
        pooled = float(np.sum(hrr) / np.sum(h))
        sigma2 = (np.bincount(j, hrr, minlength=n_j) + prior_noise * pooled) / (h_j + prior_noise)
        sigma2 = np.maximum(sigma2, max(pooled, 1e-6) * 0.05)
        # Huber weights: wild scores count less.  u = |r| / sqrt(sigma2)[j] (the same floats
        # as sqrt(sigma2[j])); min(1, k / u) is 1 exactly when u <= k.
        np.divide(np.abs(r, out=u), np.take(np.sqrt(sigma2), j, out=lev, mode="clip"), out=u)
        h = np.minimum(1.0, np.divide(huber_k, np.maximum(u, 1e-12, out=u), out=u), out=h)
        done = np.max(np.abs(q_new - q), initial=0.0) < tol
        q = q_new
        if done:
            break

    # Back to points: the score an average judge (weighted by scores) would give.
    a_bar = float(np.sum(a * nj) / nj.sum())
    b_bar = float(np.sum(b * nj) / nj.sum())
    w = h / sigma2[j]
    bj = b[j]
    den = np.bincount(e, w * bj * bj, minlength=n_e) + 1.0 / tau2
    score = np.clip(big_m + big_s * (a_bar + b_bar * q), 0.0, 100.0)
    se = big_s * b_bar / np.sqrt(den)
    adjusted = big_m + big_s * (a_bar + b_bar * (z - a[j]) / bj)
    weight = w * bj * bj / den[e]
    return _Fit(
        score=score,
        se=se,
        adjusted=adjusted,
        scale=b_bar / bj,
        weight=weight,
        robust=h,
        severity=big_s * (a - a_bar),
        spread=b / b_bar,
        noise=big_s * np.sqrt(sigma2),
    )


_FITTERS = {
    "mean": _fit_mean,
    "trimmed_mean": _fit_trimmed,
    "zscore": _fit_zscore,
    "calibrated": _fit_calibrated,
}


# --------------------------------------------------------------- output ----


def _competition_ranks(comp: np.ndarray, rounded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order (component, best first, entry index) and 1,2,2,4 ranks within components."""
    n = comp.size
    order = np.lexsort((np.arange(n), -rounded, comp))
    c, s = comp[order], rounded[order]
    new_comp = np.ones(n, dtype=bool)
    new_comp[1:] = c[1:] != c[:-1]
    new_score = new_comp.copy()
    new_score[1:] |= s[1:] != s[:-1]
    idx = np.arange(n)
    comp_start = np.maximum.accumulate(np.where(new_comp, idx, 0))
    block_start = np.maximum.accumulate(np.where(new_score, idx, 0))
    ranks = block_start - comp_start + 1
    return order, ranks


def _describe_judges(d: _Data, fit: _Fit) -> list[JudgeEffect]:
    nj, _, jsd = _judge_moments(d)
    if fit.severity is None:
        # Descriptive: how far a judge sits from the other scores of the same entries.
        n = d.n_entries
        counts = np.bincount(d.e, minlength=n).astype(float)
        entry_mean = np.bincount(d.e, d.x, minlength=n) / counts
        dev = d.x - entry_mean[d.e]
        shared = counts[d.e] > 1
        ns = np.bincount(d.j, shared, minlength=d.n_judges).astype(float)
        severity = np.bincount(d.j, dev * shared, minlength=d.n_judges) / np.maximum(ns, 1)
        noise = np.sqrt(np.bincount(d.j, shared * (dev - severity[d.j]) ** 2, minlength=d.n_judges) / np.maximum(ns, 1))
        mean_sd = float(np.mean(jsd)) or 1.0
        spread = jsd / mean_sd
    else:
        assert fit.spread is not None and fit.noise is not None  # a model method sets all three
        severity, spread, noise = fit.severity, fit.spread, fit.noise
    return [
        JudgeEffect(jid, float(sv), float(sp), float(no), int(c))
        for jid, sv, sp, no, c in zip(
            d.judge_ids, severity.tolist(), spread.tolist(), noise.tolist(), nj.tolist(), strict=True
        )
    ]


def rank(scores: Iterable[Any], method: str = "calibrated", **options: Any) -> RankingOutcome:
    """Aggregate and rank (综合评分与排名).

    ``scores``: records with ``entry_id``, ``judge_id``, ``score`` (0-100) or
    tuples ``(entry_id, judge_id, score)``.  ``method``: one of
    :data:`METHODS`.  Options: ``trim_min_judges`` (trimmed_mean, default 5);
    for ``calibrated``: ``huber_k``, ``prior_offset``, ``prior_spread``,
    ``prior_noise``, ``max_iter``, ``tol``.

    Ranks are per connected component of the judge-entry graph (see the
    module docstring); results are ordered by component, then best first.
    """
    if method not in _FITTERS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    d = _prepare(scores)
    if d.n_entries == 0:
        return RankingOutcome(method, [], [], [], dict(options))
    fit = _FITTERS[method](d, **options)
    comp = _components(d)
    rounded = np.round(fit.score, ROUND_DECIMALS)
    order, ranks = _competition_ranks(comp, rounded)

    n = d.n_entries
    counts, starts = _segments(d.e, n)
    raw_mean = np.bincount(d.e, d.x, minlength=n) / counts
    trim_w = fit.weight if method == "trimmed_mean" else _trim_weights(d, options.get("trim_min_judges", 5))
    trimmed = np.bincount(d.e, trim_w * d.x, minlength=n)

    # Per-score columns as Python lists once; entries slice them (no per-score numpy). Only
    # acyclic tuples are built, so the cycle collector is paused meanwhile (domain.bulk).
    with paused_gc():
        jid = [d.judge_ids[k] for k in d.j.tolist()]
        # NamedTuples straight from the columns, without per-field checks: fast.
        adjustments = list(
            map(
                partial(tuple.__new__, JudgeAdjustment),
                zip(
                    jid,
                    d.x.tolist(),
                    fit.adjusted.tolist(),
                    (fit.adjusted - d.x).tolist(),
                    fit.scale.tolist(),
                    fit.weight.tolist(),
                    fit.robust.tolist(),
                    strict=True,
                ),
            )
        )
        raw_pairs = list(zip(jid, d.x.tolist(), strict=True))
        starts_l, counts_l = starts.tolist(), counts.tolist()
        score_l, se_l = rounded.tolist(), fit.se.tolist()
        raw_l, trim_l, comp_l = raw_mean.tolist(), trimmed.tolist(), comp.tolist()
        results = []
        for i, rk in zip(order.tolist(), ranks.tolist(), strict=True):
            s0, c = starts_l[i], counts_l[i]
            results.append(
                EntryResult(
                    d.entry_ids[i],
                    score_l[i],
                    rk,
                    tuple(raw_pairs[s0 : s0 + c]),
                    raw_l[i],
                    trim_l[i],
                    c,
                    se_l[i],
                    comp_l[i],
                    tuple(adjustments[s0 : s0 + c]),
                    method,
                )
            )
    members: list[list[Hashable]] = [[] for _ in range(int(comp.max()) + 1)]
    for i, c in enumerate(comp_l):
        members[c].append(d.entry_ids[i])
    return RankingOutcome(
        method=method,
        results=results,
        judges=_describe_judges(d, fit),
        components=[frozenset(m) for m in members],
        options=dict(options),
    )


# ------------------------------------------------------ several rounds ----

COMBINATION_MODES = ("last", "weighted")


def combine_rounds(rounds: Sequence[tuple[float, RankingOutcome]], mode: str = "last") -> RankingOutcome:
    """Combine the outcomes of several judging rounds (多轮成绩合成), oldest first.

    Same rules as :func:`competition.domain.scoring.combine_rounds`:
    ``mode="last"``: an entry's result is its result in the last round it
    was judged in.  ``mode="weighted"``: every entry's score is the weighted
    mean of its scores in the rounds it was judged in, with the rounds'
    weights renormalised over those rounds (an entry judged only in the
    first round keeps its first-round score); raw and trimmed means and the
    uncertainty are combined the same way and the raw scores and judge
    adjustments of all its rounds are kept.  Two entries are comparable when
    they are connected in any round (components are merged through entries
    judged in several rounds).  Ranks are recomputed on the combined score.
    """
    if mode not in COMBINATION_MODES:
        raise ValueError(f"unknown combination mode {mode!r}; choose one of {COMBINATION_MODES}")
    rounds = [(w, o) for w, o in rounds if len(o)]
    if not rounds:
        return RankingOutcome("calibrated", [], [], [], {})
    if len(rounds) == 1:
        return rounds[-1][1]
    method = rounds[-1][1].method
    per_entry: dict[Hashable, list[tuple[float, EntryResult]]] = {}
    for w, outcome in rounds:
        for r in outcome.results:
            per_entry.setdefault(r.entry_id, []).append((w, r))
    entry_ids = _canonical(per_entry)
    index = {e: i for i, e in enumerate(entry_ids)}

    # Components: union of (round, component) nodes linked through shared entries.
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(a: tuple[int, int]) -> tuple[int, int]:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_node: dict[Hashable, tuple[int, int]] = {}
    for k, (_, outcome) in enumerate(rounds):
        for r in outcome.results:
            node = (k, r.component)
            if r.entry_id in first_node:
                ra, rb = find(first_node[r.entry_id]), find(node)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            else:
                first_node[r.entry_id] = find(node)
    roots = [find(first_node[e]) for e in entry_ids]
    root_ids = {rt: k for k, rt in enumerate(dict.fromkeys(roots))}
    comp_raw = np.array([root_ids[rt] for rt in roots], dtype=np.int64)
    _, inverse, counts = np.unique(comp_raw, return_inverse=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(order.size)
    comp = relabel[inverse]

    combined: list[dict[str, Any]] = []
    for e in entry_ids:
        items = per_entry[e] if mode == "weighted" else per_entry[e][-1:]
        items = [(max(w, 0.0), r) for w, r in items]
        total = sum(w for w, _ in items)
        if total <= 0:  # judged only in rounds of weight 0: plain mean of those rounds
            items = [(1.0, r) for _, r in items]
            total = float(len(items))
        share = [(w / total, r) for w, r in items]
        combined.append(
            dict(
                score=round(sum(s * r.score for s, r in share), ROUND_DECIMALS),
                raw_mean=sum(s * r.raw_mean for s, r in share),
                trimmed_mean=sum(s * r.trimmed_mean for s, r in share),
                uncertainty=float(np.sqrt(sum((s * r.uncertainty) ** 2 for s, r in share))),
                n_judges=sum(r.n_judges for _, r in items),
                raw_scores=tuple(p for _, r in items for p in r.raw_scores),
                adjustments=tuple(a for _, r in items for a in r.adjustments),
            )
        )
    scores = np.array([c["score"] for c in combined])
    order_idx, ranks = _competition_ranks(comp, scores)
    results = [
        EntryResult(
            entry_id=entry_ids[i],
            score=combined[i]["score"],
            rank=rk,
            raw_scores=combined[i]["raw_scores"],
            raw_mean=combined[i]["raw_mean"],
            trimmed_mean=combined[i]["trimmed_mean"],
            n_judges=combined[i]["n_judges"],
            uncertainty=combined[i]["uncertainty"],
            component=int(comp[i]),
            adjustments=combined[i]["adjustments"],
            method=method,
        )
        for i, rk in zip(order_idx.tolist(), ranks.tolist(), strict=True)
    ]
    members: list[list[Hashable]] = [[] for _ in range(int(comp.max()) + 1)]
    for e in entry_ids:
        members[int(comp[index[e]])].append(e)
    return RankingOutcome(
        method=method,
        results=results,
        judges=[j for _, o in rounds for j in o.judges],
        components=[frozenset(m) for m in members],
        options={"combined": [w for w, _ in rounds]},
    )
