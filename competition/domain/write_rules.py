"""Which writes a contest's phase allows (写入规则): one table, checked on the server by every
service that changes a contest's records.

The phase comes from the contest's state and whether its results are locked:

- ``preparing``: registration, format review and judging (contest draft ... judging, results
  not locked);
- ``ranking``: the contest is in ``results`` and the ranking may be run again;
- ``locked``: the results are locked (成绩锁定): no score, sheet or assignment may change; an
  organizer can unlock, giving a reason (audited), while the results are not published;
- ``published``: the public notice (公示): objections are recorded; a result changes only by a
  recorded decision (award withdrawal with its reason);
- ``final``: nothing the results depend on changes; only the explicit correction path
  (certificate correction and revocation), with a reason and audited.

A new kind of write gets a row here; tests/services/test_write_rules.py drives every row
through the services, and tests/web/test_write_rules_routes.py requires every POST route to name
its kind.
"""

from __future__ import annotations

from .states import ContestState, results_public
from .text import N_, Message

PHASES = ("preparing", "ranking", "locked", "published", "final")

# kind of write -> the phases in which it is allowed
WRITES: dict[str, frozenset[str]] = {
    # a teacher's entry: its data, materials, submission, withdrawal and deletion
    "entry": frozenset({"preparing"}),
    # format review (形式审查): accept, return, reject
    "review": frozenset({"preparing"}),
    # the contest's settings page as a whole (names, windows, numbers, the notice's wording): the
    # rules among them follow "contest_rules"; a final contest's record stays as it is
    "contest_settings": frozenset({"preparing", "ranking", "locked", "published"}),
    # the rules the results are made by: award levels, quotas, ranking method, the definition
    "contest_rules": frozenset({"preparing", "ranking"}),
    # the tie-break chain (决胜规则): read-only once the results are locked
    "tie_break": frozenset({"preparing", "ranking"}),
    # rubrics of a round
    "rubric": frozenset({"preparing", "ranking"}),
    # rounds: plan, publish, close, promotion, re-judging, how rounds combine
    "round": frozenset({"preparing", "ranking"}),
    # judges of a round, assignments and conflicts
    "assignment": frozenset({"preparing", "ranking"}),
    # score sheets: autosave, submit, submit all, reopen, a judge's declared conflict
    "score": frozenset({"preparing", "ranking"}),
    # running the ranking (排名计算)
    "ranking": frozenset({"preparing", "ranking"}),
    # a recorded decision on the draft results, with its reason: settling a tie, changing an
    # award or nomination by hand; also while locked, which only stops re-ranking and scoring
    "result_decision": frozenset({"preparing", "ranking", "locked"}),
    # objections to the published results
    "objection": frozenset({"published"}),
    # withdrawing an award (撤销): a recorded decision with its reason, until the results are final
    "award_withdrawal": frozenset({"ranking", "locked", "published"}),
    # issuing certificates (numbers, PDFs): from the public notice on, so they are ready for the
    # ceremony; issuing again follows a withdrawal (the certificate is revoked, its number kept)
    "certificate": frozenset({"published", "final"}),
    # correcting or revoking an issued certificate: the audited correction path
    "certificate_correction": frozenset({"published", "final"}),
    # the provincial outcome of nominated entries, recorded after the city's results are final
    "provincial_outcome": frozenset({"final"}),
}

_REFUSALS = {
    "ranking": N_("The contest is in the results stage: entries and their review can no longer change."),
    "locked": N_(
        "The results are locked: scores, score sheets, assignments and results can no longer "
        "change. To change them, unlock the results first (a reason is required)."
    ),
    "published": N_(
        "The results are in the public notice: they change only through a recorded decision "
        "(withdrawing an award, settling an objection)."
    ),
    "final": N_(
        "The results of this contest are final: nothing they depend on can change. A wrong "
        "certificate is put right by a certificate correction, which is recorded with its reason."
    ),
}


# Why a write is refused in a phase before the first one that allows it ("not yet").
_NOT_YET = {
    "objection": N_("Objections are recorded while the results are in the public notice."),
    "award_withdrawal": N_("An award can be withdrawn once the results are locked or published."),
    "certificate": N_("Certificates are issued once the results are published."),
    "certificate_correction": N_("Certificates are corrected once they are issued, after the results are published."),
    "provincial_outcome": N_("Provincial outcomes are recorded once the results of this contest are final."),
}


def phase(contest_state: str, results_locked: bool) -> str:
    """The phase of a contest in state `contest_state` (see CONTEST_STATES)."""
    if results_public(contest_state):
        return contest_state
    if results_locked:
        return "locked"
    if contest_state == ContestState.RESULTS:
        return "ranking"
    return "preparing"


def write_error(kind: str, current_phase: str) -> Message | None:
    """None when a write of `kind` is allowed in `current_phase`, else why not."""
    if kind not in WRITES:
        raise KeyError(f"no write rule for {kind!r}: add it to WRITES")
    if current_phase not in PHASES:
        raise ValueError(f"unknown phase {current_phase!r}")
    allowed = WRITES[kind]
    if current_phase in allowed:
        return None
    first = min(PHASES.index(p) for p in allowed)
    if PHASES.index(current_phase) < first:
        return Message(_NOT_YET[kind])
    return Message(_REFUSALS[current_phase])
