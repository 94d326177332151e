"""Run the ranking: read the sheets that count, rank (``domain.ranking``), store one Result per entry."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from ...domain.bulk import paused_gc
from ...domain.explain import Names, encode
from ...domain.ranking import METHODS, combine_rounds, rank
from ...domain.states import ContestState, can_rank
from ...domain.text import N_, Message
from ...extensions import db
from ...models import Assignment, Contest, Criterion, Result, Round, Rubric, ScoreSheet, User, utcnow
from ...models.results import RankingRun
from .. import ServiceError, audit, write_guard
from ..judging import counted_sheets
from .awards import settle_rows, tie_chain
from .reads import EntryInfo, entry_infos, get_run, row_id, score_rows

log = logging.getLogger(__package__)  # one logger for the results, as before the package


def _check_can_rank(contest: Contest) -> None:
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen; the ranking cannot be run again."))
    if contest.state == ContestState.PUBLISHED:
        raise ServiceError(_("The results are in the public notice; the ranking cannot be run again."))
    if not can_rank(contest.state):
        raise ServiceError(_("The ranking can be run once the contest is in judging."))
    run = get_run(contest)
    if run is not None and run.locked_at is not None:
        raise ServiceError(_("The results are locked. Unlock them to run the ranking again."))
    write_guard.check(contest, "ranking")


def _criterion_means(contest: Contest, code: str, entry_rounds: Mapping[int, int]) -> dict[int, float]:
    """Mean of one criterion per entry over its sheets that count in the last round it reached."""
    if not entry_rounds:
        return {}
    wanted = set(
        db.session.scalars(
            select(Criterion.id)
            .join(Rubric, Rubric.id == Criterion.rubric_id)
            .join(Round, Round.id == Rubric.round_id)
            .where(Round.contest_id == contest.id, (Criterion.code == code) | (Criterion.name == code))
        )
    )
    values: dict[int, list[float]] = {}
    ids = list(entry_rounds)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            counted_sheets(Assignment.entry_id, Round.number, ScoreSheet.scores).where(
                Round.contest_id == contest.id, Assignment.entry_id.in_(ids[start : start + 500])
            )
        )
        for entry_id, number, scores in rows:
            if number != entry_rounds[entry_id]:
                continue
            for key, value in (scores or {}).items():
                if str(key).isdigit() and int(key) in wanted and value is not None:
                    values.setdefault(entry_id, []).append(float(value))
    return {e: round(sum(v) / len(v), 4) for e, v in values.items()}


def run_ranking(contest: Contest, *, actor, method: str | None = None) -> RankingRun:
    """Rank the contest from its final score sheets and store the draft results.

    At province scale (250,000 scores) most objects built here are rows and acyclic tuples;
    the cycle collector is paused meanwhile (``domain.bulk.paused_gc``)."""
    with paused_gc():
        return _run_ranking(contest, actor=actor, method=method)


def _run_ranking(contest: Contest, *, actor, method: str | None) -> RankingRun:
    _check_can_rank(contest)
    method = method or contest.ranking_method or "calibrated"
    if method not in METHODS:
        raise ServiceError(_("Unknown ranking method %(method)s.", method=method))
    infos = entry_infos(contest)
    rounds = {r.number: r for r in contest.rounds}
    per_round, n_scores = _scores_by_round(contest, infos)
    chain = tie_chain(contest)

    outcomes = {n: rank(per_round[n], method) for n in sorted(per_round)}
    mode = _combination_mode(contest)
    outcome = combine_rounds([(rounds[n].weight, outcomes[n]) for n in outcomes], mode)
    round_scores: dict[int, list[tuple[int, float]]] = {}
    for n, o in outcomes.items():
        for r in o.results:
            round_scores.setdefault(row_id(r.entry_id), []).append((n, r.score))
    judge_label = _judge_labels(per_round)
    tie_values = _tie_values(contest, outcome, infos, chain, round_scores)

    old = _kept_by_hand(contest)
    now = utcnow()
    rows = []
    for r in outcome.results:
        entry_id = row_id(r.entry_id)
        explanation = {
            "ranking": _ranking_parts(r, judge_label),
            "rounds": encode(_rounds_part(round_scores[entry_id], rounds, len(outcomes), mode)),
            "tie": tie_values(r),
        }
        row = _result_row(contest, r, infos[entry_id].group_key, method, explanation, now)
        rows.append(row | old.get(entry_id, {}))

    run = get_run(contest) or RankingRun(contest_id=contest.id)
    run.method = method
    run.combination = mode
    run.n_entries = len(rows)
    run.n_scores = n_scores
    run.computed_at = now
    run.computed_by_id = getattr(actor, "id", None)
    run.judges = [
        {
            "round": n,
            "round_name": rounds[n].name,
            "judge_id": j.judge_id,
            "name": judge_label(j.judge_id),
            "severity": round(j.severity, 3),
            "spread": round(j.spread, 3),
            "noise": round(j.noise, 3),
            "n": j.n_scores,
            "tendency": j.tendency,
        }
        for n, o in outcomes.items()
        for j in sorted(o.judges, key=lambda j: -abs(j.severity))
    ]
    run.components = [] if outcome.is_connected else [sorted(c) for c in outcome.components]
    db.session.add(run)

    settle_rows(contest, rows, infos, chain, run)
    db.session.execute(
        delete(Result).where(Result.contest_id == contest.id), execution_options={"synchronize_session": False}
    )
    db.session.execute(insert(Result.__table__), rows)  # type: ignore[arg-type]  # a Table, typed as FromClause
    db.session.flush()
    db.session.expire_all()
    audit.record(
        actor,
        "results.rank",
        contest,
        contest_id=contest.id,
        after={
            "method": method,
            "combination": mode,
            "entries": len(rows),
            "scores": n_scores,
            "components": len(outcome.components),
            "ties": len(run.ties),
        },
    )
    log.info(
        "ranking run: contest=%s by=%s method=%s entries=%d scores=%d ties=%d components=%d",
        contest.code,
        audit.who(actor),
        method,
        len(rows),
        n_scores,
        len(run.ties),
        len(outcome.components),
    )
    return run


def _scores_by_round(
    contest: Contest, infos: Mapping[int, EntryInfo]
) -> tuple[dict[int, list[tuple[int, int, float]]], int]:
    """(entry, judge, total) per round of the accepted entries' sheets that count, and how many."""
    per_round: dict[int, list[tuple[int, int, float]]] = {}
    n_scores = 0
    for number, entry_id, judge_id, total in score_rows(contest):
        if entry_id in infos:
            per_round.setdefault(number, []).append((entry_id, judge_id, float(total)))
            n_scores += 1
    if not per_round:
        raise ServiceError(_("No submitted score sheets yet: there is nothing to rank."))
    return per_round, n_scores


def _combination_mode(contest: Contest) -> str:
    setting = contest.settings_view.round_combination
    mode = setting.get("mode", "last") if isinstance(setting, Mapping) else str(setting)
    if mode not in ("last", "weighted"):
        raise ServiceError(_("Unknown way of combining rounds %(mode)s in the contest settings.", mode=mode))
    return mode


def _judge_labels(per_round: Mapping[int, list[tuple[int, int, float]]]) -> Callable[[Hashable], str]:
    judge_names: dict[Hashable, str] = {
        judge_id: name
        for judge_id, name in db.session.execute(
            select(User.id, User.name).where(User.id.in_({j for rows in per_round.values() for _, j, _ in rows}))
        )
    }

    def judge_label(jid: Hashable) -> str:
        return judge_names.get(jid, str(jid))

    return judge_label


def _tie_values(
    contest: Contest,
    outcome,
    infos: Mapping[int, EntryInfo],
    chain: list[tuple[str, Message]],
    round_scores: Mapping[int, list[tuple[int, float]]],
) -> Callable[[Any], list]:
    """The values of the tie-break chain for one ranked entry (stored, so that settling never
    reads the scores again)."""
    # Only entries sharing a score with another entry of their group need the criterion means.
    seen: dict[tuple[str, float], int] = {}
    for r in outcome.results:
        k = (infos[r.entry_id].group_key, r.score)
        seen[k] = seen.get(k, 0) + 1
    tied = {
        r.entry_id: round_scores[r.entry_id][-1][0]
        for r in outcome.results
        if seen[(infos[r.entry_id].group_key, r.score)] > 1
    }
    criterion_values = {
        key: _criterion_means(contest, key.split(":", 1)[1], tied)
        for key, _label in chain
        if key.startswith("criterion:")
    }

    def tie_values(r) -> list:
        out: list[object] = []
        for key, _label in chain:
            if key.startswith("criterion:"):
                out.append(criterion_values[key].get(r.entry_id))
            elif key == "n_judges":
                out.append(r.n_judges)
            elif key == "final_round":
                out.append(list(round_scores[r.entry_id][-1]))
            else:
                out.append(r.raw_sum)
        return out

    return tie_values


KEPT_BY_HAND = ("override_award", "override_nominated", "override_reason", "withdrawn", "withdrawn_reason")


def _kept_by_hand(contest: Contest) -> dict[int, dict]:
    """The organizer's changes per entry, which ranking again keeps."""
    return {
        row[0]: dict(zip(KEPT_BY_HAND, row[1:], strict=True))
        for row in db.session.execute(
            select(Result.entry_id, *(getattr(Result, k) for k in KEPT_BY_HAND)).where(Result.contest_id == contest.id)
        )
    }


def _ranking_parts(r, judge_label: Callable[[Hashable], str]) -> list[dict]:
    parts = encode(p for p in r.explanation if p.template != "rank %(rank)d")
    for p in parts:
        if "judge" in p["p"]:
            p["p"]["judge"] = judge_label(p["p"]["judge"])
    return parts


def _rounds_part(
    scores: list[tuple[int, float]], rounds: Mapping[int, Round], n_rounds: int, mode: str
) -> list[Message]:
    if len(scores) <= 1 and n_rounds <= 1:
        return []
    return [
        Message(
            N_("round scores: %(scores)s (combined: %(mode)s)"),
            {
                "scores": Names(f"{rounds[n].name} {s:.2f}" for n, s in scores),
                "mode": Message(N_("weighted by round") if mode == "weighted" else N_("last round reached")),
            },
        )
    ]


def _result_row(contest: Contest, r, group_key: str, method: str, explanation: dict, now) -> dict:
    """One Result row as computed, before the awards and the organizer's changes."""
    return {
        "contest_id": contest.id,
        "entry_id": r.entry_id,
        "group_key": group_key,
        "method": method,
        "n_judges": r.n_judges,
        "raw_mean": round(r.raw_mean, 4),
        "trimmed_mean": round(r.trimmed_mean, 4),
        "score": r.score,
        "uncertainty": round(r.uncertainty, 4),
        "rank": r.rank,
        "component": r.component,
        "position": r.rank,
        "award": None,
        "nominated": False,
        "pending": False,
        "nomination_reason": None,
        "explanation": explanation,
        "override_award": None,
        "override_nominated": None,
        "override_reason": None,
        "withdrawn": False,
        "withdrawn_reason": None,
        "computed_at": now,
    }
