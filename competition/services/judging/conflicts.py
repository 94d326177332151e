"""Conflicts of interest (回避): found from schools, districts and advisers, declared or added by hand;
and the inputs of the assignment plan that they feed."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...domain import assignment as planner
from ...domain.states import SheetState
from ...extensions import db
from ...models import Adviser, Assignment, Conflict, Entry, Round, RoundEntry, RoundJudge, School, User, utcnow
from .. import ServiceError, audit, write_guard
from .panel import group_key, round_entries, round_judges, round_k

CONFLICT_KINDS = ("school", "advised", "district", "relative", "other")


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
    conflicts: dict[planner.Pair, str]  # (judge_id, entry_id) -> reason, for the domain
    automatic: dict[tuple[int, int], str]
    exclude_same_district: bool
    k: int


def plan_inputs(rnd: Round, entries: list[Entry] | None = None, panel: list[RoundJudge] | None = None) -> PlanInputs:
    """The domain's view of a round: entries, judges, conflicts (declared and organizer-set by
    reason), and the automatic conflicts found from schools, advisers and districts."""
    contest = rnd.contest
    entries = round_entries(rnd) if entries is None else entries
    panel = round_judges(rnd) if panel is None else panel
    group_by = contest.settings_view.ranking_group_by
    exclude_district = bool(contest.settings_view.exclude_same_district)
    schools = db.session.execute(select(School.id, School.name, School.district_id)).all()
    by_name = {name: sid for sid, name, _d in schools}
    name_of: dict[int | None, str] = {sid: name for sid, name, _d in schools}
    district_of = {sid: d for sid, _n, d in schools}
    judges, automatic = [], {}
    by_user: dict[int, User] = {}
    by_person: dict[str, list[User]] = {}
    judge_school: dict[int, int | None] = {}
    by_school: dict[int, list[int]] = {}
    by_district: dict[int | None, list[int]] = {}
    for rj in panel:
        user = rj.judge
        sid = judge_school_id(user, by_name)
        judge_district = _judge_district(user, sid, district_of)
        judge_school[user.id] = sid
        by_user[user.id] = user
        by_person.setdefault((user.name or "").strip(), []).append(user)
        judges.append(
            planner.JudgeInfo(
                judge_id=user.id,
                school_id=sid,
                district_id=judge_district,
                subjects=frozenset(user.subject_list),
                pool=rj.pool,
                capacity=rj.capacity,
            )
        )
        if sid is not None:
            by_school.setdefault(sid, []).append(user.id)
        if judge_district is not None:
            by_district.setdefault(judge_district, []).append(user.id)
    infos = []
    for entry in entries:
        advisers = set()
        for a in entry.advisers:
            candidates = [by_user[a.user_id]] if a.user_id in by_user else by_person.get((a.name or "").strip(), [])
            for user in candidates:
                if advised(user, a, name_of.get(judge_school[user.id])):
                    advisers.add(user.id)
        district = district_of.get(entry.school_id)
        info = planner.EntryInfo(
            entry_id=entry.id,
            group=group_key(entry, group_by),
            school_id=entry.school_id,
            district_id=district,
            subject=entry.subject or "",
            adviser_ids=frozenset(advisers),
        )
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
    conflicts: dict[planner.Pair, str] = {}
    if entry_ids and judge_ids:
        for c in db.session.scalars(
            select(Conflict).where(
                Conflict.entry_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids), Conflict.source != "automatic"
            )
        ):
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
    rows = {
        (c.judge_id, c.entry_id): c
        for c in db.session.scalars(
            select(Conflict).where(Conflict.entry_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids))
        )
    }
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
    row = db.session.scalar(select(Conflict).where(Conflict.judge_id == judge.id, Conflict.entry_id == entry.id))
    before = None
    if row is not None:
        before = {"kind": row.kind, "source": row.source, "reason": row.reason}
        if row.source == "organizer" and source == "declared":
            return row  # the organizer's row stands
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.judge_id == judge.id, Assignment.entry_id == entry.id)
    ).all()
    values = {
        "kind": kind,
        "source": source,
        "reason": reason or None,
        "created_by_id": getattr(actor, "id", None),
        "created_at": utcnow(),
    }
    if row is None:
        row = Conflict(judge_id=judge.id, entry_id=entry.id, **values)
        db.session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    removed = []
    for a in assignments:
        if a.sheet is not None and a.sheet.state == SheetState.FINAL and source == "declared":
            raise ServiceError(
                _(
                    "You have already submitted this score sheet. Ask the organizer "
                    "to reopen it before declaring a conflict."
                )
            )
        removed.append(
            {
                "assignment_id": a.id,
                "round_id": a.round_id,
                "scores": a.sheet.scores if a.sheet else None,
                "state": a.sheet.state if a.sheet else None,
            }
        )
        db.session.delete(a)
    db.session.flush()
    audit.record(
        actor,
        f"conflict.{source}",
        row,
        before=before,
        after={
            "judge_id": judge.id,
            "entry_id": entry.id,
            "kind": kind,
            "reason": reason,
            "removed_assignments": removed,
        },
        reason=reason or None,
        contest_id=entry.contest_id,
    )
    return row


def remove_conflict(row: Conflict, *, actor) -> None:
    """Only organizers remove conflicts, and only declared or organizer-set ones (automatic ones
    follow the data: change the judge's school or the entry's advisers instead)."""
    write_guard.check(db.session.get_one(Entry, row.entry_id).contest, "assignment")
    if actor is None or not actor.has_role("organizer"):
        raise ServiceError(_("Only an organizer can remove a conflict."))
    if row.source == "automatic":
        raise ServiceError(
            _("Automatic conflicts follow the judge's school and the entry's advisers and cannot be removed by hand.")
        )
    entry = db.session.get_one(Entry, row.entry_id)
    audit.record(
        actor,
        "conflict.removed",
        row,
        before={
            "judge_id": row.judge_id,
            "entry_id": row.entry_id,
            "kind": row.kind,
            "source": row.source,
            "reason": row.reason,
        },
        contest_id=entry.contest_id,
    )
    db.session.delete(row)
    db.session.flush()


def round_conflicts(rnd: Round) -> list[Conflict]:
    entry_ids = select(RoundEntry.entry_id).where(RoundEntry.round_id == rnd.id)
    judge_ids = select(RoundJudge.judge_id).where(RoundJudge.round_id == rnd.id)
    return list(
        db.session.scalars(
            select(Conflict)
            .where(Conflict.entry_id.in_(entry_ids), Conflict.judge_id.in_(judge_ids))
            .order_by(Conflict.source.desc(), Conflict.created_at.desc())
        )
    )
