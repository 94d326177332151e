"""Score sheets (评分表): bounds checking, weighted totals and how rounds combine.

Pure module: plain data in and out, no Flask, no database.  Problems are
:class:`~competition.domain.text.Message`s, translated at the edge.

Weighted total.  A rubric's criteria each have a maximum and a weight; the
total is put on the 0-100 scale::

    total = 100 * sum(weight_i * score_i) / sum(weight_i * max_i)

so the default rubric (创新性 40, 科学性 30, 实用性 20, 三自 10, weights 1)
gives the plain sum of the scores.

Round combination (``round_combination`` contest setting, ``{"mode": ...}``):

``last``
    An entry's final score is its score in the last round it took part in.
``weighted``
    The mean of its round scores weighted by ``Round.weight``, over the rounds
    it took part in (an entry not promoted keeps its first-round score).

Either way :class:`CombinedScore` carries ``last_round`` (the furthest round
the entry reached) so that results can rank finalists above entries that were
not promoted (the ``final_round`` tie-break), and the per-round ``parts``.

Which sheets count is :func:`counts`, written once here; ``services.judging.counted_sheets``
is its SQL form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .states import SheetState
from .text import N_, Message

Id = Hashable

COMBINATION_MODES = ("last", "weighted")
DECIMALS = 2  # a score may carry at most this many decimals (e.g. 37.5)

ERR_NOT_A_NUMBER = N_("%(name)s: enter a number")
ERR_TOO_LOW = N_("%(name)s: the score cannot be below 0")
ERR_TOO_HIGH = N_("%(name)s: the score cannot be above %(max)s")
ERR_DECIMALS = N_("%(name)s: use at most two decimals")
ERR_MISSING = N_("%(name)s: no score yet")
ERR_UNKNOWN_CRITERION = N_("The rubric has no criterion %(key)s")
ERR_MODE = N_("Unknown way of combining rounds: %(mode)s")


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion (评分项) of a rubric as scoring sees it."""

    key: str  # how a sheet names it (the criterion id as a string)
    name: str
    max_score: float
    weight: float = 1.0


class ScoreTextError(ValueError):
    """The text is not a plain decimal score."""


# ASCII digits only: \d would also take Arabic-Indic, Devanagari or mathematical digits.
_SCORE_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")
# What a Chinese keyboard types in full-width mode; 。 is not a decimal point.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def parse_score_text(text: str) -> Decimal:
    """ "12", "12.5", " ３７．５ " -> Decimal; anything else (signs, exponents, "1_0", other
    scripts' digits) raises ScoreTextError. "0.0" gives 0."""
    plain = text.strip().translate(_FULL_WIDTH)
    if not _SCORE_TEXT.fullmatch(plain):
        raise ScoreTextError(text)
    number = Decimal(plain)
    return number if number else Decimal(0)


def check_score(value: object, criterion: CriterionSpec) -> tuple[float | None, Message | None]:
    """Parse one raw score; (number, None) when valid, (None, problem) otherwise.

    Blank (None or "") is (None, None): not scored yet, which a draft allows. Text goes through
    :func:`parse_score_text`; a JSON number must be finite.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    not_a_number = None, Message(ERR_NOT_A_NUMBER, {"name": criterion.name})
    if isinstance(value, str):
        text = value.strip()
        try:
            number = Decimal(parse_score_text(text.removeprefix("-")))
        except ScoreTextError:
            return not_a_number
        if text.startswith("-") and number:
            return None, Message(ERR_TOO_LOW, {"name": criterion.name})
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            return not_a_number
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        return not_a_number
    if number < 0:
        return None, Message(ERR_TOO_LOW, {"name": criterion.name})
    if number > Decimal(repr(float(criterion.max_score))):
        return None, Message(ERR_TOO_HIGH, {"name": criterion.name, "max": format_score(criterion.max_score)})
    if number != number.quantize(Decimal(1).scaleb(-DECIMALS)):
        return None, Message(ERR_DECIMALS, {"name": criterion.name})
    return float(number) + 0.0, None  # + 0.0: a JSON -0.0 is stored as 0


def parse_sheet(
    raw: Mapping[str, object], criteria: Sequence[CriterionSpec]
) -> tuple[dict[str, float], dict[str, Message]]:
    """Check every value of a sheet: (valid scores by key, problems by key).

    Keys that are not criteria of the rubric are problems too, so nothing is
    silently dropped.
    """
    by_key = {c.key: c for c in criteria}
    scores: dict[str, float] = {}
    problems: dict[str, Message] = {}
    for key, value in raw.items():
        criterion = by_key.get(str(key))
        if criterion is None:
            problems[str(key)] = Message(ERR_UNKNOWN_CRITERION, {"key": key})
            continue
        number, problem = check_score(value, criterion)
        if problem is not None:
            problems[criterion.key] = problem
        elif number is not None:
            scores[criterion.key] = number
    return scores, problems


def missing(scores: Mapping[str, float], criteria: Sequence[CriterionSpec]) -> list[Message]:
    """Criteria without a score, as problems (a sheet is submitted only when none are left)."""
    return [Message(ERR_MISSING, {"name": c.name}) for c in criteria if c.key not in scores]


def weighted_total(scores: Mapping[str, float], criteria: Sequence[CriterionSpec]) -> float | None:
    """The total on 0-100 (see the module docstring), or None while a criterion is missing."""
    if not criteria or any(c.key not in scores for c in criteria):
        return None
    return partial_total(scores, criteria)


def partial_total(scores: Mapping[str, float], criteria: Sequence[CriterionSpec]) -> float:
    """The total counting missing criteria as 0 (what the judge sees while typing)."""
    full = sum(c.weight * c.max_score for c in criteria)
    if full <= 0:
        return 0.0
    got = sum(c.weight * float(scores.get(c.key, 0.0)) for c in criteria)
    return round(100.0 * got / full, 4)


def counts(sheet_state: str | None, total: float | None) -> bool:
    """Whether a score sheet counts: towards the ranking of the contest and of a round, the
    criterion tie-breaks, the judges' distributions and the submitted count of the ranking page.

    Only a submitted (final) sheet with a total counts; a draft never does, whatever it holds.
    Submitting always stores the total (it refuses a sheet with a criterion unscored), so the
    total check only keeps a damaged row out of the ranking; that is why the progress pages,
    which count sheet states (what the judges have done), agree with this rule. Which entries
    are ranked is the caller's: the contest ranking keeps accepted entries only, a round ranks
    the entries of the round.
    """
    return sheet_state == SheetState.FINAL and total is not None


def format_score(value: float | None) -> str:
    """37.5 -> "37.5", 40.0 -> "40", None -> ""."""
    if value is None:
        return ""
    return f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class RoundScores:
    """The aggregated scores of one round: ``scores`` maps entry ids to 0-100."""

    number: int
    weight: float
    scores: Mapping[Id, float]


@dataclass(frozen=True)
class CombinedScore:
    """An entry's score over the rounds (see the module docstring)."""

    entry_id: Id
    score: float
    last_round: int
    parts: dict[int, float] = field(default_factory=dict)


def combine_rounds(rounds: Iterable[RoundScores], mode: str = "last") -> dict[Id, CombinedScore]:
    """Combine per-round scores into one score per entry (``round_combination``).

    ``mode`` is ``"last"`` or ``"weighted"``.  A round with weight 0 or less
    counts as weight 0 in ``weighted`` mode; if all of an entry's rounds weigh
    0, the plain mean of its round scores is used.
    """
    if mode not in COMBINATION_MODES:
        raise ValueError(str(Message(ERR_MODE, {"mode": mode})))
    parts: dict[Id, dict[int, float]] = {}
    weights: dict[int, float] = {}
    for rnd in sorted(rounds, key=lambda r: r.number):
        weights[rnd.number] = max(float(rnd.weight), 0.0)
        for entry_id, score in rnd.scores.items():
            parts.setdefault(entry_id, {})[rnd.number] = float(score)
    combined: dict[Id, CombinedScore] = {}
    for entry_id, by_round in parts.items():
        last = max(by_round)
        if mode == "last":
            score = by_round[last]
        else:
            total_w = sum(weights[n] for n in by_round)
            if total_w > 0:
                score = sum(weights[n] * s for n, s in by_round.items()) / total_w
            else:
                score = sum(by_round.values()) / len(by_round)
        combined[entry_id] = CombinedScore(entry_id, round(score, 4), last, dict(by_round))
    return combined


def combination_mode(setting: object) -> str:
    """The mode named by a ``round_combination`` setting ({"mode": ...} or a bare string)."""
    mode = setting.get("mode") if isinstance(setting, Mapping) else setting
    return mode if mode in COMBINATION_MODES else "last"


def distribution(values: Sequence[float]) -> dict[str, float] | None:
    """Five-number summary and mean of a judge's totals (for the harsh/lenient chart)."""
    data = sorted(float(v) for v in values)
    if not data:
        return None

    def quantile(q: float) -> float:
        pos = q * (len(data) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(data) - 1)
        return data[lo] + (data[hi] - data[lo]) * (pos - lo)

    mean = sum(data) / len(data)
    sd = math.sqrt(sum((v - mean) ** 2 for v in data) / (len(data) - 1)) if len(data) > 1 else 0.0
    return {
        "n": len(data),
        "min": data[0],
        "q1": round(quantile(0.25), 2),
        "median": round(quantile(0.5), 2),
        "q3": round(quantile(0.75), 2),
        "max": data[-1],
        "mean": round(mean, 2),
        "sd": round(sd, 2),
    }


__all__ = [
    "COMBINATION_MODES",
    "CombinedScore",
    "CriterionSpec",
    "RoundScores",
    "check_score",
    "combination_mode",
    "combine_rounds",
    "counts",
    "distribution",
    "format_score",
    "missing",
    "parse_sheet",
    "partial_total",
    "weighted_total",
]
