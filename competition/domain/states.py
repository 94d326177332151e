"""State machines of entries and contests: which transitions exist and who may make them."""
from __future__ import annotations

from .text import N_, Message

# (from, to) -> the action's name
ENTRY_TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "submit",
    ("returned", "submitted"): "resubmit",
    ("submitted", "draft"): "withdraw",  # the teacher takes it back to edit, before the deadline
    ("submitted", "accepted"): "accept",
    ("submitted", "returned"): "return",
    ("submitted", "rejected"): "reject",
    ("accepted", "returned"): "return",  # organizer second thoughts, before judging
    ("draft", "withdrawn"): "abandon",
    ("returned", "withdrawn"): "abandon",
}

EDITABLE_ENTRY_STATES = frozenset({"draft", "returned"})

CONTEST_ORDER = ("draft", "open", "closed", "judging", "results", "published", "final")


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
    if j == i - 1 and current not in ("published", "final"):
        return None
    return Message(
        N_("A contest cannot go from %(current)s to %(target)s."),
        {"current": current, "target": target},
    )
