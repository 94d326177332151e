"""The demo data: loads on a fresh database, is idempotent, gives every role work, and is eligible."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from competition.adapters.storage import get_storage
from competition.models import (
    Assignment,
    Attachment,
    Certificate,
    Contest,
    District,
    Entry,
    Result,
    School,
    ScoreSheet,
    User,
)
from competition.services import accounts, review
from competition.services.demo import DEMO_PASSWORD, demo_accounts, seed_demo, weighted_total


def test_demo(db):
    """One seed (it takes a few seconds), every property checked on it."""
    seed_demo()
    db.session.commit()
    demo = {c.code: c for c in db.session.scalars(select(Contest))}
    for check in (
        check_city_and_contests,
        check_every_role_has_work,
        check_scores_within_bounds,
        check_assignments_respect_recusal,
        check_entries_numbered_uniquely,
        check_non_draft_entries_pass_section_rules,
        check_attachments_are_real_files,
        check_a_past_contest_lives_in_its_year,
        check_titles_and_logins_read_true,
        check_idempotent,
    ):
        check(db, demo)


def count(db, stmt):
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def check_city_and_contests(db, demo):
    assert [d.name for d in db.session.scalars(select(District).order_by(District.id))] == [
        "相山区",
        "杜集区",
        "烈山区",
        "濉溪县",
    ]
    assert 38 <= count(db, select(School)) <= 45
    assert {code: c.state for code, c in demo.items()} == {
        "HB2026-YX": "open",
        "HB2026-FM": "closed",
        "HB2026-CX": "judging",
        "HB2025-CX": "final",
    }
    assert 280 <= count(db, select(Entry)) <= 330
    judges = db.session.scalars(select(User).where(User.role_rows.any(role="judge"))).all()
    assert 22 <= len(judges) <= 28 and all(j.affiliation and j.title and j.subject_list for j in judges)
    assert any(j.school_id for j in judges)
    user = db.session.scalar(select(User).where(User.username == "teacher01"))
    assert (
        accounts.authenticate(
            "teacher01", DEMO_PASSWORD, address="127.0.0.1", throttle=accounts.Throttle.from_config(current_app.config)
        ).id
        == user.id
    )


def check_idempotent(db, demo):
    before = count(db, select(Entry)), count(db, select(User)), count(db, select(Attachment))
    again = seed_demo()
    db.session.commit()
    assert (count(db, select(Entry)), count(db, select(User)), count(db, select(Attachment))) == before
    assert {a.role for a in again} == {"organizer", "reviewer", "judge", "teacher"}
    assert [a.username for a in again] == [a.username for a in demo_accounts()]


def check_every_role_has_work(db, demo):
    teacher = db.session.scalar(select(User).where(User.username == "teacher01"))
    assert count(db, select(Entry).where(Entry.school_id == teacher.school_id)) > 0
    for username in ("reviewer_xs", "reviewer_sx", "reviewer_city"):
        reviewer = db.session.scalar(select(User).where(User.username == username))
        rows, total, _counts = review.queue(reviewer, review.QueueFilters())
        assert total > 0
        if reviewer.district_id:
            assert all(e.school.district_id == reviewer.district_id for e in rows)
    judging = demo["HB2026-CX"]
    per_judge = dict(
        db.session.execute(
            select(Assignment.judge_id, func.count())
            .join(Assignment.round)
            .where(Assignment.published.is_(True))
            .where(Assignment.round.has(contest_id=judging.id))
            .group_by(Assignment.judge_id)
        ).all()
    )
    assert len(per_judge) >= 20 and min(per_judge.values()) > 0
    sheets = db.session.scalars(
        select(ScoreSheet).join(Assignment).where(Assignment.round.has(contest_id=judging.id))
    ).all()
    finals = [s for s in sheets if s.state == "final"]
    assert 0.5 <= len(finals) / sum(per_judge.values()) <= 0.7
    assert any(s.state == "draft" for s in sheets)
    started = {s.assignment.judge_id for s in sheets}
    assert len(set(per_judge) - started) >= 2  # a couple of judges have not started
    finished = demo["HB2025-CX"]
    fin = db.session.scalars(
        select(ScoreSheet).join(Assignment).where(Assignment.round.has(contest_id=finished.id))
    ).all()
    n_assign = count(db, select(Assignment).where(Assignment.round.has(contest_id=finished.id)))
    assert fin and len(fin) == n_assign and all(s.state == "final" for s in fin)
    # ... and it went all the way through ranking, the public notice and certificates.
    results = db.session.scalars(select(Result).where(Result.contest_id == finished.id)).all()
    accepted = count(db, select(Entry).where(Entry.contest_id == finished.id, Entry.state == "accepted"))
    assert len(results) == accepted and any(r.final_award == "一等奖" for r in results)
    nominated = [r for r in results if r.final_nominated]
    assert nominated and all(r.entry.provincial_outcome for r in nominated)
    certs = db.session.scalars(select(Certificate).where(Certificate.contest_id == finished.id)).all()
    awarded = [r for r in results if r.final_award]
    assert len(certs) >= len(awarded) and all(not c.revoked for c in certs)


def check_scores_within_bounds(db, demo):
    for sheet in db.session.scalars(select(ScoreSheet).where(ScoreSheet.state == "final")):
        rubric = sheet.assignment.round.rubric_for(sheet.assignment.entry.section_id)
        for c in rubric.criteria:
            assert 0 <= sheet.scores[str(c.id)] <= c.max_score
        assert sheet.total == pytest.approx(weighted_total(rubric, sheet.scores))
        assert 0 <= sheet.total <= 100


def check_assignments_respect_recusal(db, demo):
    for a in db.session.scalars(select(Assignment)):
        assert a.judge.school_id != a.entry.school_id
        assert a.judge_id not in {adv.user_id for adv in a.entry.advisers}


def check_entries_numbered_uniquely(db, demo):
    for contest in demo.values():
        numbers = db.session.scalars(
            select(Entry.number).where(Entry.contest_id == contest.id, Entry.state == "accepted")
        ).all()
        assert all(numbers) and len(numbers) == len(set(numbers))
    assert db.session.scalar(
        select(Entry.number).where(Entry.contest_id == demo["HB2026-CX"].id, Entry.number.is_not(None))
    ).startswith("CX2026-")


def check_non_draft_entries_pass_section_rules(db, demo):
    from competition.domain import eligibility as rules
    from competition.services import submissions

    for contest in demo.values():
        others = submissions.contest_entries(contest.id)
        entries = db.session.scalars(
            select(Entry).where(Entry.contest_id == contest.id, Entry.state.in_(rules.NON_DRAFT))
        ).all()
        for entry in entries:
            found = submissions.problems(entry, others=others)
            assert not found, (entry.title, [str(p) for p in found])


def check_attachments_are_real_files(db, demo):
    storage = get_storage()
    kinds = set()
    for a in db.session.scalars(select(Attachment).limit(40)):
        assert storage.exists(a.storage_key)
        kinds.add(a.file_kind)
    from competition.adapters.storage import inspect_file

    for kind in ("pdf", "jpg", "mp4"):
        a = db.session.scalar(select(Attachment).where(Attachment.file_kind == kind))
        with storage.open(a.storage_key) as fh:
            assert inspect_file(fh) is not None


def check_a_past_contest_lives_in_its_year(db, demo):
    """The 2025 contest's sheets, results and certificates are dated in 2025, after its judging."""
    from competition.models.results import RankingRun
    from competition.services.certificates import certificate_date

    finished = demo["HB2025-CX"]
    run = db.session.scalar(select(RankingRun).where(RankingRun.contest_id == finished.id))
    assert finished.judging_closes_at < run.computed_at < run.locked_at < run.published_at
    assert run.published_at < run.notice_ends_at < run.finalized_at and run.finalize_reason is None
    certs = db.session.scalars(select(Certificate).where(Certificate.contest_id == finished.id)).all()
    assert certs and {certificate_date(finished, c).year for c in certs} == {2025}
    assert all(c.issued_at > run.finalized_at for c in certs)
    sheets = db.session.scalars(
        select(ScoreSheet).join(Assignment).where(Assignment.round.has(contest_id=finished.id))
    ).all()
    assert all(finished.judging_opens_at <= s.updated_at <= finished.judging_closes_at for s in sheets)


def check_titles_and_logins_read_true(db, demo):
    from competition.services.demo.words import ADJS

    for title in db.session.scalars(select(Entry.title)):
        assert not any(title.count(adj) > 1 for adj in ADJS), title  # not 便携式便携式净水吸管
    savers = set(db.session.scalars(select(Assignment.judge_id).join(ScoreSheet)))
    assert savers
    for judge in db.session.scalars(select(User).where(User.id.in_(savers))):
        assert judge.last_login_at is not None, judge.username
