"""Who may file an objection online, and when (公示期异议)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from competition.domain.objections import (
    MAX_CORRECTION_REASON,
    MAX_REASONING,
    Finding,
    ObjectionFiling,
    correction_problems,
    filing_problems,
    finding_problems,
    window_problem,
)

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


# ---------------------------------------------------------------- the finding ----


def finding_fields(finding: Finding, can_withdraw: bool = True) -> list[str | None]:
    return [m.field for m in finding_problems(finding, can_withdraw=can_withdraw)]


def test_a_finding_needs_its_outcome_and_reasoning() -> None:
    assert finding_fields(Finding("upheld", "经核查属实。", withdraw=True)) == []
    assert finding_fields(Finding("dismissed", "数据有出处。")) == []
    assert finding_fields(Finding("", "")) == ["finding", "reasoning"]
    assert finding_fields(Finding("maybe", "理由")) == ["finding"]
    # 1800 characters are the most; 1801 are refused with both numbers
    assert finding_fields(Finding("upheld", "查" * MAX_REASONING)) == []
    [too_long] = finding_problems(Finding("upheld", "查" * (MAX_REASONING + 1)), can_withdraw=True)
    assert too_long.field == "reasoning" and too_long.params == {"max": 1800, "length": 1801}


def test_only_a_founded_finding_withdraws_and_only_what_is_left() -> None:
    assert finding_fields(Finding("dismissed", "不属实。", withdraw=True)) == ["withdraw"]
    assert finding_fields(Finding("upheld", "属实。", withdraw=True), can_withdraw=False) == ["withdraw"]
    assert finding_fields(Finding("upheld", "属实。"), can_withdraw=False) == []  # founded, nothing to take


def test_a_correction_needs_a_reason_and_a_change() -> None:
    was = Finding("dismissed", "数据有出处。")
    assert correction_problems(was, Finding("upheld", "复核属实。"), "收到原作者来函", can_withdraw=True) == []
    # the reasoning alone may change
    assert correction_problems(was, Finding("dismissed", "数据出处已核实。"), "补充理由", can_withdraw=True) == []
    assert [m.field for m in correction_problems(was, Finding("upheld", "复核属实。"), "", can_withdraw=True)] == [
        "reason"
    ]
    [same] = correction_problems(was, was, "复核", can_withdraw=True)
    assert same.field == "finding" and "changes nothing" in same.template
    # 500 characters of reason are the most
    assert correction_problems(was, Finding("upheld", "属实。"), "因" * MAX_CORRECTION_REASON, can_withdraw=True) == []
    [long_reason] = correction_problems(
        was, Finding("upheld", "属实。"), "因" * (MAX_CORRECTION_REASON + 1), can_withdraw=True
    )
    assert long_reason.params == {"max": 500, "length": 501}


def test_a_correction_to_not_founded_gives_back_what_this_objection_withdrew() -> None:
    was = Finding("upheld", "经核查属实。", withdraw=True)
    back = Finding("dismissed", "复核认定数据系作者本人早期成果。", reinstate=True)
    assert correction_problems(was, back, "原作者来函澄清", can_withdraw=False, can_reinstate=True) == []
    # founded still: nothing is given back
    [founded] = correction_problems(
        was, Finding("upheld", "补充理由。", reinstate=True), "补充", can_withdraw=False, can_reinstate=True
    )
    assert founded.field == "reinstate" and "Only a correction to not founded" in founded.template
    # nothing this objection withdrew is still withdrawn (it withdrew none, or it is back already)
    [nothing] = correction_problems(was, back, "原作者来函澄清", can_withdraw=False, can_reinstate=False)
    assert nothing.field == "reinstate" and "nothing to give back" in nothing.template
    # a first finding never gives back: only a correction of a finding that withdrew can
    assert finding_fields(Finding("dismissed", "不属实。", reinstate=True)) == ["reinstate"]
    # giving back is a change even with the same words (the award returns)
    same_words = Finding("dismissed", "数据有出处。", reinstate=True)
    assert (
        correction_problems(
            Finding("dismissed", "数据有出处。"), same_words, "撤销有误", can_withdraw=False, can_reinstate=True
        )
        == []
    )
