"""Judging of a round: who takes part, conflicts (回避), the assignment plan, and scores for others.

Functions other areas call:

* :func:`counted_sheets` - the score sheets that count (``domain.scoring.counts`` in SQL),
  which every ranking, tie-break and submitted count selects from;
* :func:`final_scores` - the submitted (final) weighted totals of a round as ranking
  ``ScoreRecord``s, the input of ``competition.domain.ranking.rank``;
* :func:`criterion_means` - per entry mean of one criterion over those sheets (tie-breaks
  such as ``criterion:novelty`` / ``criterion:创新性``);
* :func:`group_key` / :func:`group_label` - the ranking group of an entry.

Score sheets (drafts, submission, reopening) are in ``judging_sheets``; promotion,
re-judging and round combination in ``judging_rounds``; progress and statistics in
``judging_stats``.  Like every service, these flush and never commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import selectinload

from ..domain import assignment as planner
from ..domain.ranking import ScoreRecord
from ..domain.states import EntryState, RoundState, SheetState
from ..domain.text import Message
from ..extensions import db
from ..i18n.messages import translate
from ..models import (
    Adviser,
    Assignment,
    Conflict,
    Contest,
    Criterion,
    Entry,
    Round,
    RoundEntry,
    RoundJudge,
    Rubric,
    School,
    ScoreSheet,
    User,
    utcnow,
)
from . import ServiceError, audit, write_guard

CONFLICT_KINDS = ("school", "advised", "district", "relative", "other")


def tr(message: Message | str | None) -> str:
    """Translate a domain message whose parameters may be messages themselves."""
    if message is None:
        return ""
    if isinstance(message, Message):
        params = {k: tr(v) if isinstance(v, Message) else v for k, v in message.params.items()}
        return translate(Message(message.template, params, message.field, message.where))
    return translate(message)


# --------------------------------------------------------------------------- rounds


def get_round(contest: Contest, number: int) -> Round | None:
    return next((r for r in contest.rounds if r.number == number), None)


def round_k(rnd: Round) -> int:
    """Judges per entry in this round: the round's own number, else the contest's."""
    return rnd.judges_per_entry or rnd.contest.judges_per_entry or 5


def is_first_round(rnd: Round) -> bool:
    return rnd.number == min(r.number for r in rnd.contest.rounds)


def group_key(entry: Entry, group_by: Iterable[str]) -> tuple:
    """The ranking group (评比组别) of an entry, from the ``ranking_group_by`` setting."""
    key = []
    for name in group_by:
        key.append(entry.section_id if name == "section" else getattr(entry, name, None))
    return tuple(key)


def group_label(entry: Entry, group_by: Iterable[str]) -> str:
    parts = []
    for name in group_by:
        value = entry.section.name if name == "section" else getattr(entry, name, None)
        parts.append(str(value) if value else "—")
    return " · ".join(parts)


def sync_round_entries(rnd: Round, actor=None) -> list[Entry]:
    """The entries of the round. The first round takes every accepted entry of the contest
    (added as they are accepted; an entry no longer accepted leaves unless scored)."""
    rows = {re.entry_id: re for re in db.session.scalars(
        select(RoundEntry).where(RoundEntry.round_id == rnd.id))}
    if is_first_round(rnd):
        accepted = db.session.scalars(
            select(Entry.id).where(Entry.contest_id == rnd.contest_id, Entry.state == EntryState.ACCEPTED)
        ).all()
        for entry_id in accepted:
            if entry_id not in rows:
                rows[entry_id] = RoundEntry(round_id=rnd.id, entry_id=entry_id, source="accepted",
                                            added_by_id=getattr(actor, "id", None))
                db.session.add(rows[entry_id])
        gone = set(rows) - set(accepted)
        scored = _entries_with_sheets(rnd, gone)
        for entry_id in gone - scored:
            db.session.delete(rows.pop(entry_id))
            db.session.execute(delete(Assignment).where(Assignment.round_id == rnd.id,
                                                        Assignment.entry_id == entry_id))
        db.session.flush()
    return round_entries(rnd)


def _entries_with_sheets(rnd: Round, entry_ids) -> set[int]:
    if not entry_ids:
        return set()
    return set(db.session.scalars(
        select(Assignment.entry_id).join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.round_id == rnd.id, Assignment.entry_id.in_(list(entry_ids)))
    ))


def round_entries(rnd: Round) -> list[Entry]:
    return list(db.session.scalars(
        select(Entry).join(RoundEntry, RoundEntry.entry_id == Entry.id)
        .where(RoundEntry.round_id == rnd.id)
        .options(selectinload(Entry.advisers), selectinload(Entry.section), selectinload(Entry.school))
        .order_by(Entry.number, Entry.id)
    ))


def round_judges(rnd: Round) -> list[RoundJudge]:
    return list(db.session.scalars(
        select(RoundJudge).where(RoundJudge.round_id == rnd.id)
        .options(selectinload(RoundJudge.judge)).order_by(RoundJudge.pool, RoundJudge.judge_id)
    ))


def add_round_judges(rnd: Round, judge_ids: Iterable[int], *, pool: str | None, actor,
                     capacity: int | None = None) -> int:
    """Put judges on the round's panel (评委库) in ``pool``; a judge already there moves pool."""
    write_guard.check(rnd.contest, "assignment")
    pool = (pool or "").strip() or None
    if capacity is not None and capacity < 1:
        raise ServiceError(_("The workload limit must be at least 1."), "capacity")
    existing = {rj.judge_id: rj for rj in round_judges(rnd)}
    added = 0
    for judge_id in sorted(set(judge_ids)):
        user = db.session.get(User, judge_id)
        if user is None or not user.has_role("judge"):
            raise ServiceError(_("Only accounts with the judge role can be added."), "judges")
        row = existing.get(judge_id)
        if row is None:
            db.session.add(RoundJudge(round_id=rnd.id, judge_id=judge_id, pool=pool, capacity=capacity))
            added += 1
        else:
            row.pool, row.capacity = pool, capacity
    db.session.flush()
    audit.record(actor, "judging.judges_added", rnd, after={"judges": sorted(set(judge_ids)), "pool": pool},
                 contest_id=rnd.contest_id)
    return added


def remove_round_judge(rj: RoundJudge, *, actor) -> None:
    """Take a judge off the panel; refused once the judge has a score sheet in the round."""
    write_guard.check(db.session.get(Round, rj.round_id).contest, "assignment")
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.round_id == rj.round_id, Assignment.judge_id == rj.judge_id)).all()
    if any(a.sheet is not None for a in assignments):
        raise ServiceError(_("This judge has already scored entries in this round and cannot be removed. "
                             "Use “Release unsubmitted” to give their other entries back."))
    for a in assignments:
        db.session.delete(a)
    rnd = db.session.get(Round, rj.round_id)
    audit.record(actor, "judging.judge_removed", rnd, before={"judge_id": rj.judge_id,
                                                              "assignments": len(assignments)},
                 contest_id=rnd.contest_id)
    db.session.delete(rj)
    db.session.flush()


def release_round_judge(rj: RoundJudge, *, actor, reason: str | None = None) -> int:
    """Give back the entries a judge has not submitted (a judge who fell ill or dropped out).

    Submitted sheets stay and count. Drafts are discarded, their scores kept in the audit log
    as for any removed assignment. The judge's workload limit becomes what they keep, so
    planning again gives the released entries to other judges; a judge who keeps nothing
    leaves the panel. Returns the number of entries released.
    """
    write_guard.check(db.session.get(Round, rj.round_id).contest, "assignment")
    rnd = db.session.get(Round, rj.round_id)
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.round_id == rj.round_id, Assignment.judge_id == rj.judge_id)).all()
    released = [a for a in assignments if not (a.sheet is not None and a.sheet.state == SheetState.FINAL)]
    if not released:
        raise ServiceError(_("%(name)s has submitted every entry of this round; there is nothing to release.",
                             name=rj.judge.name))
    kept = len(assignments) - len(released)
    for a in released:
        remove_assignment(a, actor=actor, reason=reason or _("Released: the judge's unsubmitted entries"))
    if kept:
        rj.capacity = kept
    else:
        db.session.delete(rj)
    db.session.flush()
    audit.record(actor, "judging.judge_released", rnd, reason=reason,
                 before={"judge_id": rj.judge_id, "assignments": len(assignments)},
                 after={"kept": kept, "released": len(released)}, contest_id=rnd.contest_id)
    return len(released)


# --------------------------------------------------------------------------- conflicts


def judge_school_id(user: User, schools_by_name: dict[str, int] | None = None) -> int | None:
    """The judge's school: their account's school, else a school named like their affiliation."""
    if user.school_id is not None:
        return user.school_id
    if user.affiliation:
        if schools_by_name is None:
            return db.session.scalar(select(School.id).where(School.name == user.affiliation.strip()))
        return schools_by_name.get(user.affiliation.strip())
    return None


def _judge_district(user: User, school_id: int | None, district_of_school: dict[int, int]) -> int | None:
    if user.district_id is not None:
        return user.district_id
    return district_of_school.get(school_id) if school_id is not None else None


def advised(user: User, adviser: Adviser, school_name: str | None) -> bool:
    """The judge advised the entry: linked account, or same name and unit (affiliation or school)."""
    if adviser.user_id is not None:
        return adviser.user_id == user.id
    if not adviser.name or adviser.name.strip() != (user.name or "").strip():
        return False
    unit = (adviser.unit or "").strip()
    return bool(unit) and unit in {(user.affiliation or "").strip(), (school_name or "").strip()}


@dataclass
class PlanInputs:
    entries: list[planner.EntryInfo]
    judges: list[planner.JudgeInfo]
    conflicts: dict[tuple[int, int], str]
    automatic: dict[tuple[int, int], str]
    exclude_same_district: bool
    k: int


def plan_inputs(rnd: Round, entries: list[Entry] | None = None,
                panel: list[RoundJudge] | None = None) -> PlanInputs:
    """The domain's view of a round: entries, judges, conflicts (declared and organizer-set by
    reason), and the automatic conflicts found from schools, advisers and districts."""
    contest = rnd.contest
    entries = round_entries(rnd) if entries is None else entries
    panel = round_judges(rnd) if panel is None else panel
    group_by = contest.settings_view.ranking_group_by
    exclude_district = bool(contest.settings_view.exclude_same_district)
    schools = db.session.execute(select(School.id, School.name, School.district_id)).all()
    by_name = {name: sid for sid, name, _d in schools}
    name_of = {sid: name for sid, name, _d in schools}
    district_of = {sid: d for sid, _n, d in schools}
    judges, automatic = [], {}
    by_user: dict[int, User] = {}
    by_person: dict[str, list[User]] = {}
    judge_school: dict[int, int | None] = {}
    for rj in panel:
        user = rj.judge
        sid = judge_school_id(user, by_name)
        judge_school[user.id] = sid
        by_user[user.id] = user
        by_person.setdefault((user.name or "").strip(), []).append(user)
        judges.append(planner.JudgeInfo(
            judge_id=user.id, school_id=sid, district_id=_judge_district(user, sid, district_of),
            subjects=frozenset(user.subject_list), pool=rj.pool, capacity=rj.capacity))
    by_school: dict[int, list[int]] = {}
    by_district: dict[int, list[int]] = {}
    for judge in judges:
        if judge.school_id is not None:
            by_school.setdefault(judge.school_id, []).append(judge.judge_id)
        if judge.district_id is not None:
            by_district.setdefault(judge.district_id, []).append(judge.judge_id)
    infos = []
    for entry in entries:
        advisers = set()
        for a in entry.advisers:
            candidates = ([by_user[a.user_id]] if a.user_id in by_user
                          else by_person.get((a.name or "").strip(), []))
            for user in candidates:
                if advised(user, a, name_of.get(judge_school[user.id])):
                    advisers.add(user.id)
        district = district_of.get(entry.school_id)
        info = planner.EntryInfo(entry_id=entry.id, group=group_key(entry, group_by),
                                 school_id=entry.school_id, district_id=district,
                                 subject=entry.subject or "", adviser_ids=frozenset(advisers))
        infos.append(info)
        if exclude_district:
            for judge_id in by_district.get(district, ()):
                automatic[(judge_id, entry.id)] = "district"
        for judge_id in by_school.get(entry.school_id, ()):
            automatic[(judge_id, entry.id)] = "school"
        for judge_id in advisers:
            automatic[(judge_id, entry.id)] = "advised"
    entry_ids = [e.id for e in entries]
    judge_ids = [j.judge_id for j in judges]
    conflicts = {}
    if entry_ids and judge_ids:
        for c in db.session.scalars(select(Conflict).where(
                Conflict.entry_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids),
                Conflict.source != "automatic")):
            conflicts[(c.judge_id, c.entry_id)] = c.reason or conflict_kind_label(c.kind)
    return PlanInputs(infos, judges, conflicts, automatic, exclude_district, round_k(rnd))


def conflict_kind_label(kind: str) -> str:
    labels = {
        "school": _("Same school"),
        "advised": _("Adviser of the entry"),
        "district": _("Same district"),
        "relative": _("Relative or close relation"),
        "other": _("Other reason"),
    }
    return labels.get(kind, kind)


def sync_conflicts(rnd: Round, inputs: PlanInputs | None = None) -> tuple[int, int]:
    """Write the automatic conflicts of the round's judges and entries into the Conflict table
    (kind school / advised / district, source automatic); stale automatic rows go.
    Declared and organizer-set rows are never touched. Returns (added, removed)."""
    inputs = inputs or plan_inputs(rnd)
    entry_ids = [e.entry_id for e in inputs.entries]
    judge_ids = [j.judge_id for j in inputs.judges]
    if not entry_ids or not judge_ids:
        return 0, 0
    rows = {(c.judge_id, c.entry_id): c for c in db.session.scalars(select(Conflict).where(
        Conflict.entry_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids)))}
    added = removed = 0
    for pair, kind in inputs.automatic.items():
        row = rows.get(pair)
        if row is None:
            db.session.add(Conflict(judge_id=pair[0], entry_id=pair[1], kind=kind, source="automatic"))
            added += 1
        elif row.source == "automatic" and row.kind != kind:
            row.kind = kind
    for pair, row in rows.items():
        if row.source == "automatic" and pair not in inputs.automatic:
            db.session.delete(row)
            removed += 1
    db.session.flush()
    return added, removed


def add_conflict(judge: User, entry: Entry, *, kind: str, reason: str | None, source: str, actor) -> Conflict:
    """Record a declared (by the judge) or organizer-set conflict. The judge's assignments on
    the entry without a final sheet are removed (the entry then needs a replacement judge)."""
    write_guard.check(entry.contest, "assignment")
    reason = (reason or "").strip()
    if source not in ("declared", "organizer"):
        raise ValueError(source)
    if kind not in CONFLICT_KINDS:
        raise ServiceError(_("Choose the kind of conflict."), "kind")
    if source == "declared" and not reason:
        raise ServiceError(_("Please give the reason for the conflict."), "reason")
    row = db.session.scalar(select(Conflict).where(Conflict.judge_id == judge.id,
                                                   Conflict.entry_id == entry.id))
    before = None
    if row is not None:
        before = {"kind": row.kind, "source": row.source, "reason": row.reason}
        if row.source == "organizer" and source == "declared":
            return row  # the organizer's row stands
    assignments = db.session.scalars(select(Assignment).where(Assignment.judge_id == judge.id,
                                                              Assignment.entry_id == entry.id)).all()
    values = {"kind": kind, "source": source, "reason": reason or None,
              "created_by_id": getattr(actor, "id", None), "created_at": utcnow()}
    if row is None:
        row = Conflict(judge_id=judge.id, entry_id=entry.id, **values)
        db.session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    removed = []
    for a in assignments:
        if a.sheet is not None and a.sheet.state == SheetState.FINAL:
            if source == "declared":
                raise ServiceError(_("You have already submitted this score sheet. Ask the organizer "
                                     "to reopen it before declaring a conflict."))
        removed.append({"assignment_id": a.id, "round_id": a.round_id,
                        "scores": a.sheet.scores if a.sheet else None,
                        "state": a.sheet.state if a.sheet else None})
        db.session.delete(a)
    db.session.flush()
    audit.record(actor, f"conflict.{source}", row, before=before,
                 after={"judge_id": judge.id, "entry_id": entry.id, "kind": kind, "reason": reason,
                        "removed_assignments": removed},
                 reason=reason or None, contest_id=entry.contest_id)
    return row


def remove_conflict(row: Conflict, *, actor) -> None:
    """Only organizers remove conflicts, and only declared or organizer-set ones (automatic ones
    follow the data: change the judge's school or the entry's advisers instead)."""
    write_guard.check(db.session.get(Entry, row.entry_id).contest, "assignment")
    if actor is None or not actor.has_role("organizer"):
        raise ServiceError(_("Only an organizer can remove a conflict."))
    if row.source == "automatic":
        raise ServiceError(_("Automatic conflicts follow the judge's school and the entry's advisers "
                             "and cannot be removed by hand."))
    entry = db.session.get(Entry, row.entry_id)
    audit.record(actor, "conflict.removed", row,
                 before={"judge_id": row.judge_id, "entry_id": row.entry_id, "kind": row.kind,
                         "source": row.source, "reason": row.reason}, contest_id=entry.contest_id)
    db.session.delete(row)
    db.session.flush()


def round_conflicts(rnd: Round) -> list[Conflict]:
    entry_ids = select(RoundEntry.entry_id).where(RoundEntry.round_id == rnd.id)
    judge_ids = select(RoundJudge.judge_id).where(RoundJudge.round_id == rnd.id)
    return list(db.session.scalars(
        select(Conflict).where(Conflict.entry_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids))
        .order_by(Conflict.source.desc(), Conflict.created_at.desc())))


# --------------------------------------------------------------------------- the plan


def round_assignments(rnd: Round) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id)
        .options(selectinload(Assignment.sheet)).order_by(Assignment.entry_id, Assignment.judge_id)))


def current_plan(rnd: Round, inputs: PlanInputs | None = None) -> planner.AssignmentPlan:
    """The plan as it stands (loads, judges per entry, connectivity, shortfalls)."""
    inputs = inputs or plan_inputs(rnd)
    pairs = [(a.judge_id, a.entry_id) for a in round_assignments(rnd)]
    return planner.build_plan(pairs, inputs.entries, inputs.judges, inputs.conflicts, k=inputs.k,
                              exclude_same_district=inputs.exclude_same_district)


def run_plan(rnd: Round, *, seed: int = 0, actor, report=None) -> planner.AssignmentPlan:
    """Plan (or re-plan) the round: k judges per entry, no conflicts, balanced and connected.

    Assignments already published or already scored are kept; unpublished ones are planned
    again. A kept assignment that now breaks a conflict is removed (with its draft, audited).
    ``report(step, total)`` is called between steps (for a progress display).
    """
    write_guard.check(rnd.contest, "assignment")
    step = report or (lambda done, total: None)
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    entries = sync_round_entries(rnd, actor)
    step(1, 4)
    panel = round_judges(rnd)
    if not panel:
        raise ServiceError(_("Add judges to this round before planning."))
    if not entries:
        raise ServiceError(_("This round has no entries yet."))
    inputs = plan_inputs(rnd, entries, panel)
    sync_conflicts(rnd, inputs)
    step(2, 4)
    current = round_assignments(rnd)
    keep = {}
    for a in current:
        if a.published or a.sheet is not None:
            keep[(a.judge_id, a.entry_id)] = a
        else:
            db.session.delete(a)
    db.session.flush()
    plan = planner.assign(inputs.entries, inputs.judges, inputs.conflicts, k=inputs.k,
                          exclude_same_district=inputs.exclude_same_district, seed=seed,
                          existing=list(keep))
    step(3, 4)
    for judge_id, entry_id, reason in plan.dropped:
        a = keep.pop((judge_id, entry_id), None)
        if a is not None:
            audit.record(actor, "assignment.dropped", a, reason=tr(reason),
                         before={"judge_id": judge_id, "entry_id": entry_id,
                                 "scores": a.sheet.scores if a.sheet else None},
                         contest_id=rnd.contest_id)
            db.session.delete(a)
    now = utcnow()
    new = 0
    for judge_id, entry_id in plan.assignments:
        if (judge_id, entry_id) not in keep:
            db.session.add(Assignment(round_id=rnd.id, judge_id=judge_id, entry_id=entry_id,
                                      source="plan", created_by_id=getattr(actor, "id", None),
                                      created_at=now))
            new += 1
    db.session.flush()
    audit.record(actor, "judging.plan", rnd, contest_id=rnd.contest_id, after={
        "seed": seed, "k": inputs.k, "kept": len(keep), "new": new,
        "shortfalls": len(plan.infeasible), "spread": {str(k): v for k, v in plan.load_spread.items()},
        "connected": all(plan.is_connected(g) for g in plan.components)})
    step(4, 4)
    return plan


def publish(rnd: Round, *, actor) -> int:
    """Make the round's unpublished assignments visible to their judges."""
    write_guard.check(rnd.contest, "round")
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    rows = db.session.scalars(select(Assignment).where(Assignment.round_id == rnd.id,
                                                       Assignment.published.is_(False))).all()
    if not rows and rnd.state == RoundState.PUBLISHED:
        raise ServiceError(_("There is nothing new to publish."))
    if not rows and not db.session.scalar(select(Assignment.id).where(Assignment.round_id == rnd.id)):
        raise ServiceError(_("Run the plan before publishing it."))
    now = utcnow()
    for a in rows:
        a.published, a.published_at = True, now
    rnd.state = RoundState.PUBLISHED
    db.session.flush()
    audit.record(actor, "judging.publish", rnd, after={"published": len(rows)}, contest_id=rnd.contest_id)
    return len(rows)


def set_round_state(rnd: Round, state: str, *, actor) -> None:
    """Close a round (no more saving) or open it again."""
    write_guard.check(rnd.contest, "round")
    if state not in (RoundState.PUBLISHED, RoundState.CLOSED):
        raise ValueError(state)
    before = rnd.state
    rnd.state = state
    db.session.flush()
    audit.record(actor, "judging.round_state", rnd, before={"state": before}, after={"state": state},
                 contest_id=rnd.contest_id)


def refusal(rnd: Round, judge: User, entry: Entry, inputs: PlanInputs | None = None) -> str | None:
    """Why the judge may not be put on the entry in this round (translated), or None."""
    inputs = inputs or plan_inputs(rnd)
    jinfo = next((j for j in inputs.judges if j.judge_id == judge.id), None)
    einfo = next((e for e in inputs.entries if e.entry_id == entry.id), None)
    if jinfo is None:
        return _("%(name)s is not a judge of this round.", name=judge.name)
    if einfo is None:
        return _("This entry is not in this round.")
    reason = planner.conflict_reason(jinfo, einfo, inputs.conflicts, inputs.exclude_same_district)
    return tr(reason) if reason else None


def add_assignment(rnd: Round, judge: User, entry: Entry, *, actor, source: str = "manual",
                   inputs: PlanInputs | None = None) -> Assignment:
    """Put one judge on one entry (organizer's manual add, re-judging); a conflict refuses it."""
    write_guard.check(rnd.contest, "assignment")
    if rnd.state == RoundState.CLOSED:
        raise ServiceError(_("This round is closed."))
    reason = refusal(rnd, judge, entry, inputs)
    if reason:
        raise ServiceError(_("%(name)s cannot judge this entry: %(reason)s", name=judge.name, reason=reason))
    exists = db.session.scalar(select(Assignment).where(
        Assignment.round_id == rnd.id, Assignment.judge_id == judge.id, Assignment.entry_id == entry.id))
    if exists is not None:
        raise ServiceError(_("%(name)s already judges this entry.", name=judge.name))
    a = Assignment(round_id=rnd.id, judge_id=judge.id, entry_id=entry.id, source=source,
                   created_by_id=getattr(actor, "id", None))
    db.session.add(a)
    db.session.flush()
    audit.record(actor, f"assignment.{source}", a, after={"judge_id": judge.id, "entry_id": entry.id},
                 contest_id=rnd.contest_id)
    return a


def remove_assignment(a: Assignment, *, actor, reason: str | None = None) -> None:
    """Take a judge off an entry. A submitted sheet must be reopened first; a draft is kept in
    the audit log."""
    write_guard.check(a.round.contest, "assignment")
    if a.sheet is not None and a.sheet.state == SheetState.FINAL:
        raise ServiceError(_("This judge has submitted the score sheet; reopen it before removing the judge."))
    audit.record(actor, "assignment.removed", a, reason=reason,
                 before={"judge_id": a.judge_id, "entry_id": a.entry_id, "published": a.published,
                         "scores": a.sheet.scores if a.sheet else None},
                 contest_id=a.round.contest_id)
    db.session.delete(a)
    db.session.flush()


# --------------------------------------------------------------------------- scores for others


def counted_sheets(*columns) -> Select:
    """``select(*columns)`` over the sheets that count (``domain.scoring.counts``: final, with a
    total), joined as Assignment -> ScoreSheet -> Round; the caller adds the round or contest."""
    return (select(*columns).select_from(Assignment)
            .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .join(Round, Round.id == Assignment.round_id)
            .where(ScoreSheet.state == SheetState.FINAL, ScoreSheet.total.is_not(None)))


def final_scores(rnd: Round) -> list[ScoreRecord]:
    """The weighted totals of the round's sheets that count, one ScoreRecord per sheet.

    ``ScoreRecord(entry_id, judge_id, score)`` with the score on 0-100, ready for
    ``competition.domain.ranking.rank``. Drafts never count.
    """
    rows = db.session.execute(
        counted_sheets(Assignment.entry_id, Assignment.judge_id, ScoreSheet.total)
        .where(Assignment.round_id == rnd.id)
        .order_by(Assignment.entry_id, Assignment.judge_id)
    ).all()
    return [ScoreRecord(entry_id, judge_id, float(total)) for entry_id, judge_id, total in rows]


def criterion_means(rnd: Round, code: str) -> dict[int, float]:
    """Mean score of one criterion per entry over the round's sheets that count.

    ``code`` is the criterion's code (``novelty``) or its name (``创新性``), so both forms of
    the ``tie_break`` setting (``criterion:novelty``, ``criterion:创新性``) work. Entries whose
    rubric has no such criterion are left out.
    """
    wanted = set(db.session.scalars(
        select(Criterion.id).join(Rubric, Criterion.rubric_id == Rubric.id).where(
            Rubric.round_id == rnd.id, (Criterion.code == code) | (Criterion.name == code))))
    if not wanted:
        return {}
    sums: dict[int, list[float]] = {}
    rows = db.session.execute(
        counted_sheets(Assignment.entry_id, ScoreSheet.scores).where(Assignment.round_id == rnd.id))
    for entry_id, scores in rows:
        for key, value in (scores or {}).items():
            if key.isdigit() and int(key) in wanted and value is not None:
                sums.setdefault(entry_id, []).append(float(value))
    return {entry_id: round(sum(v) / len(v), 4) for entry_id, v in sums.items()}
