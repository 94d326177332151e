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
        check_vocational_schools_are_their_own_stage,
        check_small_group_decided_by_the_organizer,
        check_counselor_entries_of_both_kinds,
        check_quota_caps_and_minimum_scores_at_work,
        check_student_projects_carry_anhuis_materials,
        check_objections_settled_online,
        check_work_finished_within_the_window,
        check_an_objection_waits_on_the_running_notice,
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
    assert 40 <= count(db, select(School)) <= 45
    assert {code: c.state for code, c in demo.items()} == {
        "HB2026-YX": "open",
        "HB2026-FM": "closed",
        "HB2026-CX": "judging",
        "HB2025-CX": "final",
        "HB2025-YX": "published",
    }
    assert 340 <= count(db, select(Entry)) <= 390
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


def finished_results(demo):
    from competition.services.results import results_of

    return results_of(demo["HB2025-CX"])


def check_vocational_schools_are_their_own_stage(db, demo):
    """中职 schools' students are 中专, a 学段 of its own; no team mixes two 学段 (the demo would refuse it)."""
    from competition.domain.eligibility.grades import stage_of_grade

    for code in ("HB2025-CX", "HB2026-CX"):
        contest = demo[code]
        assert contest.settings_view.vocational_own_stage
        vocational = db.session.scalars(
            select(Entry).where(Entry.contest_id == contest.id, Entry.stage == "中专")
        ).all()
        assert vocational, code
        for entry in vocational:
            assert entry.school.stage_kind == "中职" and entry.section.code == "XS"
            assert {s.grade for s in entry.students} <= {"中职一年级", "中职二年级", "中职三年级"}
    for entry in db.session.scalars(select(Entry).where(Entry.is_team.is_(True))):
        assert {stage_of_grade(s.grade) for s in entry.students} == {entry.stage}, entry.title
    # 中专 has its own share of the 2025 quota: 25 x 10% = 2.5, rounded half up to 3.
    from competition.domain.nominations import stage_quotas

    view = demo["HB2025-CX"].settings_view
    fixed, free = stage_quotas(view.nomination_quota, view.nomination_stage_shares, view.nomination_share_rounding)
    assert fixed == {"小学": 3, "初中": 5, "高中": 10, "中专": 3} and free == 4


def check_small_group_decided_by_the_organizer(db, demo):
    """The 2025 中专 group (2 entries, under award_min_group_size 3) got no award by proportion; the
    organizer gave its awards by hand, with the reason, and the rule-effects card names the group."""
    from competition.models import AuditEvent
    from competition.services.results import rule_effects_of

    rows = finished_results(demo)
    effects = {e.rule: e for e in rule_effects_of(demo["HB2025-CX"], rows)}
    assert effects["small_group"].value == 3
    assert ("XS|中专", 0) in effects["small_group"].groups
    small = [r for r in rows if r.group_key == "XS|中专"]
    assert len(small) == 2
    assert all(r.award is None and r.override_award and "不足3项" in r.override_reason for r in small)
    # decided by the other groups' lines: the lowest score each level went to there
    third = min(r.score for r in rows if r.award == "三等奖" and r.group_key != "XS|中专")
    for r in small:
        assert (r.final_award is not None) == (r.score >= third), (r.score, third, r.final_award)
        assert ("授予" if r.final_award else "不授奖项") in r.override_reason
    overrides = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.override")).all()
    assert {e.object_id for e in overrides} >= {r.id for r in small}


def check_counselor_entries_of_both_kinds(db, demo):
    """科技辅导员 entries: individual, no students or advisers, one per teacher, every subject of both kinds."""
    from competition.domain.eligibility.subjects import counselor_kind

    for code in ("HB2025-CX", "HB2026-CX"):
        entries = db.session.scalars(
            select(Entry).where(Entry.contest_id == demo[code].id, Entry.section.has(code="FD"))
        ).all()
        assert all(not e.is_team and not e.students and not e.advisers for e in entries)
        teachers = [e.created_by_id for e in entries]
        assert len(teachers) == len(set(teachers))
        assert {counselor_kind(e.subject) for e in entries} == {"科教制作类", "科教方案类"}
    finished = db.session.scalars(
        select(Entry.subject).where(Entry.contest_id == demo["HB2025-CX"].id, Entry.section.has(code="FD"))
    ).all()
    subjects = {f"科教制作类-{s}" for s in ("物理", "化学", "生物", "数学", "信息技术教学类", "其他")}
    assert set(finished) == subjects | {"科教方案类"}


def check_quota_caps_and_minimum_scores_at_work(db, demo):
    """The 2025 quota (25, caps per school and 区县, minimum scores 80): the workbook flags the 区县
    the organizer nominated past its cap, and the skipped entries say why."""
    import io

    from openpyxl import load_workbook

    from competition.services.exports import nomination_workbook

    contest = demo["HB2025-CX"]
    view = contest.settings_view
    assert (view.nomination_quota, view.nomination_school_cap, view.nomination_district_cap) == (25, 2, 3)
    assert view.award_min_scores == {"一等奖": 80.0} and view.nomination_min_score == 80.0
    rows = finished_results(demo)
    assert all(r.score >= 80 for r in rows if r.final_award == "一等奖")
    assert all(r.score >= 80 for r in rows if r.final_nominated)
    reasons = [r.nomination_reason or "" for r in rows]
    assert any("低于推荐所需的最低分80" in t for t in reasons)
    assert any("区县名额上限3项已由项目" in t for t in reasons)
    past_cap = [r for r in rows if r.override_nominated and "超出本区县分配名额" in (r.override_reason or "")]
    assert len(past_cap) == 1 and past_cap[0].final_nominated
    district = past_cap[0].entry.school.district.name
    sheet = load_workbook(io.BytesIO(nomination_workbook(contest)))["各区县名额"]
    flagged = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[3] == "超出分配名额"]
    assert flagged == [(district, 4, 3, "超出分配名额")]


def check_student_projects_carry_anhuis_materials(db, demo):
    """Every submitted 学生科技创新成果 carries the section's required materials, 原始材料 and a real
    video ffprobe measures under the section's limit; every PDF is a real PDF."""
    from competition.adapters.media import video_duration

    storage = get_storage()
    entries = db.session.scalars(
        select(Entry).where(
            Entry.contest_id == demo["HB2025-CX"].id, Entry.section.has(code="XS"), Entry.state == "accepted"
        )
    ).all()
    assert entries
    section = entries[0].section
    required = {m.code for m in section.materials if m.required}
    assert required == {"report", "form", "novelty", "integrity", "ethics"}
    video = next(m for m in section.materials if m.code == "video")
    for entry in entries:
        codes = {a.requirement.code for a in entry.attachments}
        assert required | {"log", "video"} <= codes, entry.title
    entry = entries[0]
    for a in entry.attachments:
        with storage.open(a.storage_key) as fh:
            head = fh.read(5)
        if a.file_kind == "pdf":
            assert head == b"%PDF-"
    clip = next(a for a in entry.attachments if a.requirement.code == "video")
    assert clip.file_kind == "mp4"
    seconds = video_duration(storage.local_path(clip.storage_key))
    assert 2 <= seconds <= video.max_duration_seconds == 60


def check_objections_settled_online(db, demo):
    """Two objections filed online during the 2025 notice: one founded (award and nomination
    withdrawn), one not founded; both filed and settled inside the notice period."""
    from competition.models import Objection
    from competition.models.results import RankingRun

    contest = demo["HB2025-CX"]
    run = db.session.scalar(select(RankingRun).where(RankingRun.contest_id == contest.id))
    found = db.session.scalars(select(Objection).where(Objection.contest_id == contest.id)).all()
    assert sorted(o.outcome for o in found) == ["dismissed", "upheld"]
    for o in found:
        assert o.receipt and o.files and o.resolution
        assert run.published_at < o.received_at < o.resolved_at < run.notice_ends_at
    upheld = next(o for o in found if o.outcome == "upheld")
    result = next(r for r in finished_results(demo) if r.entry_id == upheld.entry_id)
    assert result.withdrawn and result.final_award is None and not result.final_nominated
    assert upheld.receipt in result.withdrawn_reason
    dismissed = next(o for o in found if o.outcome == "dismissed")
    kept = next(r for r in finished_results(demo) if r.entry_id == dismissed.entry_id)
    assert not kept.withdrawn and kept.final_nominated


def check_work_finished_within_the_window(db, demo):
    """Each entry's work was finished within the two years before 1 July of its contest's year,
    and not after the day it was submitted."""
    from competition.domain.eligibility.grades import work_window

    for contest in demo.values():
        for entry in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id)):
            submitted = (entry.submitted_at or entry.created_at).date()
            first, last = work_window(contest.year, 2, submitted)
            assert first <= entry.completed_on <= last, (contest.code, entry.completed_on, submitted)


def check_an_objection_waits_on_the_running_notice(db, demo):
    """The 2025 film festival is on notice now: the public may still file, and one objection filed
    online waits at the desk, which the organizer settles live."""
    from competition.domain.objections import Finding
    from competition.models import Objection
    from competition.services import objections
    from competition.services.results import notice_running

    contest = demo["HB2025-YX"]
    assert notice_running(contest) and objections.filing_closed(contest) is None
    waiting = objections.desk(contest)
    assert waiting.closed is None
    found = db.session.scalars(select(Objection).where(Objection.contest_id == contest.id)).all()
    assert len(found) == 1 and found[0].outcome is None and found[0].receipt and found[0].files
    organizer = db.session.scalar(select(User).where(User.username == "organizer"))
    objections.settle(
        found[0], Finding("dismissed", "经核查素材来源，镜头为学生自行拍摄，异议不属实。"), actor=organizer
    )
    db.session.commit()
    assert objections.status_of(found[0].receipt).outcome == "dismissed"
