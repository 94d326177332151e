"""Progress of a round for the organizer: per judge, per entry, entries short of final scores,
and each judge's score distribution (to see a harsh or lenient judge). Read only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ...domain import ranking, scoring
from ...domain.states import SheetState
from ...extensions import db
from ...models import Conflict, Entry, Round, User
from .assignments import round_assignments
from .panel import group_label, round_entries, round_judges, round_k
from .sheets import sheet_state


@dataclass
class JudgeProgress:
    judge: User
    pool: str | None
    assigned: int = 0
    final: int = 0
    draft: int = 0
    todo: int = 0
    unpublished: int = 0
    overdue: int = 0
    last_saved: datetime | None = None  # the judge's latest save or submit in this round

    @property
    def missing(self) -> int:
        return self.draft + self.todo


@dataclass
class EntryProgress:
    entry: Entry
    group: str
    judges: int = 0
    final: int = 0
    draft: int = 0
    todo: int = 0
    declared: list[str] = field(default_factory=list)  # judges who declared a conflict
    k: int = 5

    @property
    def short(self) -> bool:
        return self.final < self.k

    @property
    def needs_judges(self) -> bool:
        return self.judges < self.k


@dataclass
class RoundProgress:
    judges: list[JudgeProgress]
    entries: list[EntryProgress]
    k: int
    overdue: bool
    closes_at: datetime | None

    @property
    def short_entries(self) -> list[EntryProgress]:
        return [e for e in self.entries if e.short]

    @property
    def replacement_needed(self) -> list[EntryProgress]:
        return [e for e in self.entries if e.needs_judges]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "sheets": sum(j.assigned for j in self.judges),
            "final": sum(j.final for j in self.judges),
            "draft": sum(j.draft for j in self.judges),
            "todo": sum(j.todo for j in self.judges),
            "entries": len(self.entries),
            "complete": sum(1 for e in self.entries if not e.short),
        }


def progress(rnd: Round, now: datetime) -> RoundProgress:
    """Who has scored what in the round; ``overdue`` counts unsubmitted sheets after
    ``judging_closes_at``."""
    contest = rnd.contest
    k = round_k(rnd)
    closes = contest.judging_closes_at
    late = closes is not None and now > closes
    group_by = contest.settings_view.ranking_group_by
    judges = {rj.judge_id: JudgeProgress(rj.judge, rj.pool) for rj in round_judges(rnd)}
    entries = {e.id: EntryProgress(e, group_label(e, group_by), k=k) for e in round_entries(rnd)}
    for a in round_assignments(rnd):
        jp = judges.get(a.judge_id)
        if jp is None:
            jp = judges[a.judge_id] = JudgeProgress(db.session.get_one(User, a.judge_id), None)
        ep = entries.get(a.entry_id)
        sheet = a.sheet
        state = sheet_state(sheet)
        jp.assigned += 1
        if not a.published:
            jp.unpublished += 1
        setattr(jp, state, getattr(jp, state) + 1)
        if sheet is not None and state != "todo" and (jp.last_saved is None or sheet.updated_at > jp.last_saved):
            jp.last_saved = sheet.updated_at
        if late and state != SheetState.FINAL and a.published:
            jp.overdue += 1
        if ep is not None:
            ep.judges += 1
            setattr(ep, state, getattr(ep, state) + 1)
    if entries:
        rows = db.session.execute(
            select(Conflict.entry_id, User.name)
            .join(User, Conflict.judge_id == User.id)
            .where(Conflict.source == "declared", Conflict.entry_id.in_(list(entries)))
        ).all()
        for entry_id, name in rows:
            entries[entry_id].declared.append(name)
    ordered = sorted(entries.values(), key=lambda e: (e.group, e.entry.number or "", e.entry.id))
    return RoundProgress(
        sorted(judges.values(), key=lambda j: (-j.overdue, -j.missing, j.judge.name)), ordered, k, late, closes
    )


def distributions(rnd: Round) -> list[dict]:
    """Per judge: the five-number summary of their totals that count and, from the ranking engine,
    how many points they give above (lenient) or below (harsh) the average judge."""
    by_judge: dict[int, list[float]] = {}
    records = []
    names = {}
    for a in round_assignments(rnd):
        sheet = a.sheet
        total = sheet.total if sheet is not None else None
        if sheet is not None and total is not None and scoring.counts(sheet.state, total):
            by_judge.setdefault(a.judge_id, []).append(float(total))
            records.append(ranking.ScoreRecord(a.entry_id, a.judge_id, float(total)))
    if not records:
        return []
    for user in db.session.scalars(select(User).where(User.id.in_(list(by_judge)))):
        names[user.id] = user.name
    effects = {}
    try:
        outcome = ranking.rank(records, "calibrated")
        effects = {j.judge_id: j for j in outcome.judges}
    except (ValueError, ArithmeticError):  # too few scores to fit: show the plain numbers
        effects = {}
    rows = []
    for judge_id, values in by_judge.items():
        summary = scoring.distribution(values) or {}  # never None: every judge here has a value
        effect = effects.get(judge_id)
        rows.append(
            {
                "judge_id": judge_id,
                "name": names.get(judge_id, str(judge_id)),
                **summary,
                "severity": round(effect.severity, 2) if effect else None,
            }
        )
    return sorted(rows, key=lambda r: (r["mean"], r["name"]))
