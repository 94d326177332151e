"""The organizer's decisions on a draft: ties at award or quota lines, awards and nominations by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

from flask_babel import gettext as _
from sqlalchemy import select

from ...domain.explain import decode
from ...domain.states import ContestState, can_rank
from ...extensions import db
from ...models import Contest, Result
from ...models.results import NO_AWARD, TieDecision
from .. import ServiceError, audit, write_guard
from .awards import resettle
from .explain import render
from .reads import get_run, group_label

MAX_REASON = 2000


def tie_description(contest: Contest, tie: Mapping) -> str:
    """'学生科技创新成果 · 初中: 一等奖 line' or 'nomination: school cap of 2 ...', translated."""
    if tie["kind"] == "award":
        group, _sep, part = tie["group"].partition("#")
        where = group_label(contest, group) + (" " + _("(part %(n)s)", n=part) if part else "")
        return _("%(group)s: the %(level)s line", group=where, level=tie["level"])
    label = render(decode([tie["label"]])) if tie.get("label") else _("quota")
    return _("Nominations: %(line)s", line=label)


def tie_entries(contest: Contest, tie: Mapping) -> list[Result]:
    return list(
        db.session.scalars(
            select(Result)
            .where(Result.contest_id == contest.id, Result.entry_id.in_(tie["entry_ids"]))
            .order_by(Result.entry_id)
        )
    )


def decide_tie(contest: Contest, index: int, chosen: Iterable[int], *, actor, reason: str) -> TieDecision:
    """Settle the run's unresolved tie number ``index``: ``chosen`` entries go above the line."""
    check_draft(contest)
    reason = written_reason(reason)
    run = get_run(contest)
    if run is None or not 0 <= index < len(run.ties):
        raise ServiceError(_("This tie no longer exists; the page was out of date. Please look again."))
    tie = run.ties[index]
    chosen = sorted({int(e) for e in chosen})
    if not set(chosen) <= set(tie["entry_ids"]):
        raise ServiceError(_("Choose only entries that are in the tie."))
    if tie["kind"] == "nomination" and not chosen:
        raise ServiceError(_("Choose the entries to nominate."))
    if tie["kind"] == "nomination" and tie["places"] and len(chosen) > tie["places"]:
        raise ServiceError(_("Only %(n)d places are left at this line: choose at most %(n)d entries.", n=tie["places"]))
    decision = TieDecision(
        contest_id=contest.id,
        kind=tie["kind"],
        group_key=tie.get("group"),
        level=tie.get("level"),
        entry_ids=sorted(tie["entry_ids"]),
        chosen=chosen,
        reason=reason,
        decided_by_id=getattr(actor, "id", None),
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor,
        "results.tie_decision",
        decision,
        contest_id=contest.id,
        before={"tie": tie},
        after={"chosen": chosen},
        reason=reason,
    )
    resettle(contest)
    return decision


# ------------------------------------------------------------ overrides ----


KEEP: Final = "keep"


def written_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Write down the reason for this change."), "reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(_("The reason is too long (at most %(n)d characters).", n=MAX_REASON), "reason")
    return reason


def check_draft(contest: Contest) -> None:
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen."))
    if not can_rank(contest.state):
        raise ServiceError(_("Results can be changed only before they are published."))
    write_guard.check(contest, "result_decision")


def award_counts(contest: Contest, rows: Iterable[Result]) -> dict[str, int]:
    """Awards as they stand, in the order of the contest's levels."""
    counts = dict.fromkeys(award_choices(contest), 0)
    for r in rows:
        if r.final_award:
            counts[r.final_award] = counts.get(r.final_award, 0) + 1
    return {k: v for k, v in counts.items() if v}


def award_choices(contest: Contest) -> list[str]:
    return contest.award_names()


def override_result(
    result: Result, *, actor, award: str | None = KEEP, nominated: bool | None | Literal["keep"] = KEEP, reason: str
) -> None:
    """Change a result by hand. ``award``: a level, None (no award) or KEEP; ``nominated``: True,
    False, None (back to the computed value) or KEEP. ``award=""`` returns to the computed award."""
    contest = db.session.get_one(Contest, result.contest_id)
    check_draft(contest)
    reason = written_reason(reason)
    before = snapshot(result)
    if award != KEEP:
        if award == "":
            result.override_award = None
        elif award is None:
            result.override_award = NO_AWARD
        elif award in award_choices(contest):
            result.override_award = award
        else:
            raise ServiceError(_("Unknown award level %(level)s.", level=award), "award")
    if nominated != KEEP:
        result.override_nominated = nominated
    if result.override_award is None and result.override_nominated is None:
        result.override_reason = None
    else:
        result.override_reason = reason
    db.session.flush()
    audit.record(actor, "results.override", result, before=before, after=snapshot(result), reason=reason)
    resettle(contest)


def snapshot(result: Result) -> dict:
    return {
        "award": result.award,
        "override_award": result.override_award,
        "nominated": result.nominated,
        "override_nominated": result.override_nominated,
        "withdrawn": result.withdrawn,
        "entry_id": result.entry_id,
    }
