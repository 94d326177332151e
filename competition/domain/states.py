"""State machines of entries, contests, judging rounds, score sheets and jobs: the states as
StrEnums (members equal their stored strings, so the database keeps the plain values), which
transitions exist and the predicates the code asks of them."""

from __future__ import annotations

from enum import StrEnum

from .text import N_, Message


class EntryState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ContestState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    JUDGING = "judging"
    RESULTS = "results"
    PUBLISHED = "published"  # 公示
    FINAL = "final"


class RoundState(StrEnum):
    PLANNING = "planning"
    PUBLISHED = "published"  # the plan is visible to the judges
    CLOSED = "closed"


class SheetState(StrEnum):
    DRAFT = "draft"
    FINAL = "final"  # submitted by the judge


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


_E, _C = EntryState, ContestState

# (from, to) -> the action's name
ENTRY_TRANSITIONS: dict[tuple[str, str], str] = {
    (_E.DRAFT, _E.SUBMITTED): "submit",
    (_E.RETURNED, _E.SUBMITTED): "resubmit",
    (_E.SUBMITTED, _E.DRAFT): "withdraw",  # the teacher takes it back to edit, before the deadline
    (_E.SUBMITTED, _E.ACCEPTED): "accept",
    (_E.SUBMITTED, _E.RETURNED): "return",
    (_E.SUBMITTED, _E.REJECTED): "reject",
    (_E.ACCEPTED, _E.RETURNED): "return",  # organizer second thoughts, before judging
    (_E.DRAFT, _E.WITHDRAWN): "abandon",
    (_E.RETURNED, _E.WITHDRAWN): "abandon",
}

EDITABLE_ENTRY_STATES = frozenset({_E.DRAFT, _E.RETURNED})
REVIEWED_ENTRY_STATES = frozenset({_E.ACCEPTED, _E.RETURNED, _E.REJECTED})

CONTEST_ORDER = tuple(ContestState)
RESULTS_PUBLIC_STATES = frozenset({_C.PUBLISHED, _C.FINAL})
# the format review runs while submissions are open and after they close
REVIEW_CONTEST_STATES = (_C.OPEN, _C.CLOSED)
RANKING_CONTEST_STATES = (_C.JUDGING, _C.RESULTS)


def results_public(contest_state: str) -> bool:
    """The results are on public notice (公示) or final: public, and they cannot move back."""
    return contest_state in RESULTS_PUBLIC_STATES


def is_final(contest_state: str) -> bool:
    return contest_state == _C.FINAL


def is_on_notice(contest_state: str) -> bool:
    return contest_state == _C.PUBLISHED


def can_rank(contest_state: str) -> bool:
    """Ranking runs and its results change while judging or settling results."""
    return contest_state in RANKING_CONTEST_STATES


def in_review(contest_state: str) -> bool:
    return contest_state in REVIEW_CONTEST_STATES


def is_editable(entry_state: str) -> bool:
    return entry_state in EDITABLE_ENTRY_STATES


def is_sheet_final(sheet_state: str | None) -> bool:
    return sheet_state == SheetState.FINAL


def entry_transition_error(current: str, target: str) -> Message | None:
    if (current, target) in ENTRY_TRANSITIONS:
        return None
    return Message(
        N_("An entry in state %(current)s cannot become %(target)s."),
        {"current": current, "target": target},
    )


def contest_transition_error(current: str, target: str) -> Message | None:
    """Contests move one step forward; one step back is allowed before results are published."""
    try:
        i, j = CONTEST_ORDER.index(current), CONTEST_ORDER.index(target)
    except ValueError:
        return Message(N_("Unknown contest state."))
    if j == i + 1:
        return None
    if j == i - 1 and not results_public(current):
        return None
    return Message(
        N_("A contest cannot go from %(current)s to %(target)s."),
        {"current": current, "target": target},
    )
