"""Results (评奖结果): run the ranking, settle ties and overrides, publish, objections, finalize.

The workflow follows the contest's states:

* ``judging`` or ``results``: ``run_ranking`` computes a draft from the final score sheets
  (recomputing replaces the draft; organizers' overrides are kept). Ties at cut lines are
  decided with ``decide_tie``; results are changed with ``override_result`` (a written
  reason, audited).
* ``lock``: the scores no longer flow in (``run_ranking`` is refused until ``unlock``, which
  needs a reason); a contest still in judging moves to ``results``. Ties and overrides can
  still be settled.
* ``publish`` -> ``published`` (公示): only when locked and without unresolved ties. The notice runs for the
  ``notice_days`` setting. Objections are recorded and settled; an award can be withdrawn.
* ``finalize`` -> ``final``: after the notice period (or with a written reason), with every
  objection settled. From then on the Result rows are frozen: nothing here writes them.

Ranking is two steps. ``run_ranking`` reads the scores, ranks (``domain.ranking``) and stores
one Result per entry with what the award step needs (score, group, component, tie-break
values). ``_settle`` then awards and nominates (``domain.awards``, ``domain.nominations``)
from those stored rows and the organizer's tie decisions, so deciding a tie never reads the
scores again.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale, get_babel, get_translations
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from ..domain import awards as award_rules
from ..domain import nominations as nomination_rules
from ..domain import tie_break as tie_break_rules
from ..domain.explain import Names, decode, encode
from ..domain.ranking import METHODS, combine_rounds, rank
from ..domain.states import ContestState, EntryState, can_rank
from ..domain.text import N_, Message
from ..extensions import db
from ..models import (
    Assignment,
    Contest,
    Criterion,
    Entry,
    Objection,
    Result,
    Round,
    Rubric,
    School,
    ScoreSheet,
    Section,
    User,
    utcnow,
)
from ..models.contests import EXCELLENCE_AWARD
from ..models.results import NO_AWARD, RankingRun, TieDecision
from ..i18n.timeutil import local_to_utc, utc_to_local
from . import ServiceError, audit, write_guard
from . import tie_break as tie_break_service
from .contests import change_state
from .judging import counted_sheets

log = logging.getLogger(__name__)

GROUP_FIELDS = ("section", "stage", "subject", "is_team")
OBJECTION_OUTCOMES = ("upheld", "dismissed")
MAX_REASON = 2000


# ------------------------------------------------------------ rendering ----


def render(parts: Iterable[Message] | Message | None, sep: str | None = None, *, translations=None) -> str:
    """Translate explanation parts (nested messages and name lists too) and join them.

    ``translations``: a gettext translations object to use instead of looking up the current
    locale's for every message (many rows at once)."""
    t = translations or get_translations()
    if parts is None:
        return ""
    if isinstance(parts, Message):
        return _render_one(parts, t)
    return (sep if sep is not None else t.gettext("; ")).join(_render_one(p, t) for p in parts)


def _render_param(value, t):
    if isinstance(value, Message):
        return _render_one(value, t)
    if isinstance(value, list | tuple):
        return t.gettext(", ").join(str(_render_param(v, t)) for v in value)
    return value


def _render_one(message: Message, t) -> str:
    text = t.gettext(message.template)
    if not message.params:
        return text
    return text % {k: _render_param(v, t) for k, v in message.params.items()}


def explanation_text(result: Result, sep: str | None = None) -> str:
    """The whole plain-language explanation of a result, translated."""
    return render(explanation_parts(result), sep)


def explanation_parts(result: Result) -> list[Message]:
    return summary_parts(result) + detail_parts(result)


def summary_parts(result: Result) -> list[Message]:
    """Rank in the group, award and why, nomination and why, changes by hand."""
    data = result.explanation or {}
    parts = list(decode(data.get("award"))) + list(decode(data.get("nomination")))
    if result.override_reason and (result.override_award is not None or result.override_nominated is not None):
        parts.append(Message(N_("changed by the organizer: %(reason)s"), {"reason": result.override_reason}))
    if result.withdrawn:
        parts.append(Message(N_("award withdrawn: %(reason)s"), {"reason": result.withdrawn_reason or ""}))
    return parts


def detail_parts(result: Result) -> list[Message]:
    """How the score came about: raw mean, method, judges' adjustments, rounds."""
    data = result.explanation or {}
    return list(decode(data.get("ranking"))) + list(decode(data.get("rounds")))


# ---------------------------------------------------------------- reads ----


def get_run(contest: Contest) -> RankingRun | None:
    return db.session.scalar(select(RankingRun).where(RankingRun.contest_id == contest.id))


def results_of(contest: Contest) -> list[Result]:
    """The contest's results, each with its entry and school loaded (every caller shows them)."""
    return list(db.session.scalars(
        select(Result).where(Result.contest_id == contest.id)
        .options(selectinload(Result.entry).selectinload(Entry.school))
        .order_by(Result.group_key, Result.component, Result.position, Result.entry_id)
    ))


def pending_count(contest: Contest) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Result).where(Result.contest_id == contest.id, Result.pending)
    ) or 0


def score_rows(contest: Contest) -> list[tuple[int, int, int, float]]:
    """(round number, entry id, judge id, total) of every sheet of the contest that counts
    (``judging.counted_sheets``); run_ranking then keeps the accepted entries'."""
    return db.session.execute(
        counted_sheets(Round.number, Assignment.entry_id, Assignment.judge_id, ScoreSheet.total)
        .where(Round.contest_id == contest.id)
    ).all()


@dataclass
class _EntryInfo:
    id: int
    label: str
    group_key: str
    stage: str
    school_id: int
    district_id: int


def _entry_infos(contest: Contest) -> dict[int, _EntryInfo]:
    group_by = [f for f in contest.settings_view.ranking_group_by if f in GROUP_FIELDS]
    rows = db.session.execute(
        select(Entry.id, Entry.number, Entry.title, Section.code, Entry.stage, Entry.subject, Entry.is_team,
               Entry.school_id, School.district_id)
        .join(Section, Section.id == Entry.section_id).join(School, School.id == Entry.school_id)
        .where(Entry.contest_id == contest.id, Entry.state == EntryState.ACCEPTED)
    ).all()
    infos = {}
    for eid, number, title, section, stage, subject, is_team, school_id, district_id in rows:
        values = {"section": section, "stage": stage or "", "subject": subject or "",
                  "is_team": "team" if is_team else "individual"}
        key = "|".join(values[f] for f in group_by) or "*"
        infos[eid] = _EntryInfo(eid, number or title, key, stage or "", school_id, district_id)
    return infos


def group_label(contest: Contest, group_key: str) -> str:
    """'XS|初中' -> '学生科技创新成果 · 初中'."""
    names = {s.code: s.name for s in contest.sections}
    group_by = [f for f in contest.settings_view.ranking_group_by if f in GROUP_FIELDS]
    parts = group_key.split("|")
    out = []
    for field, value in zip(group_by, parts):
        if field == "section":
            out.append(names.get(value, value))
        elif field == "is_team":
            out.append(_("Team") if value == "team" else _("Individual"))
        else:
            out.append(value or _("(none)"))
    return " · ".join(out) or _("All entries")


STAGE_ORDER = {"小学": 0, "初中": 1, "高中": 2}


def group_sort_key(contest: Contest):
    """Key putting ranking groups in the contest's order: sections as configured, then 小学,
    初中, 高中, then individual before team (not the alphabetical order of the stored keys)."""
    sections = {s.code: (s.sort_order, s.code) for s in contest.sections}
    group_by = [f for f in contest.settings_view.ranking_group_by if f in GROUP_FIELDS]

    def key(group_key: str) -> tuple:
        out = []
        for field, value in zip(group_by, group_key.split("|")):
            if field == "section":
                out.append(sections.get(value, (10**6, value)))
            elif field == "stage":
                out.append((STAGE_ORDER.get(value, 9), value))
            elif field == "is_team":
                out.append((value == "team", value))
            else:
                out.append((not value, value))
        return tuple(out)

    return key


@dataclass
class ScoringProgress:
    """How complete the judging is, for the ranking page: score sheets assigned and submitted
    (all rounds), and accepted entries that no submitted sheet scores (they are not ranked)."""
    assigned: int
    submitted: int
    unscored: list[Entry]

    @property
    def outstanding(self) -> int:
        return max(self.assigned - self.submitted, 0)


def scoring_progress(contest: Contest) -> ScoringProgress:
    assigned = db.session.scalar(
        select(func.count()).select_from(Assignment).join(Round, Round.id == Assignment.round_id)
        .where(Round.contest_id == contest.id)) or 0
    scored = counted_sheets(Assignment.entry_id).where(Round.contest_id == contest.id)
    submitted = db.session.scalar(select(func.count()).select_from(scored.subquery())) or 0
    unscored = list(db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id, Entry.state == EntryState.ACCEPTED,
                            Entry.id.not_in(scored.scalar_subquery()))
        .order_by(Entry.number, Entry.id)))
    return ScoringProgress(assigned=assigned, submitted=submitted, unscored=unscored)


# -------------------------------------------------------------- ranking ----


def _check_can_rank(contest: Contest) -> None:
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen; the ranking cannot be run again."))
    if contest.state == ContestState.PUBLISHED:
        raise ServiceError(_("The results are in the public notice; the ranking cannot be run again."))
    if not can_rank(contest.state):
        raise ServiceError(_("The ranking can be run once the contest is in judging."))
    run = get_run(contest)
    if run is not None and run.locked_at is not None:
        raise ServiceError(_("The results are locked. Unlock them to run the ranking again."))
    write_guard.check(contest, "ranking")


def _tie_chain(contest: Contest) -> list[tuple[str, Message]]:
    """(key, label) of every link of the ``tie_break`` setting."""
    names = tie_break_service.criterion_names(contest)
    chain = []
    for key in tie_break_service.current(contest):
        if tie_break_rules.criterion_ref(key) is None and key not in tie_break_rules.STEPS:
            raise ServiceError(_("Unknown tie-break %(key)s in the contest settings.", key=key))
        chain.append((key, tie_break_rules.label(key, names)))
    return chain


def _criterion_means(contest: Contest, code: str, entry_rounds: Mapping[int, int]) -> dict[int, float]:
    """Mean of one criterion per entry over its sheets that count in the last round it reached."""
    if not entry_rounds:
        return {}
    wanted = set(db.session.scalars(
        select(Criterion.id).join(Rubric, Rubric.id == Criterion.rubric_id).join(Round, Round.id == Rubric.round_id)
        .where(Round.contest_id == contest.id, (Criterion.code == code) | (Criterion.name == code))))
    values: dict[int, list[float]] = {}
    ids = list(entry_rounds)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            counted_sheets(Assignment.entry_id, Round.number, ScoreSheet.scores)
            .where(Round.contest_id == contest.id, Assignment.entry_id.in_(ids[start:start + 500])))
        for entry_id, number, scores in rows:
            if number != entry_rounds[entry_id]:
                continue
            for key, value in (scores or {}).items():
                if str(key).isdigit() and int(key) in wanted and value is not None:
                    values.setdefault(entry_id, []).append(float(value))
    return {e: round(sum(v) / len(v), 4) for e, v in values.items()}


def run_ranking(contest: Contest, *, actor, method: str | None = None) -> RankingRun:
    """Rank the contest from its final score sheets and store the draft results."""
    _check_can_rank(contest)
    method = method or contest.ranking_method or "calibrated"
    if method not in METHODS:
        raise ServiceError(_("Unknown ranking method %(method)s.", method=method))
    infos = _entry_infos(contest)
    rounds = {r.number: r for r in contest.rounds}
    per_round: dict[int, list[tuple[int, int, float]]] = {}
    n_scores = 0
    for number, entry_id, judge_id, total in score_rows(contest):
        if entry_id in infos:
            per_round.setdefault(number, []).append((entry_id, judge_id, float(total)))
            n_scores += 1
    if not per_round:
        raise ServiceError(_("No submitted score sheets yet: there is nothing to rank."))
    chain = _tie_chain(contest)

    outcomes = {n: rank(per_round[n], method) for n in sorted(per_round)}
    setting = contest.settings_view.round_combination
    mode = setting.get("mode", "last") if isinstance(setting, Mapping) else str(setting)
    if mode not in ("last", "weighted"):
        raise ServiceError(_("Unknown way of combining rounds %(mode)s in the contest settings.", mode=mode))
    outcome = combine_rounds([(rounds[n].weight, outcomes[n]) for n in outcomes], mode)
    round_scores: dict[int, list[tuple[int, float]]] = {}
    for n, o in outcomes.items():
        for r in o.results:
            round_scores.setdefault(r.entry_id, []).append((n, r.score))

    judge_names = dict(db.session.execute(
        select(User.id, User.name).where(User.id.in_({j for rows in per_round.values() for _, j, _ in rows}))
    ).all())

    def judge_label(jid) -> str:
        return judge_names.get(jid, str(jid))

    # Tie-break values: only entries sharing a score with another entry of their group need them.
    seen: dict[tuple[str, float], int] = {}
    for r in outcome.results:
        k = (infos[r.entry_id].group_key, r.score)
        seen[k] = seen.get(k, 0) + 1
    tied = {r.entry_id: round_scores[r.entry_id][-1][0] for r in outcome.results
            if seen[(infos[r.entry_id].group_key, r.score)] > 1}
    criterion_values = {key: _criterion_means(contest, key.split(":", 1)[1], tied)
                        for key, _label in chain if key.startswith("criterion:")}

    def tie_values(r) -> list:
        out = []
        for key, _label in chain:
            if key.startswith("criterion:"):
                out.append(criterion_values[key].get(r.entry_id))
            elif key == "n_judges":
                out.append(r.n_judges)
            elif key == "final_round":
                out.append(list(round_scores[r.entry_id][-1]))
            else:
                out.append(r.raw_sum)
        return out

    kept = ("override_award", "override_nominated", "override_reason", "withdrawn", "withdrawn_reason")
    old = {row[0]: dict(zip(kept, row[1:])) for row in db.session.execute(
        select(Result.entry_id, *(getattr(Result, k) for k in kept)).where(Result.contest_id == contest.id))}
    now = utcnow()
    rows = []
    for r in outcome.results:
        info = infos[r.entry_id]
        parts = encode(p for p in r.explanation if p.template != "rank %(rank)d")
        for p in parts:
            if "judge" in p["p"]:
                p["p"]["judge"] = judge_label(p["p"]["judge"])
        rounds_part = []
        if len(round_scores[r.entry_id]) > 1 or len(outcomes) > 1:
            rounds_part = [Message(N_("round scores: %(scores)s (combined: %(mode)s)"), {
                "scores": Names(f"{rounds[n].name} {s:.2f}" for n, s in round_scores[r.entry_id]),
                "mode": Message(N_("weighted by round") if mode == "weighted" else N_("last round reached")),
            })]
        rows.append({
            "contest_id": contest.id, "entry_id": r.entry_id, "group_key": info.group_key, "method": method,
            "n_judges": r.n_judges, "raw_mean": round(r.raw_mean, 4), "trimmed_mean": round(r.trimmed_mean, 4),
            "score": r.score, "uncertainty": round(r.uncertainty, 4), "rank": r.rank, "component": r.component,
            "position": r.rank, "award": None, "nominated": False, "pending": False, "nomination_reason": None,
            "explanation": {"ranking": parts, "rounds": encode(rounds_part), "tie": tie_values(r)},
            "override_award": None, "override_nominated": None, "override_reason": None, "withdrawn": False,
            "withdrawn_reason": None, **old.get(r.entry_id, {}), "computed_at": now,
        })

    run = get_run(contest) or RankingRun(contest_id=contest.id)
    run.method = method
    run.combination = mode
    run.n_entries = len(rows)
    run.n_scores = n_scores
    run.computed_at = now
    run.computed_by_id = getattr(actor, "id", None)
    run.judges = [
        {"round": n, "round_name": rounds[n].name, "judge_id": j.judge_id, "name": judge_label(j.judge_id),
         "severity": round(j.severity, 3), "spread": round(j.spread, 3), "noise": round(j.noise, 3),
         "n": j.n_scores, "tendency": j.tendency}
        for n, o in outcomes.items() for j in sorted(o.judges, key=lambda j: -abs(j.severity))
    ]
    run.components = [] if outcome.is_connected else [sorted(c) for c in outcome.components]
    db.session.add(run)

    _settle_rows(contest, rows, infos, chain, run)
    db.session.execute(delete(Result).where(Result.contest_id == contest.id), execution_options={"synchronize_session": False})
    db.session.execute(insert(Result.__table__), rows)
    db.session.flush()
    db.session.expire_all()
    audit.record(actor, "results.rank", contest, contest_id=contest.id, after={
        "method": method, "combination": mode, "entries": len(rows), "scores": n_scores,
        "components": len(outcome.components), "ties": len(run.ties)})
    log.info("ranking run: contest=%s by=%s method=%s entries=%d scores=%d ties=%d components=%d",
             contest.code, audit.who(actor), method, len(rows), n_scores, len(run.ties), len(outcome.components))
    return run


# ------------------------------------------------- awards and nominations ----


@dataclass(frozen=True)
class _Ranked:
    entry_id: int
    score: float
    component: int
    tie: tuple


def _subgroup(row: dict, split: set[str]) -> str:
    return f"{row['group_key']}#{row['component'] + 1}" if row["group_key"] in split else row["group_key"]


def _decisions(contest: Contest) -> list[TieDecision]:
    return list(db.session.scalars(
        select(TieDecision).where(TieDecision.contest_id == contest.id).order_by(TieDecision.decided_at, TieDecision.id)))


def _settle_rows(contest: Contest, rows: list[dict], infos: Mapping[int, _EntryInfo],
                 chain: list[tuple[str, Message]], run: RankingRun) -> None:
    """Award and nominate (in place on the row dicts) and list the unresolved ties on ``run``."""
    levels = [(str(name), float(share)) for name, share in contest.settings_view.award_levels]
    min_scores = {str(k): float(v) for k, v in contest.settings_view.award_min_scores.items()}
    remainder = EXCELLENCE_AWARD if contest.settings_view.excellence_award else None
    tie_break = [award_rules.TieBreak(label, (lambda r, i=i: r.tie[i])) for i, (_k, label) in enumerate(chain)]
    labels = {eid: info.label for eid, info in infos.items()}
    decisions = _decisions(contest)

    comps: dict[str, set[int]] = {}
    for row in rows:
        comps.setdefault(row["group_key"], set()).add(row["component"])
    split = {g for g, c in comps.items() if len(c) > 1}
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(_subgroup(row, split), []).append(row)

    ties: list[dict] = []
    by_entry: dict[int, award_rules.Award] = {}
    for sub, members in groups.items():
        ranked = [_Ranked(m["entry_id"], m["score"], m["component"], tuple(
            tuple(v) if isinstance(v, list) else v for v in m["explanation"]["tie"])) for m in members]
        chosen: dict[str, list[int]] = {}
        for _attempt in range(len(levels) + 1):
            out = award_rules.assign_awards(ranked, levels, min_scores=min_scores, tie_break=tie_break,
                                            tie_decisions=chosen, labels=labels, group=sub, remainder=remainder)
            new = False
            for t in out.ties:
                match = _match(decisions, "award", sub, t.level, t.entry_ids)
                if match is not None and t.level not in chosen:
                    chosen[t.level] = [e for e in match.chosen if e in t.entry_ids]
                    new = True
            if not new:
                break
        for t in out.ties:
            ties.append({"kind": "award", "group": sub, "level": t.level, "entry_ids": list(t.entry_ids),
                         "places": t.places, "score": t.score})
        for a in out.awards:
            by_entry[a.entry_id] = a
        for m in members:
            a = by_entry[m["entry_id"]]
            m["award"] = a.level
            m["position"] = a.position
            m["rank"] = a.rank
            m["pending"] = a.pending
            m["explanation"] = {**m["explanation"], "award": encode(a.explanation)}

    quota = contest.settings_view.nomination_quota
    if quota:
        cands = [nomination_rules.Candidate(
            m["entry_id"], labels[m["entry_id"]], m["group_key"], infos[m["entry_id"]].stage,
            infos[m["entry_id"]].school_id, infos[m["entry_id"]].district_id,
            _effective_award(m), m["score"], m["position"])
            for m in rows if not m.get("withdrawn")]
        picked: list[int] = []
        for _attempt in range(len(cands) + 1):
            out = nomination_rules.nominate(
                cands, int(quota),
                stage_shares=contest.settings_view.nomination_stage_shares or None,
                group_quota=contest.settings_view.nomination_group_quotas or None,
                school_cap=contest.settings_view.nomination_school_cap,
                district_cap=contest.settings_view.nomination_district_cap,
                eligible_awards=tuple(contest.settings_view.nomination_levels),
                tie_decisions=picked)
            new = [e for t in out.ties if (d := _match(decisions, "nomination", None, None, t.entry_ids))
                   for e in d.chosen if e in t.entry_ids and e not in picked]
            if not new:
                break
            picked += new
        for t in out.ties:
            ties.append({"kind": "nomination", "pool": t.pool, "label": encode([t.label])[0] if t.label else None,
                         "entry_ids": list(t.entry_ids), "places": t.places})
        decided = out.by_entry()
        for m in rows:
            d = decided.get(m["entry_id"])
            if m["pending"] and d is not None and not d.nominated:
                m["nominated"] = False
                m["explanation"] = {**m["explanation"], "nomination": encode(
                    [Message(N_("the nomination is settled after the decision on the award tie"))])}
                continue
            if d is None:  # withdrawn
                m["nominated"] = False
                m["explanation"] = {**m["explanation"], "nomination": encode([Message(N_("award withdrawn"))])}
                continue
            m["nominated"] = d.nominated
            m["pending"] = m["pending"] or d.pending
            m["explanation"] = {**m["explanation"], "nomination": encode(d.reason)}
    else:
        for m in rows:
            m["explanation"] = {**m["explanation"], "nomination": encode([Message(N_("no nomination quota is set"))])}
    with force_locale(get_babel().default_locale):  # stored reasons are in the site's language
        translations = get_translations()
        texts: dict[str, str] = {}  # many rows share a reason ("二等奖: not eligible ...")
        for m in rows:
            key = json.dumps(m["explanation"].get("nomination"), ensure_ascii=False)
            if key not in texts:
                texts[key] = render(decode(m["explanation"].get("nomination")), translations=translations)
            m["nomination_reason"] = texts[key]
    run.ties = ties


def _effective_award(row: dict) -> str | None:
    override = row.get("override_award")
    if override is None:
        return row["award"]
    return None if override == NO_AWARD else override


def _match(decisions: list[TieDecision], kind: str, group: str | None, level: str | None,
           entry_ids: Iterable[int]) -> TieDecision | None:
    """The latest decision on exactly this tie."""
    wanted = sorted(entry_ids)
    found = None
    for d in decisions:
        if d.kind == kind and sorted(d.entry_ids) == wanted and (kind == "nomination" or
                                                                  (d.group_key == group and d.level == level)):
            found = d
    return found


def resettle(contest: Contest) -> RankingRun:
    """Apply the tie decisions and overrides to the stored rows again (no scores are read)."""
    run = get_run(contest)
    stored = db.session.execute(
        select(Result.id, Result.entry_id, Result.group_key, Result.component, Result.score, Result.explanation,
               Result.override_award, Result.withdrawn)
        .where(Result.contest_id == contest.id)).all()
    infos = _entry_infos(contest)
    rows = [{"id": rid, "entry_id": eid, "group_key": g, "component": c, "score": s,
             "explanation": dict(expl or {}), "override_award": oa, "withdrawn": w}
            for rid, eid, g, c, s, expl, oa, w in stored if eid in infos]
    rows.sort(key=lambda r: (r["group_key"], r["component"], -(r["score"] or 0), r["entry_id"]))
    for r in rows:
        r["explanation"].setdefault("tie", [])
    _settle_rows(contest, rows, infos, _tie_chain(contest), run)
    if rows:
        db.session.execute(update(Result), [
            {"id": r["id"], "award": r["award"], "position": r["position"], "rank": r["rank"], "pending": r["pending"],
             "nominated": r["nominated"], "nomination_reason": r["nomination_reason"], "explanation": r["explanation"]}
            for r in rows])
    db.session.flush()
    db.session.expire_all()
    return run


# ---------------------------------------------------------------- ties ----


def tie_description(contest: Contest, tie: Mapping) -> str:
    """'学生科技创新成果 · 初中: 一等奖 line' or 'nomination: school cap of 2 ...', translated."""
    if tie["kind"] == "award":
        group, _sep, part = tie["group"].partition("#")
        where = group_label(contest, group) + (" " + _("(part %(n)s)", n=part) if part else "")
        return _("%(group)s: the %(level)s line", group=where, level=tie["level"])
    label = render(decode([tie["label"]])) if tie.get("label") else _("quota")
    return _("Nominations: %(line)s", line=label)


def tie_entries(contest: Contest, tie: Mapping) -> list[Result]:
    return list(db.session.scalars(
        select(Result).where(Result.contest_id == contest.id, Result.entry_id.in_(tie["entry_ids"]))
        .order_by(Result.entry_id)))


def decide_tie(contest: Contest, index: int, chosen: Iterable[int], *, actor, reason: str) -> TieDecision:
    """Settle the run's unresolved tie number ``index``: ``chosen`` entries go above the line."""
    _check_draft(contest)
    reason = _reason(reason)
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
        contest_id=contest.id, kind=tie["kind"], group_key=tie.get("group"), level=tie.get("level"),
        entry_ids=sorted(tie["entry_ids"]), chosen=chosen, reason=reason, decided_by_id=getattr(actor, "id", None))
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "results.tie_decision", decision, contest_id=contest.id,
                 before={"tie": tie}, after={"chosen": chosen}, reason=reason)
    resettle(contest)
    return decision


# ------------------------------------------------------------ overrides ----


KEEP = "keep"


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Write down the reason for this change."), "reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(_("The reason is too long (at most %(n)d characters).", n=MAX_REASON), "reason")
    return reason


def _check_draft(contest: Contest) -> None:
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


def override_result(result: Result, *, actor, award: str | None = KEEP, nominated: bool | None | str = KEEP,
                    reason: str) -> None:
    """Change a result by hand. ``award``: a level, None (no award) or KEEP; ``nominated``: True,
    False, None (back to the computed value) or KEEP. ``award=""`` returns to the computed award."""
    contest = db.session.get(Contest, result.contest_id)
    _check_draft(contest)
    reason = _reason(reason)
    before = _snapshot(result)
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
    audit.record(actor, "results.override", result, before=before, after=_snapshot(result), reason=reason)
    resettle(contest)


def _snapshot(result: Result) -> dict:
    return {"award": result.award, "override_award": result.override_award, "nominated": result.nominated,
            "override_nominated": result.override_nominated, "withdrawn": result.withdrawn,
            "entry_id": result.entry_id}


# ------------------------------------------------------- contest states ----


def lock(contest: Contest, *, actor, reason: str | None = None) -> RankingRun:
    """Lock the draft: no re-ranking, no more scoring; a contest still in judging moves on to
    results. With score sheets still open (not submitted) a reason is required: those sheets
    become read-only and do not count."""
    _check_draft(contest)
    run = get_run(contest)
    if run is None:
        raise ServiceError(_("Run the ranking before locking the results."))
    if run.locked_at is not None:
        raise ServiceError(_("The results are already locked."))
    open_sheets = scoring_progress(contest).outstanding
    reason = (reason or "").strip() or None
    if open_sheets and not reason:
        raise ServiceError(_("%(n)d score sheets are still open (not submitted). Locking closes them: they "
                             "become read-only and do not count. To lock anyway, write down why.", n=open_sheets),
                           "reason")
    if reason is not None:
        reason = _reason(reason)
    run.locked_at = utcnow()
    run.locked_by_id = getattr(actor, "id", None)
    if contest.state == ContestState.JUDGING:
        change_state(contest, ContestState.RESULTS, actor=actor)
    audit.record(actor, "results.lock", run, contest_id=contest.id, reason=reason,
                 after={"locked_at": run.locked_at.isoformat(), "open_sheets": open_sheets})
    return run


def unlock(contest: Contest, *, actor, reason: str) -> None:
    _check_draft(contest)
    run = get_run(contest)
    if run is None or run.locked_at is None:
        raise ServiceError(_("Only locked results can be unlocked."))
    reason = _reason(reason)
    before = {"locked_at": run.locked_at.isoformat()}
    run.locked_at = None
    run.locked_by_id = None
    db.session.flush()
    audit.record(actor, "results.unlock", run, contest_id=contest.id, before=before, reason=reason)


MAX_CONTACT = 200


def publish(contest: Contest, *, actor, contact: str | None = None) -> RankingRun:
    """Publish for the public notice (公示): state published, notice until now + notice_days.

    ``contact`` is where objections go (the ``notice_contact`` setting, shown on the public
    page). Given (the web form always gives it), it must not be empty and is stored; None
    keeps the setting as it is."""
    run = get_run(contest)
    if run is None:
        raise ServiceError(_("Run the ranking before publishing."))
    if contest.state != ContestState.RESULTS or run.locked_at is None:
        raise ServiceError(_("Lock the results before publishing them."))
    if run.ties or pending_count(contest):
        raise ServiceError(_("Some ties at award or quota lines are not decided yet. Decide them (or send the "
                             "entries to re-judging and rank again) before publishing."))
    if contact is not None:
        contact = " ".join(contact.split())
        if not contact:
            raise ServiceError(_("Enter where objections are received (office, phone or address): the public "
                                 "notice shows it."), "contact")
        if len(contact) > MAX_CONTACT:
            raise ServiceError(_("The contact for objections is too long (at most %(n)d characters).",
                                 n=MAX_CONTACT), "contact")
        if contact != contest.settings_view.notice_contact:
            contest.settings = {**(contest.settings or {}), "notice_contact": contact}
    now = utcnow()
    days = int(contest.settings_view.notice_days)
    run.published_at = now
    run.notice_ends_at = now + timedelta(days=days)
    change_state(contest, ContestState.PUBLISHED, actor=actor)
    audit.record(actor, "results.publish", run, contest_id=contest.id,
                 after={"published_at": now.isoformat(), "notice_ends_at": run.notice_ends_at.isoformat(),
                        "notice_contact": contest.settings_view.notice_contact or None})
    log.info("results published: contest=%s by=%s %s notice_ends_at=%s", contest.code, audit.who(actor),
             _tally(contest), run.notice_ends_at.isoformat())
    return run


def notice_running(contest: Contest, now: datetime | None = None) -> bool:
    """The results are on public notice and its period has not ended: finalizing needs a reason."""
    run = get_run(contest)
    return bool(contest.state == ContestState.PUBLISHED and run is not None and run.notice_ends_at
                and (now or utcnow()) < run.notice_ends_at)


def finalize(contest: Contest, *, actor, reason: str | None = None, now: datetime | None = None) -> None:
    """Make the results final: after the notice period, or earlier with a written reason."""
    if contest.state != ContestState.PUBLISHED:
        raise ServiceError(_("Only published results can be made final."))
    run = get_run(contest)
    open_objections = db.session.scalar(select(func.count()).select_from(Objection).where(
        Objection.contest_id == contest.id, Objection.outcome.is_(None))) or 0
    if open_objections:
        raise ServiceError(_("%(n)d objections are not settled yet. Settle every objection first.", n=open_objections))
    now = now or utcnow()
    reason = (reason or "").strip() or None
    if notice_running(contest, now) and not reason:
        raise ServiceError(_("The public notice has not ended yet. To finalize early, write down why."), "reason")
    run.finalized_at = now
    run.finalize_reason = reason
    change_state(contest, ContestState.FINAL, actor=actor, reason=reason)
    log.info("results final: contest=%s by=%s %s early=%s", contest.code, audit.who(actor), _tally(contest),
             "yes" if reason else "no")


def _tally(contest: Contest) -> str:
    """'entries=.. awards=.. nominated=..' as the results stand, for the log."""
    rows = list(db.session.scalars(select(Result).where(Result.contest_id == contest.id)))
    awards, nominated = sum(1 for r in rows if r.final_award), sum(1 for r in rows if r.final_nominated)
    return f"entries={len(rows)} awards={awards} nominated={nominated}"


# ------------------------------------------------ objections, withdrawal ----


def _check_notice(contest: Contest) -> None:
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen."))
    if contest.state != ContestState.PUBLISHED:
        raise ServiceError(_("Objections are recorded while the results are in the public notice."))
    write_guard.check(contest, "objection")


def local_today() -> date:
    """Today in Beijing (the day printed on the organizer's forms), not the server's UTC day."""
    return utc_to_local(utcnow()).date()


def objections_of(contest: Contest) -> list[Objection]:
    return list(db.session.scalars(
        select(Objection).where(Objection.contest_id == contest.id).order_by(Objection.received_at, Objection.id)))


def record_objection(contest: Contest, *, actor, entry_id: int | None, submitter_name: str,
                     submitter_contact: str, content: str, evidence: str | None, received_on: date) -> Objection:
    _check_notice(contest)
    name, contact, content = (submitter_name or "").strip(), (submitter_contact or "").strip(), (content or "").strip()
    if not name:
        raise ServiceError(_("Objections are accepted under a real name: enter the submitter's name."), "submitter_name")
    if not contact:
        raise ServiceError(_("Enter how to reach the submitter (phone or address)."), "submitter_contact")
    if not content:
        raise ServiceError(_("Enter what the objection says."), "content")
    if received_on > local_today():
        raise ServiceError(_("The date received (%(day)s) is in the future. Enter the day the objection "
                             "actually arrived.", day=received_on.isoformat()), "received_on")
    if entry_id is not None:
        entry = db.session.get(Entry, entry_id)
        if entry is None or entry.contest_id != contest.id:
            raise ServiceError(_("That entry is not in this contest."), "entry_id")
    objection = Objection(
        contest_id=contest.id, entry_id=entry_id, submitter_name=name[:50], submitter_contact=contact[:120],
        content=content, evidence=(evidence or "").strip() or None,
        received_at=local_to_utc(datetime.combine(received_on, datetime.min.time())),
        recorded_by_id=getattr(actor, "id", None))
    db.session.add(objection)
    db.session.flush()
    audit.record(actor, "objection.record", objection, after={"entry_id": entry_id, "submitter": name})
    return objection


def settle_objection(objection: Objection, *, actor, outcome: str, resolution: str) -> None:
    contest = db.session.get(Contest, objection.contest_id)
    _check_notice(contest)
    if outcome not in OBJECTION_OUTCOMES:
        raise ServiceError(_("Choose whether the objection is upheld or dismissed."), "outcome")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError(_("Write down how the objection was settled."), "resolution")
    before = {"outcome": objection.outcome, "resolution": objection.resolution}
    objection.outcome = outcome
    objection.resolution = resolution
    objection.resolved_at = utcnow()
    objection.resolved_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "objection.settle", objection, before=before,
                 after={"outcome": outcome, "resolution": resolution})


def withdraw_award(result: Result, *, actor, reason: str) -> None:
    """撤销: the entry loses its award and nomination (e.g. proven fraud after an objection)."""
    contest = db.session.get(Contest, result.contest_id)
    if contest.state == ContestState.FINAL:
        raise ServiceError(_("The results of this contest are final and frozen."))
    if contest.state not in (ContestState.RESULTS, ContestState.PUBLISHED):
        raise ServiceError(_("An award can be withdrawn once the results are locked or published."))
    write_guard.check(contest, "award_withdrawal")
    reason = _reason(reason)
    if result.withdrawn:
        raise ServiceError(_("This award is already withdrawn."))
    before = _snapshot(result)
    result.withdrawn = True
    result.withdrawn_reason = reason
    db.session.flush()
    audit.record(actor, "results.withdraw", result, before=before, after=_snapshot(result), reason=reason)


def public_rows(contest: Contest) -> list[Result]:
    """What the public notice lists: entries with an award or a nomination, none withdrawn."""
    return [r for r in results_of(contest) if not r.withdrawn and (r.final_award or r.final_nominated)]
