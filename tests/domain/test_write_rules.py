"""The write rules (domain/write_rules.py): which kind of write each phase of a contest allows."""

from __future__ import annotations

import pytest

from competition.domain import write_rules as rules

# phase -> kinds allowed, written out by hand from the contest's life (docs/, issue #13):
# once locked nothing the scores depend on moves; once final only the audited correction paths
# and the provincial outcome.
ALLOWED = {
    "preparing": {
        "entry",
        "review",
        "contest_settings",
        "contest_rules",
        "tie_break",
        "rubric",
        "round",
        "assignment",
        "score",
        "ranking",
        "result_decision",
    },
    "ranking": {
        "contest_settings",
        "contest_rules",
        "tie_break",
        "rubric",
        "round",
        "assignment",
        "score",
        "ranking",
        "result_decision",
        "award_withdrawal",
    },
    "locked": {"contest_settings", "result_decision", "award_withdrawal"},
    "published": {"contest_settings", "objection", "award_withdrawal", "certificate", "certificate_correction"},
    "final": {"certificate", "certificate_correction", "provincial_outcome"},
}


@pytest.mark.parametrize("phase", rules.PHASES)
@pytest.mark.parametrize("kind", sorted(rules.WRITES))
def test_each_kind_in_each_phase(kind, phase):
    error = rules.write_error(kind, phase)
    if kind in ALLOWED[phase]:
        assert error is None
    else:
        assert error is not None and str(error)


def test_the_table_names_every_kind_the_phases_allow():
    assert set().union(*ALLOWED.values()) == set(rules.WRITES)


@pytest.mark.parametrize(
    "state,locked,expected",
    [
        ("draft", False, "preparing"),
        ("open", False, "preparing"),
        ("closed", False, "preparing"),
        ("judging", False, "preparing"),
        ("judging", True, "locked"),
        ("results", False, "ranking"),
        ("results", True, "locked"),
        ("published", True, "published"),
        ("final", True, "final"),
    ],
)
def test_phase_of_a_contest(state, locked, expected):
    assert rules.phase(state, locked) == expected


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        rules.write_error("scores", "preparing")
    with pytest.raises(ValueError):
        rules.write_error("score", "archived")


def test_refusals_differ_by_phase():
    texts = {phase: rules.write_error("score", phase) for phase in ("locked", "published", "final")}
    assert len({repr(t) for t in texts.values()}) == 3


def test_a_write_that_comes_later_says_when():
    assert rules.write_error("objection", "ranking").template.startswith("Objections are recorded while")
    assert rules.write_error("certificate", "locked") != rules.write_error("score", "locked")
    assert rules.write_error("provincial_outcome", "published").template.startswith("Provincial outcomes")
