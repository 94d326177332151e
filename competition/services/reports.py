"""Statistics for the organizer's dashboard and the annual work report, and the provincial
outcome of each nominated entry (recorded when the province's results come back).

Counts are plain data (lists of (label, number...) tuples) so the same numbers feed the page's
charts, its tables and the PDF.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.contest_definition import STAGES
from ..domain.states import EntryState, SheetState
from ..extensions import db
from ..models import Assignment, Contest, District, Entry, Result, Round, School, ScoreSheet, User
from . import ServiceError, audit, write_guard

# What the province sends back. "未获奖" is an outcome too; empty means "not known yet".
PROVINCIAL_OUTCOMES = ("省一等奖", "省二等奖", "省三等奖", "省优秀奖", "未获奖")
NOT_AWARDED = "未获奖"


@dataclass
class JudgingRound:
    name: str
    state: str
    assignments: int = 0
    final: int = 0
    draft: int = 0

    @property
    def not_started(self) -> int:
        return self.assignments - self.final - self.draft

    @property
    def percent(self) -> int:
        return round(100 * self.final / self.assignments) if self.assignments else 0


@dataclass
class ContestReport:
    contest: Contest
    total: int = 0  # every entry but drafts (申报)
    drafts: int = 0
    accepted: int = 0
    awarded: int = 0
    nominated: int = 0
    provincial_known: int = 0
    provincial_won: int = 0
    by_state: list[tuple[str, int]] = field(default_factory=list)
    by_section: list[tuple[str, int]] = field(default_factory=list)
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    # (name, entries, accepted, awarded, nominated, provincial awards)
    by_district: list[tuple[str, int, int, int, int, int]] = field(default_factory=list)
    by_school: list[tuple[str, str, int, int, int, int, int]] = field(default_factory=list)
    awards: list[tuple[str, int]] = field(default_factory=list)
    provincial: list[tuple[str, int]] = field(default_factory=list)
    rounds: list[JudgingRound] = field(default_factory=list)
    judges: list[tuple[str, int, int]] = field(default_factory=list)  # name, assigned, submitted

    @property
    def provincial_rate(self) -> int:
        return round(100 * self.provincial_won / self.nominated) if self.nominated else 0


def provincial_won(outcome: str | None) -> bool:
    return bool(outcome) and outcome != NOT_AWARDED


def _five(counts: list[int]) -> tuple[int, int, int, int, int]:
    """A district's or school's counts: entries, accepted, awarded, nominated, won at the province."""
    return counts[0], counts[1], counts[2], counts[3], counts[4]


def contest_report(contest: Contest) -> ContestReport:
    rep = ContestReport(contest=contest)
    entries = db.session.execute(
        select(Entry.id, Entry.state, Entry.section_id, Entry.stage, Entry.school_id, Entry.provincial_outcome).where(
            Entry.contest_id == contest.id
        )
    ).all()
    results = {r.entry_id: r for r in db.session.scalars(select(Result).where(Result.contest_id == contest.id))}
    schools = {s.id: s for s in db.session.scalars(select(School))}
    districts = {d.id: d.name for d in db.session.scalars(select(District))}
    sections = {s.id: s for s in contest.sections}

    states: Counter = Counter()
    per_section: Counter = Counter()
    per_stage: Counter = Counter()
    awards: Counter = Counter()
    provincial: Counter = Counter()
    per_district: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    per_school: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for e in entries:
        states[e.state] += 1
        if e.state == EntryState.DRAFT:
            rep.drafts += 1
            continue
        rep.total += 1
        school = schools.get(e.school_id)
        district = districts.get(school.district_id, "") if school else ""
        per_section[e.section_id] += 1
        per_stage[e.stage or ""] += 1
        r = results.get(e.id)
        award = r.final_award if r else None
        nominated = bool(r and r.final_nominated)
        won = nominated and provincial_won(e.provincial_outcome)
        counts = (1, e.state == EntryState.ACCEPTED, bool(award), nominated, won)
        for i, n in enumerate(counts):
            per_district[district][i] += n
            per_school[e.school_id][i] += n
        rep.accepted += e.state == EntryState.ACCEPTED
        if award:
            rep.awarded += 1
            awards[award] += 1
        if nominated:
            rep.nominated += 1
            if e.provincial_outcome:
                rep.provincial_known += 1
                provincial[e.provincial_outcome] += 1
            rep.provincial_won += won

    order = list(EntryState)
    rep.by_state = [(s, states[s]) for s in order if states[s]] + [(s, n) for s, n in states.items() if s not in order]
    rep.by_section = [(s.name, per_section[s.id]) for s in contest.sections] + [
        (f"#{sid}", n) for sid, n in per_section.items() if sid not in sections
    ]
    rep.by_stage = [(st, per_stage[st]) for st in STAGES if per_stage[st]] + [
        (st or _("(none)"), n) for st, n in per_stage.items() if st not in STAGES
    ]
    rep.by_district = sorted(
        ((name or _("(none)"), *_five(v)) for name, v in per_district.items()), key=lambda row: (-row[1], row[0])
    )
    rep.by_school = sorted(
        (
            (
                schools[sid].name if sid in schools else str(sid),
                districts.get(schools[sid].district_id, "") if sid in schools else "",
                *_five(v),
            )
            for sid, v in per_school.items()
        ),
        key=lambda row: (-row[2], -row[4], row[0]),
    )
    levels = contest.award_names()
    rep.awards = [(lv, awards[lv]) for lv in levels] + [(lv, n) for lv, n in awards.items() if lv not in levels]
    rep.provincial = [(o, provincial[o]) for o in PROVINCIAL_OUTCOMES if provincial[o]] + [
        (o, n) for o, n in provincial.items() if o not in PROVINCIAL_OUTCOMES
    ]
    rep.rounds, rep.judges = judging_progress(contest)
    return rep


def judging_progress(contest: Contest) -> tuple[list[JudgingRound], list[tuple[str, int, int]]]:
    """Per round: assignments and sheets submitted or in draft; per judge: assigned / submitted."""
    rows = db.session.execute(
        select(Round.id, Round.name, Round.state, Assignment.judge_id, ScoreSheet.state)
        .join(Assignment, Assignment.round_id == Round.id, isouter=True)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id, isouter=True)
        .where(Round.contest_id == contest.id)
        .order_by(Round.number)
    ).all()
    rounds: dict[int, JudgingRound] = {}
    judges: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for round_id, name, state, judge_id, sheet_state in rows:
        jr = rounds.setdefault(round_id, JudgingRound(name, state))
        if judge_id is None:
            continue
        jr.assignments += 1
        judges[judge_id][0] += 1
        if sheet_state == SheetState.FINAL:
            jr.final += 1
            judges[judge_id][1] += 1
        elif sheet_state is not None:
            jr.draft += 1
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(list(judges)))).all()) if judges else {}
    )
    judge_rows = sorted(
        ((names.get(j, str(j)), a, s) for j, (a, s) in judges.items()),
        key=lambda row: (row[2] / row[1] if row[1] else 1, row[0]),
    )
    return list(rounds.values()), judge_rows


def overview(year: int | None = None) -> list[ContestReport]:
    """Every contest (of one year, if given), newest first."""
    query = select(Contest).order_by(Contest.year.desc(), Contest.code)
    if year is not None:
        query = query.where(Contest.year == year)
    return [contest_report(c) for c in db.session.scalars(query)]


def years() -> list[int]:
    return [y for (y,) in db.session.execute(select(Contest.year).distinct().order_by(Contest.year.desc()))]


def nominated_entries(contest: Contest) -> list[tuple[Entry, Result]]:
    """Nominated entries with their results, in the order of the nomination workbook."""
    from .exports import nominated_results

    return [(r.entry, r) for r in nominated_results(contest)]


def record_provincial_outcomes(contest: Contest, outcomes: dict[int, str], actor) -> int:
    """Set the provincial outcome of nominated entries ({entry id: outcome or ""}); audited.

    All or nothing: an unknown outcome or an entry that was not nominated refuses the whole
    change. Returns how many entries changed.
    """
    write_guard.check(contest, "provincial_outcome")
    nominated = {e.id: e for e, _r in nominated_entries(contest)}
    for entry_id, value in outcomes.items():
        if entry_id not in nominated:
            raise ServiceError(_("Entry %(id)s was not recommended to the province.", id=entry_id))
        if value and value not in PROVINCIAL_OUTCOMES:
            raise ServiceError(_("Unknown provincial outcome: %(value)s", value=value))
    changed = 0
    for entry_id, value in outcomes.items():
        entry = nominated[entry_id]
        new = value or None
        if entry.provincial_outcome == new:
            continue
        before = entry.provincial_outcome
        entry.provincial_outcome = new
        audit.record(
            actor,
            "entry.provincial_outcome",
            entry,
            before={"provincial_outcome": before},
            after={"provincial_outcome": new},
        )
        changed += 1
    db.session.flush()
    return changed
