"""Judging: who takes part in a round, conflicts (回避), the assignment plan, score sheets,
promotion and re-judging, progress. Like every service, these flush and never commit.

* ``panel`` - a round's entries and judges; ``conflicts`` - conflicts and the plan's inputs;
  ``assignments`` - the plan, published, changed by hand; ``counted`` - scores for others:
  :func:`counted_sheets` (``domain.scoring.counts`` in SQL, which every ranking, tie-break and
  submitted count selects from), :func:`final_scores` (a round's totals as ranking
  ``ScoreRecord``s), :func:`criterion_means` (tie-breaks such as ``criterion:novelty``);
* ``sheets`` - score sheets (drafts, submission, reopening); ``rounds`` - promotion,
  re-judging and round combination; ``stats`` - progress and statistics; ``pages`` - what the
  organizer's judging pages show (the plan, conflicts, an entry's assignments).

The names of the first four are re-exported here (``judging.run_plan(...)``); ``sheets``,
``rounds`` and ``stats`` are imported as modules (``from ..services.judging import sheets``).
"""

from .assignments import (
    add_assignment,
    current_plan,
    publish,
    refusal,
    release_round_judge,
    remove_assignment,
    round_assignments,
    run_plan,
    set_round_state,
    tr,
)
from .conflicts import (
    CONFLICT_KINDS,
    PlanInputs,
    add_conflict,
    advised,
    conflict_kind_label,
    judge_school_id,
    plan_inputs,
    remove_conflict,
    round_conflicts,
    sync_conflicts,
)
from .counted import (
    counted_sheets,
    criterion_means,
    final_scores,
)
from .panel import (
    add_round_judges,
    get_round,
    group_key,
    group_label,
    is_first_round,
    remove_round_judge,
    round_entries,
    round_judges,
    round_k,
    sync_round_entries,
)

__all__ = [
    "CONFLICT_KINDS",
    "PlanInputs",
    "add_assignment",
    "add_conflict",
    "add_round_judges",
    "advised",
    "conflict_kind_label",
    "counted_sheets",
    "criterion_means",
    "current_plan",
    "final_scores",
    "get_round",
    "group_key",
    "group_label",
    "is_first_round",
    "judge_school_id",
    "plan_inputs",
    "publish",
    "refusal",
    "release_round_judge",
    "remove_assignment",
    "remove_conflict",
    "remove_round_judge",
    "round_assignments",
    "round_conflicts",
    "round_entries",
    "round_judges",
    "round_k",
    "run_plan",
    "set_round_state",
    "sync_conflicts",
    "sync_round_entries",
    "tr",
]
