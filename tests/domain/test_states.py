"""The states as StrEnums: the stored strings stay as they were, and the predicates."""

import json

from competition.domain import states
from competition.domain.states import ContestState, EntryState, JobState, RoundState, SheetState


def test_members_are_the_stored_strings():
    assert [s.value for s in EntryState] == ["draft", "submitted", "returned", "accepted", "rejected", "withdrawn"]
    assert states.CONTEST_ORDER == ("draft", "open", "closed", "judging", "results", "published", "final")
    assert list(RoundState) == ["planning", "published", "closed"]
    assert list(SheetState) == ["draft", "final"]
    assert list(JobState) == ["queued", "running", "done", "failed"]
    assert EntryState.ACCEPTED == "accepted" and str(EntryState.ACCEPTED) == "accepted"
    assert f"{ContestState.FINAL}" == "final"
    assert json.dumps({"state": SheetState.DRAFT}) == '{"state": "draft"}'
    assert {"accepted": 1}[EntryState.ACCEPTED] == 1  # label tables keyed by the strings


def test_predicates_take_plain_strings_and_members():
    assert [s for s in states.CONTEST_ORDER if states.results_public(s)] == ["published", "final"]
    assert states.is_final("final") and not states.is_final(ContestState.PUBLISHED)
    assert states.is_on_notice("published") and not states.is_on_notice("final")
    assert [s for s in states.CONTEST_ORDER if states.can_rank(s)] == ["judging", "results"]
    assert [s for s in states.CONTEST_ORDER if states.in_review(s)] == ["open", "closed"]
    assert [s for s in EntryState if states.is_editable(s)] == ["draft", "returned"]
    assert states.is_sheet_final("final") and not states.is_sheet_final(None)


def test_transitions_unchanged():
    assert states.entry_transition_error("draft", "submitted") is None
    assert states.entry_transition_error(EntryState.SUBMITTED, "accepted") is None
    assert states.entry_transition_error("accepted", "draft") is not None
    assert states.contest_transition_error("results", "judging") is None
    assert states.contest_transition_error("published", "results") is not None
    assert states.contest_transition_error("final", "published") is not None
    assert states.contest_transition_error("draft", "judging") is not None
    assert states.contest_transition_error("nonsense", "open") is not None
