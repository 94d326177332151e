"""Rows for judging tests: a contest in judging with accepted entries, judges and a planned round."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from competition.extensions import db
from competition.models import Assignment, Attachment, RoundJudge, ScoreSheet, utcnow  # noqa: F401
from competition.services import judging
from tests.factories import make_entry, make_school, make_user

_seq = itertools.count(1)


def accept(entry, number: str | None = None):
    entry.state = "accepted"
    entry.number = number or f"CX-XS-{next(_seq):03d}"
    db.session.flush()
    return entry


def round_of(contest, number: int = 1):
    return next(r for r in contest.rounds if r.number == number)


def add_judges(rnd, judges, pool=None):
    for j in judges:
        db.session.add(RoundJudge(round_id=rnd.id, judge_id=j.id, pool=pool))
    db.session.flush()


def assign(rnd, judge, entry, published=True):
    a = Assignment(
        round_id=rnd.id,
        judge_id=judge.id,
        entry_id=entry.id,
        published=published,
        published_at=utcnow() if published else None,
    )
    db.session.add(a)
    db.session.flush()
    return a


def sheet(assignment, scores: dict, state="draft", comment=None):
    """A sheet with scores given by criterion code, e.g. {"novelty": 30, ...}."""
    from competition.domain import scoring
    from competition.services.judging.sheets import criteria_of, specs

    crit = {c.code: c for c in criteria_of(assignment)}
    values = {str(crit[code].id): float(v) for code, v in scores.items()}
    s = ScoreSheet(
        assignment_id=assignment.id,
        scores=values,
        state=state,
        comment=comment,
        total=scoring.weighted_total(values, specs(list(crit.values()))),
        submitted_at=utcnow() if state == "final" else None,
    )
    db.session.add(s)
    db.session.flush()
    db.session.refresh(assignment)
    return s


def full_scores(total_offset: float = 0) -> dict:
    """A complete sheet for the student rubric of round 1 (创新性 40, 科学性 30, 实用性 20, 三自 10)."""
    return {"novelty": 30 + total_offset, "science": 22, "practical": 15, "selfmade": 8}


def attach(
    entry,
    name="张三的研究报告.pdf",
    kind="pdf",
    content_type="application/pdf",
    data: bytes | None = None,
    requirement_code: str | None = "report",
):
    """An attachment; with ``data`` the file is really stored (kept when the test commits)."""
    import io
    import secrets

    from competition.adapters.storage import get_storage, keep_if_committed

    key, size = secrets.token_hex(16), 1000
    if data is not None:
        storage = get_storage()
        stored = storage.save_stream(io.BytesIO(data))
        keep_if_committed(db.session, storage, stored.key)
        key, size = stored.key, stored.size
    requirement = next((m for m in entry.section.materials if m.code == requirement_code), None)
    att = Attachment(
        entry_id=entry.id,
        original_name=name,
        storage_key=key,
        requirement_id=requirement.id if requirement else None,
        file_kind=kind,
        content_type=content_type,
        size=size,
        sha256="0" * 64,
    )
    db.session.add(att)
    db.session.flush()
    return att


def judging_world(w, n_entries: int = 6, n_judges: int = 6):
    """On top of tests.factories.build_world(): the contest in judging, accepted entries from
    several schools, judges (judge1, judge2 and more) on round 1's panel."""
    j = SimpleNamespace()
    w.contest.state = "judging"
    j.round1 = round_of(w.contest, 1)
    j.round2 = round_of(w.contest, 2)
    schools = [w.s1, w.s2, w.s3, make_school(w.d2, "濉溪县第二中学")]
    j.entries = [accept(w.entry3, "CX-XS-900")]
    for i in range(n_entries - 1):
        j.entries.append(
            accept(
                make_entry(
                    w.contest,
                    schools[i % len(schools)],
                    title=f"评审项目{i}",
                    state="accepted",
                    stage="初中",
                    advisers=[{"name": f"导师{i}", "unit": "某校"}],
                )
            )
        )
    j.judges = [w.judge1, w.judge2] + [
        make_user("judge", username=f"judgex{i}", name=f"评委{i}", affiliation="淮北师范大学", subjects="物理与天文学")
        for i in range(n_judges - 2)
    ]
    add_judges(j.round1, j.judges)
    db.session.commit()
    return j


def planned(w, j, seed=1, publish=True):
    judging.run_plan(j.round1, seed=seed, actor=w.organizer)
    if publish:
        judging.publish(j.round1, actor=w.organizer)
    db.session.commit()
