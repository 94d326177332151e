"""Results (评奖结果): run the ranking, settle ties and overrides, publish, objections, finalize.

The workflow follows the contest's states:

* ``judging`` or ``results``: ``run_ranking`` computes a draft from the final score sheets
  (recomputing replaces the draft; organizers' overrides are kept). Ties at cut lines are
  decided with ``decide_tie``; results are changed with ``override_result`` (a written
  reason, audited).
* ``lock``: the scores no longer flow in (``run_ranking`` is refused until ``unlock``, which
  needs a reason); a contest still in judging moves to ``results``. Ties and overrides can
  still be settled.
* ``publish`` -> ``published`` (公示): only when locked and without unresolved ties. The notice runs for the
  ``notice_days`` setting. Paper objections are recorded here; every objection is settled at
  the organizer's desk (``services.objections``: the finding, the withdrawal with it, corrections);
  an award can also be withdrawn by hand.
* ``finalize`` -> ``final``: after the notice period (or with a written reason), with every
  objection settled. From then on the Result rows are frozen: nothing here writes them.

Ranking is two steps. ``run_ranking`` reads the scores, ranks (``domain.ranking``) and stores
one Result per entry with what the award step needs (score, group, component, tie-break
values). ``awards.settle_rows`` then awards and nominates (``domain.awards``, ``domain.nominations``)
from those stored rows and the organizer's tie decisions, so deciding a tie never reads the
scores again.

The modules, by use case: ``reads`` (what the pages read), ``explain`` (the plain-language
explanation), ``ranking`` (``run_ranking``), ``awards`` (awarding and nominating from the stored
rows), ``decisions`` (ties and changes by hand) and ``publication`` (lock, 公示, objections,
finalize). Their public names are re-exported here, so ``results.run_ranking(...)`` works.
"""

from .awards import (
    resettle,
)
from .decisions import (
    KEEP,
    MAX_REASON,
    award_choices,
    award_counts,
    decide_tie,
    override_result,
    tie_description,
    tie_entries,
)
from .explain import (
    detail_parts,
    explanation_parts,
    explanation_text,
    render,
    summary_parts,
)
from .publication import (
    MAX_CONTACT,
    OBJECTION_OUTCOMES,
    finalize,
    local_today,
    lock,
    notice_running,
    publish,
    record_objection,
    reinstate_award,
    unlock,
    withdraw_award,
)
from .ranking import (
    run_ranking,
)
from .reads import (
    GROUP_FIELDS,
    STAGE_ORDER,
    ScoringProgress,
    get_run,
    group_label,
    group_sort_key,
    objections_of,
    pending_count,
    public_rows,
    results_of,
    rule_effects_of,
    score_rows,
    scoring_progress,
)

__all__ = [
    "GROUP_FIELDS",
    "KEEP",
    "MAX_CONTACT",
    "MAX_REASON",
    "OBJECTION_OUTCOMES",
    "STAGE_ORDER",
    "ScoringProgress",
    "award_choices",
    "award_counts",
    "decide_tie",
    "detail_parts",
    "explanation_parts",
    "explanation_text",
    "finalize",
    "get_run",
    "group_label",
    "group_sort_key",
    "local_today",
    "lock",
    "notice_running",
    "objections_of",
    "override_result",
    "pending_count",
    "public_rows",
    "publish",
    "record_objection",
    "render",
    "resettle",
    "results_of",
    "rule_effects_of",
    "run_ranking",
    "score_rows",
    "scoring_progress",
    "summary_parts",
    "tie_description",
    "tie_entries",
    "unlock",
    "reinstate_award",
    "withdraw_award",
]
