"""Rounds: promoting entries to the next round, the borderline re-judging pass, and how the
rounds combine into the final score (``round_combination``). Flushes only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...domain import assignment as planner
from ...domain import ranking, rejudging, scoring
from ...domain.states import RoundState
from ...extensions import db
from ...models import Assignment, Contest, Entry, Round, RoundEntry, ScoreSheet, User
from .. import ServiceError, audit, write_guard
from .assignments import add_assignment, round_assignments, tr
from .conflicts import plan_inputs
from .counted import final_scores
from .panel import get_round, group_key, group_label, round_entries


def next_round(rnd: Round) -> Round | None:
    later = [r for r in rnd.contest.rounds if r.number > rnd.number]
    return min(later, key=lambda r: r.number) if later else None


@dataclass
class GroupRanking:
    """One ranking group of a round: its label, entries and the engine's outcome."""

    key: tuple
    label: str
    entries: dict[Hashable, Entry]  # by id (the ranking engine's entry ids)
    outcome: ranking.RankingOutcome
    unscored: list[Entry]


def rank_groups(rnd: Round, method: str | None = None) -> list[GroupRanking]:
    """Rank each ranking group of the round on its final scores with the ranking engine."""
    contest = rnd.contest
    method = method or contest.ranking_method or "calibrated"
    group_by = contest.settings_view.ranking_group_by
    entries = round_entries(rnd)
    groups: dict[tuple, dict[Hashable, Entry]] = {}
    for e in entries:
        groups.setdefault(group_key(e, group_by), {})[e.id] = e
    records = final_scores(rnd)
    out = []
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        members = groups[key]
        recs = [r for r in records if r.entry_id in members]
        outcome = ranking.rank(recs, method)
        scored = {r.entry_id for r in recs}
        out.append(
            GroupRanking(
                key,
                group_label(next(iter(members.values())), group_by),
                members,
                outcome,
                [e for i, e in members.items() if i not in scored],
            )
        )
    return out


def round_scores(rnd: Round, method: str | None = None) -> dict[Hashable, float]:
    """Aggregated score per entry of the round (the ranking engine, per ranking group)."""
    scores: dict[Hashable, float] = {}
    for g in rank_groups(rnd, method):
        for r in g.outcome.results:
            scores[r.entry_id] = r.score
    return scores


def combined_scores(contest: Contest, method: str | None = None) -> dict[Hashable, scoring.CombinedScore]:
    """Each entry's score over the rounds, combined as the contest's ``round_combination`` says."""
    mode = scoring.combination_mode(contest.settings_view.round_combination)
    rounds = [scoring.RoundScores(r.number, r.weight, round_scores(r, method)) for r in contest.rounds]
    return scoring.combine_rounds(rounds, mode)


def set_combination(contest: Contest, mode: str, *, actor, weights: dict[int, float] | None = None) -> None:
    """Choose how rounds combine (last round only, or weighted by each round's weight)."""
    write_guard.check(contest, "round")
    if mode not in scoring.COMBINATION_MODES:
        raise ServiceError(_("Choose how the rounds combine."), "mode")
    before = {
        "mode": scoring.combination_mode(contest.settings_view.round_combination),
        "weights": {r.number: r.weight for r in contest.rounds},
    }
    for number, weight in (weights or {}).items():
        rnd = get_round(contest, number)
        if rnd is None:
            continue
        if weight is None or weight < 0 or weight > 100:
            raise ServiceError(_("A round's weight must be between 0 and 100."), f"weight_{number}")
        rnd.weight = float(weight)
    if mode == "weighted" and sum(r.weight for r in contest.rounds) <= 0:
        raise ServiceError(_("At least one round needs a weight above 0."))
    settings = dict(contest.settings or {})
    settings["round_combination"] = {"mode": mode}
    contest.settings = settings
    db.session.flush()
    audit.record(
        actor,
        "judging.combination",
        contest,
        before=before,
        after={"mode": mode, "weights": {r.number: r.weight for r in contest.rounds}},
    )


# --------------------------------------------------------------------------- promotion


@dataclass
class Candidate:
    entry: Entry
    rank: int
    score: float
    n_judges: int
    promote: bool
    promoted: bool


def promotion_candidates(rnd: Round, top_n: int) -> list[tuple[GroupRanking, list[Candidate]]]:
    """Per group, the ranked entries and whether they are in the top ``top_n`` (ties at the
    line all go through). ``promoted`` tells whether the entry is already in the next round."""
    nxt = next_round(rnd)
    already = set()
    if nxt is not None:
        already = set(db.session.scalars(select(RoundEntry.entry_id).where(RoundEntry.round_id == nxt.id)))
    out = []
    for g in rank_groups(rnd):
        rows = []
        for r in g.outcome.results:
            rows.append(
                Candidate(
                    g.entries[r.entry_id],
                    r.rank,
                    r.score,
                    r.n_judges,
                    top_n > 0 and r.rank <= top_n and r.component == 0,
                    r.entry_id in already,
                )
            )
        out.append((g, rows))
    return out


def _add_to_round(nxt: Round, entry: Entry, *, source: str, reason: str, actor) -> bool:
    exists = db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == nxt.id, RoundEntry.entry_id == entry.id))
    if exists is not None:
        return False
    db.session.add(
        RoundEntry(
            round_id=nxt.id, entry_id=entry.id, source=source, reason=reason, added_by_id=getattr(actor, "id", None)
        )
    )
    return True


def promote_top(rnd: Round, top_n: int, *, actor) -> int:
    """Promote the top ``top_n`` of every ranking group (by the round's final scores, ranked by
    the contest's method) to the next round. Returns how many entries were added."""
    write_guard.check(rnd.contest, "round")
    nxt = next_round(rnd)
    if nxt is None:
        raise ServiceError(_("This is the last round; there is no round to promote to."))
    if top_n < 1:
        raise ServiceError(_("Enter how many entries per group go through (at least 1)."), "top_n")
    added = 0
    chosen = []
    candidates = promotion_candidates(rnd, top_n)
    if not any(rows for _g, rows in candidates):
        raise ServiceError(_("No entry of this round has final scores yet."))
    for g, rows in candidates:
        for c in rows:
            if c.promote:
                shown = scoring.format_score(c.score)
                reason = _(
                    "%(round)s: rank %(rank)s in %(group)s (score %(score)s)",
                    round=rnd.name,
                    rank=c.rank,
                    group=g.label,
                    score=shown,
                )
                if _add_to_round(nxt, c.entry, source="top", reason=reason, actor=actor):
                    added += 1
                    chosen.append(c.entry.id)
    db.session.flush()
    audit.record(
        actor,
        "judging.promote_top",
        nxt,
        after={"from_round": rnd.number, "top_n": top_n, "entries": chosen},
        contest_id=rnd.contest_id,
    )
    return added


def promote_manual(rnd: Round, entry: Entry, *, reason: str, actor) -> None:
    """Promote one entry of ``rnd`` to the next round by hand; a reason is required."""
    write_guard.check(rnd.contest, "round")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give the reason for promoting this entry by hand."), "reason")
    nxt = next_round(rnd)
    if nxt is None:
        raise ServiceError(_("This is the last round; there is no round to promote to."))
    in_round = db.session.scalar(
        select(RoundEntry.id).where(RoundEntry.round_id == rnd.id, RoundEntry.entry_id == entry.id)
    )
    if in_round is None:
        raise ServiceError(_("This entry is not in this round."))
    if not _add_to_round(nxt, entry, source="manual", reason=reason, actor=actor):
        raise ServiceError(_("This entry is already in the next round."))
    db.session.flush()
    audit.record(
        actor, "judging.promote_manual", nxt, after={"entry_id": entry.id}, reason=reason, contest_id=rnd.contest_id
    )


def unpromote(nxt: Round, entry: Entry, *, reason: str, actor) -> None:
    """Take an entry out of a later round again (before it has been scored there)."""
    write_guard.check(nxt.contest, "round")
    row = db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == nxt.id, RoundEntry.entry_id == entry.id))
    if row is None:
        raise ServiceError(_("This entry is not in this round."))
    scored = db.session.scalar(
        select(ScoreSheet.id).join(Assignment).where(Assignment.round_id == nxt.id, Assignment.entry_id == entry.id)
    )
    if scored is not None:
        raise ServiceError(_("This entry already has scores in that round and cannot be taken out."))
    for a in db.session.scalars(
        select(Assignment).where(Assignment.round_id == nxt.id, Assignment.entry_id == entry.id)
    ):
        db.session.delete(a)
    audit.record(
        actor,
        "judging.unpromote",
        nxt,
        before={"entry_id": entry.id, "source": row.source, "reason": row.reason},
        reason=(reason or "").strip() or None,
        contest_id=nxt.contest_id,
    )
    db.session.delete(row)
    db.session.flush()


# --------------------------------------------------------------------------- re-judging


@dataclass
class RejudgeResult:
    chosen: list[Hashable]  # entry ids, one per extra score (repeats allowed)
    added: list[planner.Pair]  # (judge_id, entry_id)
    short: list[planner.Shortfall]


def default_cut(group: GroupRanking, contest: Contest) -> int:
    """The first award line of the group: the number of places of the top award level."""
    levels = contest.settings_view.award_levels or [["", 0.1]]
    share = float(levels[0][1]) if levels else 0.1
    n = len(group.outcome.results)
    return min(max(1, round(n * share)), max(n - 1, 1))


def rejudge(rnd: Round, group: tuple, *, extra: int, cut_position: int | None, actor) -> RejudgeResult:
    """The borderline pass (加评): ``extra`` more scores for the entries of one ranking group
    whose place against the cut line is least certain (``rejudging.select_for_rejudging`` on the
    round's current final scores), assigned through the same conflict-checked path as the plan.
    New assignments are unpublished until the organizer publishes."""
    write_guard.check(rnd.contest, "round")
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    if extra < 1 or extra > 1000:
        raise ServiceError(_("Enter how many extra scores to hand out (1 to 1000)."), "extra")
    target = next((g for g in rank_groups(rnd) if g.key == group), None)
    if target is None:
        raise ServiceError(_("Choose a ranking group."), "group")
    results = target.outcome.results
    if len(results) < 2:
        raise ServiceError(_("This group needs final scores for at least two entries first."))
    if not target.outcome.is_connected:
        raise ServiceError(
            _(
                "The judges of this group do not overlap enough to compare all entries; "
                "add judges who connect them first."
            )
        )
    cut = cut_position or default_cut(target, rnd.contest)
    if not 1 <= cut < len(results):
        raise ServiceError(_("The cut position must be between 1 and %(n)s.", n=len(results) - 1), "cut")
    records = [r for r in final_scores(rnd) if r.entry_id in target.entries]
    chosen = rejudging.select_for_rejudging(records, extra, cut, rnd.contest.ranking_method or "calibrated")
    inputs = plan_inputs(rnd)
    existing = [(a.judge_id, a.entry_id) for a in round_assignments(rnd)]
    pairs, short = planner.add_judges(
        Counter(chosen),
        inputs.entries,
        inputs.judges,
        inputs.conflicts,
        existing=existing,
        exclude_same_district=inputs.exclude_same_district,
    )
    for judge_id, entry_id in pairs:
        add_assignment(
            rnd,
            db.session.get_one(User, judge_id),
            db.session.get_one(Entry, entry_id),
            actor=actor,
            source="rejudge",
            inputs=inputs,
        )
    audit.record(
        actor,
        "judging.rejudge",
        rnd,
        contest_id=rnd.contest_id,
        after={
            "group": [str(x) for x in group],
            "extra": extra,
            "cut": cut,
            "chosen": chosen,
            "added": len(pairs),
            "short": [(s.entry_id, s.needed - s.got, tr(s.reason)) for s in short],
        },
    )
    return RejudgeResult(chosen, pairs, short)
