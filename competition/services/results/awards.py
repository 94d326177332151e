"""Awards and nominations from the stored rows and the organizer's tie decisions (no scores read)."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

from flask_babel import force_locale, get_babel, get_translations
from flask_babel import gettext as _
from sqlalchemy import select, update

from ...domain import awards as award_rules
from ...domain import nominations as nomination_rules
from ...domain import tie_break as tie_break_rules
from ...domain.explain import decode, encode
from ...domain.text import N_, Message
from ...extensions import db
from ...models import Contest, Result
from ...models.contests import EXCELLENCE_AWARD
from ...models.results import NO_AWARD, RankingRun, TieDecision
from .. import ServiceError
from .. import tie_break as tie_break_service
from .explain import render
from .reads import EntryInfo, entry_infos, get_run, row_id


def tie_chain(contest: Contest) -> list[tuple[str, Message]]:
    """(key, label) of every link of the ``tie_break`` setting."""
    names = tie_break_service.criterion_names(contest)
    chain = []
    for key in tie_break_service.current(contest):
        if tie_break_rules.criterion_ref(key) is None and key not in tie_break_rules.STEPS:
            raise ServiceError(_("Unknown tie-break %(key)s in the contest settings.", key=key))
        chain.append((key, tie_break_rules.label(key, names)))
    return chain


@dataclass(frozen=True)
class _Ranked:
    entry_id: int
    score: float
    component: int
    tie: tuple


def _subgroup(row: dict, split: set[str]) -> str:
    return f"{row['group_key']}#{row['component'] + 1}" if row["group_key"] in split else row["group_key"]


def _decisions(contest: Contest) -> list[TieDecision]:
    return list(
        db.session.scalars(
            select(TieDecision)
            .where(TieDecision.contest_id == contest.id)
            .order_by(TieDecision.decided_at, TieDecision.id)
        )
    )


def settle_rows(
    contest: Contest,
    rows: list[dict],
    infos: Mapping[int, EntryInfo],
    chain: list[tuple[str, Message]],
    run: RankingRun,
) -> None:
    """Award and nominate (in place on the row dicts) and list the unresolved ties on ``run``."""
    labels: dict[Hashable, str] = {eid: info.label for eid, info in infos.items()}
    decisions = _decisions(contest)
    ties = _award(contest, rows, chain, labels, decisions)
    quota = contest.settings_view.nomination_quota
    if quota:
        ties += _nominate(contest, quota, rows, infos, labels, decisions)
    else:
        for m in rows:
            m["explanation"] = {**m["explanation"], "nomination": encode([Message(N_("no nomination quota is set"))])}
    _store_nomination_reasons(rows)
    run.ties = ties


def _award(
    contest: Contest,
    rows: list[dict],
    chain: list[tuple[str, Message]],
    labels: Mapping[Hashable, str],
    decisions: list[TieDecision],
) -> list[dict]:
    """Award each ranking group (each part of a group the plan left unconnected); the ties left."""
    levels = [(str(name), float(share)) for name, share in contest.settings_view.award_levels]
    min_scores = {str(k): float(v) for k, v in contest.settings_view.award_min_scores.items()}
    remainder = EXCELLENCE_AWARD if contest.settings_view.excellence_award else None
    tie_break = [award_rules.TieBreak(label, _tie_link(i)) for i, (_k, label) in enumerate(chain)]

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
        ranked = [
            _Ranked(
                m["entry_id"],
                m["score"],
                m["component"],
                tuple(tuple(v) if isinstance(v, list) else v for v in m["explanation"]["tie"]),
            )
            for m in members
        ]
        chosen: dict[str, list[int]] = {}
        for _attempt in range(len(levels) + 1):
            out = award_rules.assign_awards(
                ranked,
                levels,
                min_scores=min_scores,
                tie_break=tie_break,
                tie_decisions=chosen,
                labels=labels,
                group=sub,
                remainder=remainder,
                max_share=contest.settings_view.award_max_share,
                min_group_size=int(contest.settings_view.award_min_group_size or 0),
            )
            if not _apply_award_decisions(out.ties, decisions, sub, chosen):
                break
        for t in out.ties:
            ties.append(
                {
                    "kind": "award",
                    "group": sub,
                    "level": t.level,
                    "entry_ids": list(t.entry_ids),
                    "places": t.places,
                    "score": t.score,
                }
            )
        for a in out.awards:
            by_entry[row_id(a.entry_id)] = a
        for m in members:
            a = by_entry[m["entry_id"]]
            m["award"] = a.level
            m["position"] = a.position
            m["rank"] = a.rank
            m["pending"] = a.pending
            m["explanation"] = {**m["explanation"], "award": encode(a.explanation)}
    return ties


def _tie_link(i: int) -> Callable[[_Ranked], object]:
    """The value of the tie-break chain's link ``i`` (stored on the row by the ranking run)."""
    return lambda r: r.tie[i]


def _apply_award_decisions(ties, decisions: list[TieDecision], sub: str, chosen: dict[str, list[int]]) -> bool:
    """Add to ``chosen`` the organizer's decisions on these award ties; whether any was new."""
    new = False
    for t in ties:
        match = _match(decisions, "award", sub, t.level, t.entry_ids)
        if match is not None and t.level not in chosen:
            chosen[t.level] = [e for e in match.chosen if e in t.entry_ids]
            new = True
    return new


def _nominate(
    contest: Contest,
    quota: int,
    rows: list[dict],
    infos: Mapping[int, EntryInfo],
    labels: Mapping[Hashable, str],
    decisions: list[TieDecision],
) -> list[dict]:
    """Nominate within the quota and its caps (in place on the rows); the ties left."""
    cands = [
        nomination_rules.Candidate(
            m["entry_id"],
            labels[m["entry_id"]],
            m["group_key"],
            infos[m["entry_id"]].stage,
            infos[m["entry_id"]].school_id,
            infos[m["entry_id"]].district_id,
            _effective_award(m),
            m["score"],
            m["position"],
        )
        for m in rows
        if not m.get("withdrawn")
    ]
    group_quotas: dict[Hashable, int] = dict(contest.settings_view.nomination_group_quotas.items())
    picked: list[int] = []
    for _attempt in range(len(cands) + 1):
        out = nomination_rules.nominate(
            cands,
            int(quota),
            stage_shares=contest.settings_view.nomination_stage_shares or None,
            share_rounding=contest.settings_view.nomination_share_rounding,
            group_quota=group_quotas or None,
            school_cap=contest.settings_view.nomination_school_cap,
            district_cap=contest.settings_view.nomination_district_cap,
            eligible_awards=tuple(contest.settings_view.nomination_levels),
            tie_decisions=picked,
            min_score=contest.settings_view.nomination_min_score,
        )
        new = [
            e
            for t in out.ties
            if (d := _match(decisions, "nomination", None, None, map(row_id, t.entry_ids)))
            for e in d.chosen
            if e in t.entry_ids and e not in picked
        ]
        if not new:
            break
        picked += new
    decided = out.by_entry()
    for m in rows:
        _set_nomination(m, decided.get(m["entry_id"]))
    return [
        {
            "kind": "nomination",
            "pool": t.pool,
            "label": encode([t.label])[0] if t.label else None,
            "entry_ids": list(t.entry_ids),
            "places": t.places,
        }
        for t in out.ties
    ]


def _set_nomination(m: dict, d) -> None:
    if m["pending"] and d is not None and not d.nominated:
        m["nominated"] = False
        m["explanation"] = {
            **m["explanation"],
            "nomination": encode([Message(N_("the nomination is settled after the decision on the award tie"))]),
        }
        return
    if d is None:  # withdrawn
        m["nominated"] = False
        m["explanation"] = {**m["explanation"], "nomination": encode([Message(N_("award withdrawn"))])}
        return
    m["nominated"] = d.nominated
    m["pending"] = m["pending"] or d.pending
    m["explanation"] = {**m["explanation"], "nomination": encode(d.reason)}


def _store_nomination_reasons(rows: list[dict]) -> None:
    with force_locale(get_babel().default_locale):  # stored reasons are in the site's language
        translations = get_translations()
        texts: dict[str, str] = {}  # many rows share a reason ("二等奖: not eligible ...")
        for m in rows:
            key = json.dumps(m["explanation"].get("nomination"), ensure_ascii=False)
            if key not in texts:
                texts[key] = render(decode(m["explanation"].get("nomination")), translations=translations)
            m["nomination_reason"] = texts[key]


def _effective_award(row: dict) -> str | None:
    override = row.get("override_award")
    if override is None:
        return row["award"]
    return None if override == NO_AWARD else override


def _match(
    decisions: list[TieDecision], kind: str, group: str | None, level: str | None, entry_ids: Iterable[int]
) -> TieDecision | None:
    """The latest decision on exactly this tie."""
    wanted = sorted(entry_ids)
    found = None
    for d in decisions:
        if (
            d.kind == kind
            and sorted(d.entry_ids) == wanted
            and (kind == "nomination" or (d.group_key == group and d.level == level))
        ):
            found = d
    return found


def resettle(contest: Contest) -> RankingRun:
    """Apply the tie decisions and overrides to the stored rows again (no scores are read)."""
    run = get_run(contest)
    if run is None:  # results are stored by a ranking run only
        raise ServiceError(_("No ranking yet"))
    stored = db.session.execute(
        select(
            Result.id,
            Result.entry_id,
            Result.group_key,
            Result.component,
            Result.score,
            Result.explanation,
            Result.override_award,
            Result.withdrawn,
        ).where(Result.contest_id == contest.id)
    ).all()
    infos = entry_infos(contest)
    rows = [
        {
            "id": rid,
            "entry_id": eid,
            "group_key": g,
            "component": c,
            "score": s,
            "explanation": dict(expl or {}),
            "override_award": oa,
            "withdrawn": w,
        }
        for rid, eid, g, c, s, expl, oa, w in stored
        if eid in infos
    ]
    rows.sort(key=lambda r: (r["group_key"], r["component"], -(r["score"] or 0), r["entry_id"]))
    for r in rows:
        r["explanation"].setdefault("tie", [])
    settle_rows(contest, rows, infos, tie_chain(contest), run)
    if rows:
        db.session.execute(
            update(Result),
            [
                {
                    "id": r["id"],
                    "award": r["award"],
                    "position": r["position"],
                    "rank": r["rank"],
                    "pending": r["pending"],
                    "nominated": r["nominated"],
                    "nomination_reason": r["nomination_reason"],
                    "explanation": r["explanation"],
                }
                for r in rows
            ],
        )
    db.session.flush()
    db.session.expire_all()
    return run
