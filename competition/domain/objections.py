"""Objections filed online during the public notice (公示期异议), as the notices of the
provincial and city rounds state them.

Pure module. An objection is accepted only under a real identity and within the notice period:

* **As a person** (个人): 姓名, a scan or photo of an identity document (身份证明), 单位 and a
  phone number.
* **As a unit** (单位): 单位名称, 联系人, phone, and a scan of the objection with the unit's seal
  (加盖公章).
* Both: the entry objected to (its number on the notice), the facts (事实) and, optionally,
  evidence files.
* Anonymous objections (a person without a name or identity document, a unit without its seal)
  and late ones (after the notice's end, or before the notice began) are refused, each with the
  reason.

The organizer then records the finding: founded (属实, stored as ``upheld``) or not founded
(不属实, ``dismissed``), with the reasoning; a founded one may withdraw the entry's award and
nomination in the same step. A finding is final: changing it is a correction, with its reason.
A correction that reverses a founded finding (to not founded) may give back the award and
nomination that this objection withdrew, exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .text import N_, Message, phone_valid

__all__ = [
    "FILER_KINDS",
    "FINDINGS",
    "LIMITS",
    "MAX_CORRECTION_REASON",
    "MAX_REASONING",
    "Finding",
    "ObjectionFiling",
    "correction_problems",
    "filing_problems",
    "finding_problems",
    "window_problem",
]

FILER_KINDS = ("person", "unit")

# Longest accepted text per field (characters).
LIMITS = {"name": 50, "unit": 100, "phone": 30, "entry_number": 60, "facts": 5000}
MIN_FACTS = 20  # "事实" needs more than a word to be looked into

FINDINGS = ("upheld", "dismissed")  # 属实, 不属实
# The reasoning also becomes the reason of the award's withdrawal (at most 2000 characters with
# the objection's reference before it).
MAX_REASONING = 1800
MAX_CORRECTION_REASON = 500


@dataclass(frozen=True)
class ObjectionFiling:
    """What the public form sent, trimmed; the files only as whether they were given."""

    kind: str
    name: str  # 姓名 (person) or 联系人 (unit)
    unit: str  # 单位 (person) or 单位名称 (unit)
    phone: str
    entry_number: str
    facts: str
    has_identity_document: bool = False  # person
    has_sealed_letter: bool = False  # unit


def filing_problems(filing: ObjectionFiling) -> list[Message]:
    """Every reason the filing cannot be accepted, each on its form field; empty when it can."""
    if filing.kind not in FILER_KINDS:
        return [Message(N_("Choose whether you object as a person or as a unit."), field="kind")]
    person = filing.kind == "person"
    problems: list[Message] = []
    if not filing.name:
        problems.append(
            Message(
                N_("Anonymous objections are not accepted: enter your real name.")
                if person
                else N_("Enter the name of the unit's contact person."),
                field="name",
            )
        )
    if not filing.unit:
        problems.append(
            Message(N_("Enter where you work or study.") if person else N_("Enter the unit's full name."), field="unit")
        )
    if not filing.phone:
        problems.append(Message(N_("Enter a phone number at which we can reach you."), field="phone"))
    elif not phone_valid(filing.phone):
        problems.append(
            Message(N_("%(phone)s is not a phone number we can call."), {"phone": filing.phone}, field="phone")
        )
    if person and not filing.has_identity_document:
        problems.append(
            Message(
                N_("Anonymous objections are not accepted: attach a scan or photo of your identity document."),
                field="identity_document",
            )
        )
    if not person and not filing.has_sealed_letter:
        problems.append(
            Message(
                N_("An objection by a unit needs a scan of its letter bearing the unit's seal."),
                field="sealed_letter",
            )
        )
    if not filing.entry_number:
        problems.append(Message(N_("Enter the number of the entry on the notice."), field="entry_number"))
    if len(filing.facts) < MIN_FACTS:
        problems.append(
            Message(
                N_("Describe the facts in at least %(n)d characters: what is wrong, and how you know it."),
                {"n": MIN_FACTS},
                field="facts",
            )
        )
    for key, limit in LIMITS.items():
        value = getattr(filing, key)
        if len(value) > limit:
            problems.append(
                Message(
                    N_("At most %(max)d characters here; this has %(length)d."),
                    {"max": limit, "length": len(value)},
                    field=key,
                )
            )
    return problems


def window_problem(now: datetime, starts_at: datetime | None, ends_at: datetime | None) -> Message | None:
    """Why an objection cannot be filed at ``now`` (all times in one zone), or None. The notice
    runs from ``starts_at`` to ``ends_at`` (end excluded)."""
    if starts_at is None or ends_at is None or now < starts_at:
        return Message(N_("These results are not on public notice, so no objection can be filed."))
    if now >= ends_at:
        return Message(
            N_("The public notice ended on %(end)s; objections filed after it are not accepted."),
            {"end": ends_at.strftime("%Y-%m-%d %H:%M")},
        )
    return None


@dataclass(frozen=True)
class Finding:
    """What the organizer found: ``outcome`` one of FINDINGS, the reasoning, and whether the
    entry's award and nomination are withdrawn with it (founded) or, in a correction to not
    founded, given back (``reinstate``: the ones this objection withdrew)."""

    outcome: str
    reasoning: str
    withdraw: bool = False
    reinstate: bool = False


def finding_problems(finding: Finding, *, can_withdraw: bool, can_reinstate: bool = False) -> list[Message]:
    """Every reason the finding cannot be recorded, each on its form field. ``can_withdraw``: the
    entry objected to still has an award or a nomination to lose; ``can_reinstate``: this
    objection withdrew the entry's award and nomination, and they are still withdrawn."""
    problems: list[Message] = []
    if finding.outcome not in FINDINGS:
        problems.append(Message(N_("Choose whether the objection is founded or not founded."), field="finding"))
    if not finding.reasoning:
        problems.append(
            Message(N_("Write down the reasoning: what was checked and what it showed."), field="reasoning")
        )
    elif len(finding.reasoning) > MAX_REASONING:
        problems.append(
            Message(
                N_("At most %(max)d characters here; this has %(length)d."),
                {"max": MAX_REASONING, "length": len(finding.reasoning)},
                field="reasoning",
            )
        )
    if finding.withdraw and finding.outcome == "dismissed":
        problems.append(
            Message(N_("Only a founded objection withdraws the award; untick the withdrawal."), field="withdraw")
        )
    elif finding.withdraw and not can_withdraw:
        problems.append(Message(N_("This entry has no award or nomination left to withdraw."), field="withdraw"))
    if finding.reinstate and finding.outcome != "dismissed":
        problems.append(
            Message(
                N_("Only a correction to not founded gives the withdrawn award back; untick the reinstatement."),
                field="reinstate",
            )
        )
    elif finding.reinstate and not can_reinstate:
        problems.append(
            Message(
                N_("This objection withdrew no award or nomination that is still withdrawn: nothing to give back."),
                field="reinstate",
            )
        )
    return problems


def correction_problems(
    before: Finding, after: Finding, reason: str, *, can_withdraw: bool, can_reinstate: bool = False
) -> list[Message]:
    """Every reason a correction of the settled finding ``before`` to ``after`` cannot be
    recorded: the finding's own problems, the reason for the correction, and a change at all."""
    problems = finding_problems(after, can_withdraw=can_withdraw, can_reinstate=can_reinstate)
    if not reason:
        problems.append(Message(N_("Write down why the finding is corrected."), field="reason"))
    elif len(reason) > MAX_CORRECTION_REASON:
        problems.append(
            Message(
                N_("At most %(max)d characters here; this has %(length)d."),
                {"max": MAX_CORRECTION_REASON, "length": len(reason)},
                field="reason",
            )
        )
    same = (before.outcome, before.reasoning) == (after.outcome, after.reasoning)
    if same and not after.withdraw and not after.reinstate and not problems:
        problems.append(
            Message(N_("This correction changes nothing: change the finding or its reasoning."), field="finding")
        )
    return problems
