"""Judging services: conflicts, plan, publish, sheets with versions, reopen, rounds, statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Adviser, Assignment, AuditEvent, Conflict, RoundEntry, RoundJudge, ScoreSheet, utcnow
from competition.services import ServiceError, judging
from competition.services.judging import rounds as judging_rounds
from competition.services.judging import sheets as judging_sheets
from competition.services.judging import stats as judging_stats
from competition.services.judging.sheets import InvalidSheet, StaleSheet
from tests.factories import judging as fj
from tests.factories import make_entry, make_user


@pytest.fixture()
def jw(world):
    return fj.judging_world(world)


def crit_ids(assignment):
    return {c.code: str(c.id) for c in judging_sheets.criteria_of(assignment)}


def test_automatic_conflicts_synced_with_kind_and_source(world, jw):
    # judge2 advised an entry by name and unit; judge1 is from school s3
    entry = jw.entries[1]
    entry.advisers.append(Adviser(name="钱评委", unit="淮北师范大学", position=5))
    world.contest.settings = {**world.contest.settings, "exclude_same_district": True}
    db.session.flush()
    judging.sync_round_entries(jw.round1)
    added, removed = judging.sync_conflicts(jw.round1)
    rows = {(c.judge_id, c.entry_id): c for c in db.session.scalars(select(Conflict))}
    assert rows[(world.judge1.id, world.entry3.id)].kind == "school"
    assert rows[(world.judge1.id, world.entry3.id)].source == "automatic"
    assert rows[(world.judge2.id, entry.id)].kind == "advised"
    # judge1's school s3 is in d2; entries of s4 (also d2) are same-district
    d2_entries = [e for e in jw.entries if e.school.district_id == world.d2.id and e.school_id != world.s3.id]
    assert d2_entries and all(rows[(world.judge1.id, e.id)].kind == "district" for e in d2_entries)
    assert added == len(rows)
    # turning the district rule off removes those rows again, leaving the others
    world.contest.settings = {**world.contest.settings, "exclude_same_district": False}
    db.session.flush()
    _added, removed = judging.sync_conflicts(jw.round1)
    assert removed == len(d2_entries)


def test_adviser_account_link_is_a_conflict(world, jw):
    jw.entries[2].advisers.append(Adviser(name="别名", user_id=jw.judges[3].id, position=3))
    db.session.flush()
    judging.sync_round_entries(jw.round1)
    inputs = judging.plan_inputs(jw.round1)
    assert inputs.automatic[(jw.judges[3].id, jw.entries[2].id)] == "advised"


def test_plan_respects_all_conflicts_and_is_deterministic(world, jw):
    judge = jw.judges[4]
    judging.add_conflict(
        judge, jw.entries[0], kind="relative", reason="亲属", source="organizer", actor=world.organizer
    )
    plan = judging.run_plan(jw.round1, seed=7, actor=world.organizer)
    pairs = {(a.judge_id, a.entry_id) for a in db.session.scalars(select(Assignment))}
    assert pairs == set(plan.assignments)
    assert (judge.id, jw.entries[0].id) not in pairs
    assert (world.judge1.id, world.entry3.id) not in pairs
    assert all(v <= 1 for v in plan.load_spread.values())
    assert not any(a.published for a in db.session.scalars(select(Assignment)))
    # the same seed re-plans the unpublished rows identically
    again = judging.run_plan(jw.round1, seed=7, actor=world.organizer)
    assert again.assignments == plan.assignments
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.plan")) is not None


def test_shortfall_reported_with_reason(world, jw):
    # 6 judges, k=5: entries of school s3 lose judge1, and an organizer conflict takes one more
    judging.add_conflict(
        jw.judges[2], world.entry3, kind="other", reason="回避", source="organizer", actor=world.organizer
    )
    plan = judging.run_plan(jw.round1, seed=1, actor=world.organizer)
    short = {s.entry_id: s for s in plan.infeasible}
    assert world.entry3.id in short
    assert judging.tr(short[world.entry3.id].reason) == "仅有4名无回避冲突的评委，需要5名"


def test_publish_keeps_published_assignments_on_replan(world, jw):
    fj.planned(world, jw)
    published = {(a.judge_id, a.entry_id) for a in db.session.scalars(select(Assignment))}
    assert all(a.published for a in db.session.scalars(select(Assignment)))
    assert jw.round1.state == "published"
    judging.run_plan(jw.round1, seed=99, actor=world.organizer)
    assert {(a.judge_id, a.entry_id) for a in db.session.scalars(select(Assignment))} == published
    with pytest.raises(ServiceError):
        judging.publish(jw.round1, actor=world.organizer)


def test_manual_add_of_conflicting_judge_refused_with_reason(world, jw):
    judging.sync_round_entries(jw.round1)
    with pytest.raises(ServiceError) as exc:
        judging.add_assignment(jw.round1, world.judge1, world.entry3, actor=world.organizer)
    assert "评委与该作品同校" in exc.value.message
    outsider = make_user("judge", name="外来评委")
    with pytest.raises(ServiceError) as exc:
        judging.add_assignment(jw.round1, outsider, world.entry3, actor=world.organizer)
    assert "不是本轮的评委" in exc.value.message
    a = judging.add_assignment(jw.round1, world.judge2, world.entry3, actor=world.organizer)
    assert a.source == "manual"
    with pytest.raises(ServiceError):
        judging.add_assignment(jw.round1, world.judge2, world.entry3, actor=world.organizer)


def test_sheet_versions_refuse_stale_saves(world, jw):
    fj.planned(world, jw)
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == world.judge2.id)).first()
    ids = crit_ids(a)
    s = judging_sheets.save_draft(a, scores={ids["novelty"]: "30"}, comment="好", version=0, actor=world.judge2)
    assert (s.version, s.total, s.state) == (1, None, "draft")
    s = judging_sheets.save_draft(
        a, scores={ids["novelty"]: "31", ids["science"]: 20}, comment="", version=1, actor=world.judge2
    )
    assert s.version == 2 and s.scores == {ids["novelty"]: 31.0, ids["science"]: 20.0}
    # a second laptop still at version 1
    with pytest.raises(StaleSheet) as exc:
        judging_sheets.save_draft(a, scores={ids["novelty"]: "10"}, comment="", version=1, actor=world.judge2)
    assert exc.value.sheet.scores[ids["novelty"]] == 31.0
    # a new-sheet save when one exists is stale too
    with pytest.raises(StaleSheet):
        judging_sheets.save_draft(a, scores={}, comment="", version=0, actor=world.judge2)
    db.session.commit()
    assert db.session.get(ScoreSheet, s.id).scores[ids["novelty"]] == 31.0


def test_concurrent_update_detected_by_version_column(app, world, jw):
    """Two sessions read version 1; the second writer is refused, never overwriting."""
    fj.planned(world, jw)
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == world.judge2.id)).first()
    ids = crit_ids(a)
    judging_sheets.save_draft(a, scores={ids["novelty"]: "30"}, comment="", version=0, actor=world.judge2)
    db.session.commit()
    sheet_id, aid = a.sheet.id, a.id
    # another request changes the row behind this session's back
    with db.engine.begin() as conn:
        conn.execute(
            ScoreSheet.__table__.update()
            .where(ScoreSheet.id == sheet_id)
            .values(version=2, scores={ids["novelty"]: 12.0})
        )
    a = db.session.get(Assignment, aid)
    assert a.sheet.version == 1  # this session still has the old row
    with pytest.raises(StaleSheet) as exc:
        judging_sheets.save_draft(a, scores={ids["novelty"]: "35"}, comment="", version=1, actor=world.judge2)
    db.session.rollback()  # as the view does before it shows the stored sheet
    assert exc.value.sheet.version == 2 and exc.value.sheet.scores[ids["novelty"]] == 12.0


def test_invalid_values_refuse_the_whole_save(world, jw):
    fj.planned(world, jw)
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == world.judge2.id)).first()
    ids = crit_ids(a)
    with pytest.raises(InvalidSheet) as exc:
        judging_sheets.save_draft(
            a, scores={ids["novelty"]: "41", ids["science"]: "20"}, comment="", version=0, actor=world.judge2
        )
    assert exc.value.problems == {ids["novelty"]: "创新性：分数不能超过40"}
    assert a.sheet is None


def test_submit_locks_and_reopen_is_audited(world, jw):
    fj.planned(world, jw)
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == world.judge2.id)).first()
    ids = crit_ids(a)
    with pytest.raises(InvalidSheet) as exc:
        judging_sheets.submit(a, scores={ids["novelty"]: 30}, comment="", version=0, actor=world.judge2)
    assert "科学性" in exc.value.message
    full = {ids[c]: v for c, v in fj.full_scores().items()}
    s = judging_sheets.submit(a, scores=full, comment="清楚", version=0, actor=world.judge2)
    assert s.state == "final" and s.total == 75.0
    with pytest.raises(ServiceError):
        judging_sheets.save_draft(a, scores=full, comment="", version=s.version, actor=world.judge2)
    with pytest.raises(ServiceError):
        judging_sheets.reopen(s, reason=" ", actor=world.organizer)
    judging_sheets.reopen(s, reason="评委录入错误", actor=world.organizer)
    assert s.state == "draft" and s.reopen_reason == "评委录入错误"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.reopen"))
    assert event.reason == "评委录入错误" and event.before["total"] == 75.0


def test_submit_all_submits_only_complete_drafts(world, jw):
    fj.planned(world, jw)
    mine = judging_sheets.judge_assignments(world.judge2)
    assert len(mine) >= 3
    fj.sheet(mine[0], fj.full_scores())
    fj.sheet(mine[1], {"novelty": 20})
    done, left = judging_sheets.submit_all(world.judge2, actor=world.judge2)
    assert (done, left) == (1, 1)
    p = judging_sheets.progress(judging_sheets.judge_assignments(world.judge2))
    assert (p.final, p.draft, p.todo) == (1, 1, len(mine) - 2)


def test_declared_conflict_removes_entry_and_flags_replacement(world, jw):
    fj.planned(world, jw)
    a = judging_sheets.judge_assignments(world.judge2)[0]
    entry_id = a.entry_id
    fj.sheet(a, {"novelty": 20})
    with pytest.raises(ServiceError):
        judging_sheets.declare_conflict(a, reason=" ", actor=world.judge2)
    judging_sheets.declare_conflict(a, reason="是该生的亲属", kind="relative", actor=world.judge2)
    assert entry_id not in {x.entry_id for x in judging_sheets.judge_assignments(world.judge2)}
    row = db.session.scalar(select(Conflict).where(Conflict.judge_id == world.judge2.id))
    assert (row.source, row.kind, row.reason) == ("declared", "relative", "是该生的亲属")
    prog = judging_stats.progress(jw.round1, utcnow())
    flagged = {e.entry.id: e for e in prog.replacement_needed}
    assert flagged[entry_id].declared == ["钱评委"]
    # judges cannot remove conflicts; organizers can remove declared ones but not automatic ones
    with pytest.raises(ServiceError):
        judging.remove_conflict(row, actor=world.judge2)
    auto = db.session.scalar(select(Conflict).where(Conflict.source == "automatic"))
    with pytest.raises(ServiceError):
        judging.remove_conflict(auto, actor=world.organizer)
    judging.remove_conflict(row, actor=world.organizer)


def test_declared_conflict_does_not_replace_an_organizer_row(world, jw):
    fj.planned(world, jw)
    a = judging_sheets.judge_assignments(world.judge2)[0]
    judging.add_conflict(
        world.judge2, a.entry, kind="other", reason="组织者设置", source="organizer", actor=world.organizer
    )
    row = judging.add_conflict(
        world.judge2, a.entry, kind="relative", reason="x", source="declared", actor=world.judge2
    )
    assert row.source == "organizer" and row.reason == "组织者设置"


def _score_round(world, jw, offset_by_judge=None):
    offset_by_judge = offset_by_judge or {}
    for a in judging.round_assignments(jw.round1):
        base = (a.entry_id * 7) % 9
        fj.sheet(
            a,
            {"novelty": 20 + base + offset_by_judge.get(a.judge_id, 0), "science": 20, "practical": 15, "selfmade": 8},
            state="final",
        )
    db.session.commit()


def test_final_scores_and_criterion_means(world, jw):
    fj.planned(world, jw)
    _score_round(world, jw)
    a = judging.round_assignments(jw.round1)[0]
    fj.sheet(fj.assign(jw.round1, make_user("judge"), a.entry), {"novelty": 1})  # a draft never counts
    records = judging.final_scores(jw.round1)
    assert len(records) == len(judging.round_assignments(jw.round1)) - 1
    assert all(0 <= r.score <= 100 for r in records)
    means = judging.criterion_means(jw.round1, "novelty")
    assert means == judging.criterion_means(jw.round1, "创新性")
    e = jw.entries[0].id
    assert means[e] == 20 + (e * 7) % 9
    assert judging.criterion_means(jw.round1, "nonexistent") == {}


def test_promotion_top_n_and_by_hand(world, jw):
    fj.planned(world, jw)
    _score_round(world, jw)
    added = judging_rounds.promote_top(jw.round1, 2, actor=world.organizer)
    rows = db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == jw.round2.id)).all()
    assert added == len(rows) >= 2
    assert all(r.source == "top" and "初评" in r.reason for r in rows)
    rest = [e for e in jw.entries if e.id not in {r.entry_id for r in rows}]
    with pytest.raises(ServiceError):
        judging_rounds.promote_manual(jw.round1, rest[0], reason="", actor=world.organizer)
    judging_rounds.promote_manual(jw.round1, rest[0], reason="专家组复议", actor=world.organizer)
    with pytest.raises(ServiceError):
        judging_rounds.promote_manual(jw.round1, rest[0], reason="again", actor=world.organizer)
    judging_rounds.unpromote(jw.round2, rest[0], reason="撤回", actor=world.organizer)
    assert len(judging.round_entries(jw.round2)) == added
    with pytest.raises(ServiceError):
        judging_rounds.promote_top(jw.round2, 2, actor=world.organizer)  # the last round


def test_second_round_plan_uses_promoted_entries_only(world, jw):
    fj.planned(world, jw)
    _score_round(world, jw)
    judging_rounds.promote_top(jw.round1, 1, actor=world.organizer)
    fj.add_judges(jw.round2, jw.judges)
    plan = judging.run_plan(jw.round2, seed=1, actor=world.organizer)
    promoted = {e.id for e in judging.round_entries(jw.round2)}
    assert {e for _j, e in plan.assignments} <= promoted


def test_combination_setting_and_combined_scores(world, jw):
    fj.planned(world, jw)
    _score_round(world, jw)
    judging_rounds.set_combination(world.contest, "weighted", weights={1: 0.6, 2: 0.4}, actor=world.organizer)
    assert world.contest.setting("round_combination") == {"mode": "weighted"}
    with pytest.raises(ServiceError):
        judging_rounds.set_combination(world.contest, "median", actor=world.organizer)
    combined = judging_rounds.combined_scores(world.contest, "mean")
    assert set(combined) == {e.id for e in jw.entries}
    assert all(c.last_round == 1 for c in combined.values())


def test_rejudge_adds_conflict_free_judges_near_the_line(world, jw):
    extra_judges = [make_user("judge", name=f"加评{i}") for i in range(3)]
    fj.add_judges(jw.round1, extra_judges)
    for j in extra_judges:  # not in the first plan
        db.session.delete(db.session.scalar(select(RoundJudge).where(RoundJudge.judge_id == j.id)))
    db.session.flush()
    fj.planned(world, jw)
    _score_round(world, jw)
    fj.add_judges(jw.round1, extra_judges)
    group = judging.group_key(jw.entries[0], ["section", "stage"])
    before = len(judging.round_assignments(jw.round1))
    result = judging_rounds.rejudge(jw.round1, group, extra=3, cut_position=2, actor=world.organizer)
    assert len(result.chosen) == 3
    assert len(judging.round_assignments(jw.round1)) == before + len(result.added)
    inputs = judging.plan_inputs(jw.round1)
    for judge_id, entry_id in result.added:
        assert (judge_id, entry_id) not in inputs.automatic and (judge_id, entry_id) not in inputs.conflicts
    new = [a for a in judging.round_assignments(jw.round1) if a.source == "rejudge"]
    assert new and not any(a.published for a in new)


def test_progress_and_distributions(world, jw):
    fj.planned(world, jw)
    _score_round(world, jw, offset_by_judge={world.judge2.id: -8})
    a = next(a for a in judging.round_assignments(jw.round1) if a.judge_id == world.judge2.id)
    judging_sheets.reopen(a.sheet, reason="复核", actor=world.organizer)
    world.contest.judging_closes_at = utcnow() - timedelta(hours=1)
    prog = judging_stats.progress(jw.round1, utcnow())
    j2 = next(j for j in prog.judges if j.judge.id == world.judge2.id)
    assert (j2.draft, j2.overdue) == (1, 1)
    assert prog.overdue and [e.entry.id for e in prog.short_entries] == [a.entry_id]
    rows = judging_stats.distributions(jw.round1)
    harsh = next(r for r in rows if r["judge_id"] == world.judge2.id)
    assert rows[0]["judge_id"] == world.judge2.id  # the lowest mean first
    assert harsh["severity"] < -1


def test_remove_judge_and_assignment_rules(world, jw):
    fj.planned(world, jw)
    a = judging_sheets.judge_assignments(world.judge2)[0]
    fj.sheet(a, fj.full_scores(), state="final")
    with pytest.raises(ServiceError):
        judging.remove_assignment(a, actor=world.organizer)
    rj = next(r for r in judging.round_judges(jw.round1) if r.judge_id == world.judge2.id)
    with pytest.raises(ServiceError):
        judging.remove_round_judge(rj, actor=world.organizer)
    other = next(r for r in judging.round_judges(jw.round1) if r.judge_id == jw.judges[5].id)
    judging.remove_round_judge(other, actor=world.organizer)
    assert not db.session.scalars(select(Assignment).where(Assignment.judge_id == jw.judges[5].id)).all()


def test_first_round_follows_accepted_entries(world, jw):
    judging.sync_round_entries(jw.round1)
    late = fj.accept(make_entry(world.contest, world.s2, state="accepted"))
    gone = jw.entries[1]
    gone.state = "withdrawn"
    ids = {e.id for e in judging.sync_round_entries(jw.round1)}
    assert late.id in ids and gone.id not in ids


def test_submit_on_a_sheet_submitted_elsewhere_is_stale(world, jw):
    """Two tabs: one submits; the other's submit (older version) gets the submitted sheet as a
    version conflict, like its autosave would, and changes nothing."""
    fj.planned(world, jw)
    a = judging_sheets.judge_assignments(world.judge2)[0]
    ids = crit_ids(a)
    full = {ids[c]: v for c, v in fj.full_scores().items()}
    seen = judging_sheets.save_draft(
        a, scores={ids["novelty"]: "30"}, comment="", version=0, actor=world.judge2
    ).version  # both tabs show version 1
    judging_sheets.submit(a, scores=full, comment="第一个标签页", version=seen, actor=world.judge2)
    other = dict(full, **{ids["novelty"]: 10})
    with pytest.raises(StaleSheet) as exc:
        judging_sheets.submit(a, scores=other, comment="第二个", version=seen, actor=world.judge2)
    assert exc.value.sheet.state == "final" and exc.value.sheet.comment == "第一个标签页"
    # with the current version it is simply locked
    with pytest.raises(ServiceError) as exc:
        judging_sheets.submit(a, scores=other, comment="", version=a.sheet.version, actor=world.judge2)
    assert not isinstance(exc.value, StaleSheet)
    assert a.sheet.scores[ids["novelty"]] == 30.0


def test_contest_progress_matches_the_list(world, jw):
    fj.planned(world, jw)
    mine = judging_sheets.judge_assignments(world.judge2)
    fj.sheet(mine[0], fj.full_scores(), state="final")
    fj.sheet(mine[1], fj.full_scores())  # a complete draft
    fj.sheet(mine[2], {"novelty": 20})  # an incomplete draft
    fj.sheet(mine[3], {})  # opened but nothing entered: still to do
    db.session.add(
        Conflict(
            judge_id=world.judge2.id,
            entry_id=mine[4].entry_id,
            kind="relative",
            source="declared",
            reason="亲属",
            created_by_id=world.judge2.id,
        )
    )
    db.session.flush()
    expected = judging_sheets.progress(judging_sheets.judge_assignments(world.judge2, world.contest.id))
    got = judging_sheets.contest_progress(world.judge2, world.contest.id)
    assert got == expected
    assert (got.total, got.final, got.draft, got.complete_drafts) == (len(mine) - 1, 1, 2, 1)
    other = judging_sheets.contest_progress(world.judge2, world.contest.id + 1000)
    assert other.total == 0


def test_criteria_of_picks_the_sections_own_rubric_else_the_shared_one(world, jw):
    from competition.models import Criterion, Rubric

    rnd = jw.round1
    entry = jw.entries[0]
    other = next(s for s in world.contest.sections if s.id != entry.section_id)
    # the other section loses its own rubric and falls back to one shared by every section
    db.session.delete(rnd.rubric_for(other.id))
    shared = Rubric(round_id=rnd.id, section_id=None, name="通用标准")
    shared.criteria = [
        Criterion(code="b", name="乙", max_score=40, sort_order=2),
        Criterion(code="a", name="甲", max_score=60, sort_order=1),
    ]
    db.session.add(shared)
    db.session.flush()
    db.session.expire(rnd, ["rubrics"])
    mine = fj.assign(rnd, jw.judges[0], entry)
    own = rnd.rubric_for(entry.section_id)
    assert own.section_id == entry.section_id
    assert [c.id for c in judging_sheets.criteria_of(mine)] == [c.id for c in own.criteria]
    elsewhere = make_entry(world.contest, world.s1, section_code=other.code, state="accepted", title="别组项目")
    theirs = fj.assign(rnd, jw.judges[0], elsewhere)
    assert [c.code for c in judging_sheets.criteria_of(theirs)] == ["a", "b"]
    assert rnd.rubric_for(other.id).id == shared.id


def test_judge_assignment_loads_everything_and_reports_conflicts(world, jw):
    rnd = jw.round1
    judge, entry = jw.judges[1], jw.entries[2]
    a = fj.assign(rnd, judge, entry)
    fj.sheet(a, {}, state="draft", comment="草稿")
    db.session.commit()
    a_id, judge_id, other_id, title = a.id, judge.id, jw.judges[0].id, entry.title
    db.session.expunge_all()
    loaded, conflicted = judging_sheets.judge_assignment(a_id, judge_id)
    assert (loaded.id, conflicted) == (a_id, False)
    # everything the page shows came with that one query: no lazy load is left
    loaded_state = {k for k, v in vars(loaded).items() if not k.startswith("_")}
    assert {"entry", "round", "sheet"} <= loaded_state
    assert loaded.entry.title == title and loaded.sheet.comment == "草稿"
    assert "contest" in vars(loaded.round) and "section" in vars(loaded.entry)
    # a conflict recorded after the assignment (the service would also remove a draft assignment)
    db.session.add(Conflict(judge_id=judge_id, entry_id=loaded.entry_id, kind="relative", source="organizer"))
    db.session.commit()
    assert judging_sheets.judge_assignment(a_id, judge_id)[1] is True
    assert judging_sheets.judge_assignment(a_id, other_id)[1] is False
    assert judging_sheets.judge_assignment(10**6, judge_id) == (None, False)


def test_a_judges_comment_with_a_control_character_is_refused_and_nothing_saved(world, jw):
    fj.planned(world, jw)
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == world.judge2.id)).first()
    with pytest.raises(InvalidSheet) as exc:
        judging_sheets.save_draft(a, scores={}, comment="很好\x1b[2J", version=0, actor=world.judge2)
    assert "评语含有不允许的字符 控制字符 U+001B" in exc.value.problems["comment"]
    assert db.session.scalars(select(ScoreSheet).where(ScoreSheet.assignment_id == a.id)).first() is None
