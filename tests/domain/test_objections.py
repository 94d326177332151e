"""Who may file an objection online, and when (公示期异议)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from competition.domain.objections import ObjectionFiling, filing_problems, window_problem

FACTS = "该项目的研究报告与2021年外省获奖作品雷同，附两份报告的对照页。"

PERSON = ObjectionFiling(
    kind="person",
    name="王芳",
    unit="淮北市第一中学",
    phone="13905610001",
    entry_number="CX2026-XS-001",
    facts=FACTS,
    has_identity_document=True,
)
UNIT = replace(
    PERSON, kind="unit", name="李强", unit="淮北市某某科技馆", has_identity_document=False, has_sealed_letter=True
)


def fields(filing: ObjectionFiling) -> list[str | None]:
    return [m.field for m in filing_problems(filing)]


def test_a_complete_filing_is_accepted() -> None:
    assert filing_problems(PERSON) == [] and filing_problems(UNIT) == []


def test_anonymous_filings_are_refused_with_the_reason() -> None:
    nameless = filing_problems(replace(PERSON, name=""))
    assert [str(m) for m in nameless] == ["Anonymous objections are not accepted: enter your real name."]
    assert fields(replace(PERSON, has_identity_document=False)) == ["identity_document"]
    # a unit without its seal is anonymous too; a person's document does not stand in for it
    assert fields(replace(UNIT, has_sealed_letter=False, has_identity_document=True)) == ["sealed_letter"]
    assert fields(replace(PERSON, kind="company")) == ["kind"]


def test_every_missing_or_wrong_field_is_named() -> None:
    empty = ObjectionFiling(kind="person", name="", unit="", phone="", entry_number="", facts="")
    assert fields(empty) == ["name", "unit", "phone", "identity_document", "entry_number", "facts"]
    assert [str(m) for m in filing_problems(replace(PERSON, phone="12345"))] == [
        "12345 is not a phone number we can call."
    ]
    # 19 characters of facts are too few, 20 are enough
    assert fields(replace(PERSON, facts="一" * 19)) == ["facts"]
    assert fields(replace(PERSON, facts="一" * 20)) == []
    too_long = filing_problems(replace(PERSON, name="王" * 51))
    assert [(m.field, str(m)) for m in too_long] == [("name", "At most 50 characters here; this has 51.")]


def test_only_within_the_notice_period() -> None:
    start, end = datetime(2026, 5, 8, 9, 0), datetime(2026, 5, 15, 9, 0)  # 7 days
    assert window_problem(datetime(2026, 5, 8, 9, 0), start, end) is None
    assert window_problem(datetime(2026, 5, 15, 8, 59), start, end) is None
    late = window_problem(datetime(2026, 5, 15, 9, 0), start, end)
    assert str(late) == "The public notice ended on 2026-05-15 09:00; objections filed after it are not accepted."
    early = window_problem(datetime(2026, 5, 8, 8, 59), start, end)
    assert str(early) == "These results are not on public notice, so no objection can be filed."
    assert window_problem(datetime(2026, 5, 9), None, None) == early
