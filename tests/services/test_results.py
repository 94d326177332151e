"""Results workflow: ranking drafts, ties, overrides, publication, objections, finalizing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from competition.domain.objections import Finding
from competition.models import AuditEvent, Result, ScoreSheet
from competition.services import ServiceError, objections
from competition.services import results as svc
from tests.factories import make_entry, make_user
from tests.factories.results import judged_contest, score

# Ten entries, three judges; distinct means 90, 87, 84 ...
TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def rows(contest) -> dict[str, Result]:
    return {r.entry.title: r for r in svc.results_of(contest)}


def test_ranking_stores_a_draft_with_explanations(world, db) -> None:
    c = judged_contest(world, TEN, settings={"nomination_quota": 1})
    run = svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    assert run.n_entries == 10 and run.n_scores == 30 and run.method == "mean" and not run.ties
    r = rows(c.contest)
    first = r["作品01"]
    assert (first.raw_mean, first.trimmed_mean, first.score, first.rank) == (90, 90, 90, 1)
    assert first.group_key == "XS|初中" and first.n_judges == 3 and first.uncertainty > 0
    assert [r[f"作品{i:02d}"].award for i in range(1, 8)] == [
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        "三等奖",
        None,
    ]
    assert first.nominated and not r["作品02"].nominated
    text = svc.explanation_text(first)
    assert "组内第1名（共10项）" in text and "获一等奖" in text and "原始平均分 90.00（3位评委）" in text
    assert "二等奖，不在推荐范围（限一等奖）" in r["作品02"].nomination_reason
    assert "获奖名额共6项，未获奖" in svc.explanation_text(r["作品07"])
    assert svc.explanation_text(r["作品07"]).count("未获奖") == 1  # said once, not again by the nomination line
    assert "不在推荐范围（限一等奖）" in r["作品07"].nomination_reason
    assert {j["name"] for j in run.judges} >= {"赵评委", "钱评委"}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "results.rank")) is not None


def test_excellence_award_for_the_other_entries_counts_and_gets_certificates(world, db) -> None:
    from competition.services import certificates as cert_svc

    c = judged_contest(world, TEN, settings={"excellence_award": True, "award_min_scores": {"优秀奖": 66}})
    svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    r = rows(c.contest)
    assert [r[f"作品{i:02d}"].award for i in range(6, 11)] == ["三等奖", "优秀奖", "优秀奖", "优秀奖", None]
    assert "未进入等级奖名额（共6项），获优秀奖" in svc.explanation_text(r["作品07"])
    assert "得分63.00低于优秀奖最低分66.00" in svc.explanation_text(r["作品10"])
    assert svc.award_choices(c.contest)[-1] == "优秀奖"
    assert svc.award_counts(c.contest, svc.results_of(c.contest))["优秀奖"] == 3
    awarded = {a.title: a for a in cert_svc.awarded_entries(c.contest)}
    assert awarded["作品07"].award == "优秀奖" and awarded["作品07"].award_order == 3
    assert "作品10" not in awarded


def test_quota_reason_names_the_full_quota_and_school_cap(world, db) -> None:
    c = judged_contest(
        world,
        TEN,
        settings={
            "nomination_quota": 3,
            "nomination_levels": ["一等奖", "二等奖", "三等奖"],
            "nomination_school_cap": 1,
        },
    )
    svc.run_ranking(c.contest, actor=world.organizer)
    r = rows(c.contest)
    # Schools s1, s2, s3 in turn: 作品04 is s1 again.
    assert [r[f"作品{i:02d}"].nominated for i in range(1, 5)] == [True, True, True, False]
    assert "学校名额上限1项已由项目 CX-XS-001 占用" in r["作品04"].nomination_reason
    svc.override_result(r["作品01"], actor=world.organizer, award=None, reason="复核发现材料不符")
    r = rows(c.contest)
    assert r["作品01"].final_award is None and r["作品04"].nominated  # its school place came free


def test_recomputing_replaces_the_draft_and_keeps_overrides(world, db) -> None:
    c = judged_contest(world, TEN)
    svc.run_ranking(c.contest, actor=world.organizer)
    r = rows(c.contest)
    svc.override_result(r["作品07"], actor=world.organizer, award="三等奖", reason="组委会复议决定")
    db.session.commit()
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.total == 72))  # 作品07, judge 2
    sheet.total = 100
    svc.run_ranking(c.contest, actor=world.organizer, method="trimmed_mean")
    db.session.commit()
    r = rows(c.contest)
    assert len(r) == 10 and r["作品07"].method == "trimmed_mean"
    assert r["作品07"].override_award == "三等奖" and r["作品07"].override_reason == "组委会复议决定"
    assert r["作品07"].raw_mean > 75


def test_override_needs_a_written_reason(world, db) -> None:
    c = judged_contest(world, TEN)
    svc.run_ranking(c.contest, actor=world.organizer)
    r = rows(c.contest)["作品02"]
    with pytest.raises(ServiceError) as err:
        svc.override_result(r, actor=world.organizer, award="一等奖", reason="  ")
    assert err.value.message == "请写明修改的理由。"
    with pytest.raises(ServiceError):
        svc.override_result(r, actor=world.organizer, award="特等奖", reason="x")
    svc.override_result(r, actor=world.organizer, award="一等奖", nominated=True, reason="专家组复议")
    db.session.commit()
    r = rows(c.contest)["作品02"]
    assert r.final_award == "一等奖" and r.award == "二等奖" and r.final_nominated
    assert "经组织方修改：专家组复议" in svc.explanation_text(r)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "results.override"))
    assert event.reason == "专家组复议" and event.after["override_award"] == "一等奖"


def test_tie_at_the_award_line_blocks_publication_until_decided(world, db) -> None:
    totals = [list(t) for t in TEN]
    totals[1] = list(totals[0])  # 作品01 and 作品02 tie; one 一等奖 place in ten
    c = judged_contest(world, totals, settings={"tie_break": ["n_judges"]})
    run = svc.run_ranking(c.contest, actor=world.organizer)
    assert len(run.ties) == 1 and run.ties[0]["level"] == "一等奖"
    r = rows(c.contest)
    assert r["作品01"].pending and r["作品02"].pending and r["作品01"].award is None
    assert "待组织方裁定" in svc.explanation_text(r["作品01"])
    svc.lock(c.contest, actor=world.organizer)
    with pytest.raises(ServiceError) as err:
        svc.publish(c.contest, actor=world.organizer)
    assert "并列" in err.value.message
    with pytest.raises(ServiceError):
        svc.decide_tie(c.contest, 0, [c.entries[0].id], actor=world.organizer, reason="")
    svc.decide_tie(c.contest, 0, [c.entries[1].id], actor=world.organizer, reason="终评问辩表现更好")
    db.session.commit()
    r = rows(c.contest)
    assert r["作品02"].award == "一等奖" and r["作品01"].award == "二等奖" and not r["作品01"].pending
    assert (r["作品02"].position, r["作品01"].position) == (1, 2)
    assert "经组织方裁定未获一等奖" in svc.explanation_text(r["作品01"])
    assert "经组织方裁定获一等奖" in svc.explanation_text(r["作品02"])
    assert not svc.get_run(c.contest).ties
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "results.tie_decision"))
    assert event.reason == "终评问辩表现更好"
    svc.publish(c.contest, actor=world.organizer)
    assert c.contest.state == "published"


def test_tie_break_chain_uses_the_criterion(world, db) -> None:
    totals = [list(t) for t in TEN]
    totals[1] = list(totals[0])
    c = judged_contest(world, totals, novelty={0: 30, 1: 35})
    run = svc.run_ranking(c.contest, actor=world.organizer)
    assert not run.ties
    r = rows(c.contest)
    assert r["作品02"].award == "一等奖" and r["作品02"].position == 1 and r["作品01"].position == 2
    assert "按创新性得分" in svc.explanation_text(r["作品01"])


def test_split_judge_graph_is_reported(world, db) -> None:
    j3, j4 = make_user("judge", name="孙评委"), make_user("judge", name="李评委")
    # each part is a group of its own: two entries are enough here to be awarded by proportion
    c = judged_contest(world, TEN[:4], judges=[world.judge1, world.judge2], settings={"award_min_group_size": 2})
    for i, total in enumerate((95, 80)):
        e = make_entry(c.contest, world.s1, state="accepted", title=f"另组{i}", number=f"CX-XS-1{i}")
        score(c.round, j3, e, total)
        score(c.round, j4, e, total + 1)
    run = svc.run_ranking(c.contest, actor=world.organizer)
    assert len(run.components) == 2 and len(run.components[1]) == 2
    keys = {r.group_key + str(r.component) for r in svc.results_of(c.contest)}
    assert keys == {"XS|初中0", "XS|初中1"}
    r = rows(c.contest)
    assert r["另组0"].award == "一等奖" and r["作品01"].award == "一等奖"  # compared only within their part


def test_publish_objections_withdraw_and_finalize_then_frozen(world, db) -> None:
    c = judged_contest(world, TEN, settings={"nomination_quota": 2, "notice_days": 7})
    with pytest.raises(ServiceError):
        svc.lock(c.contest, actor=world.organizer)  # nothing ranked yet
    svc.run_ranking(c.contest, actor=world.organizer)
    svc.lock(c.contest, actor=world.organizer)
    with pytest.raises(ServiceError) as err:
        svc.run_ranking(c.contest, actor=world.organizer)
    assert "锁定" in err.value.message
    run = svc.publish(c.contest, actor=world.organizer)
    assert c.contest.state == "published"
    assert run.notice_ends_at - run.published_at == timedelta(days=7)
    first = rows(c.contest)["作品01"]
    with pytest.raises(ServiceError):
        svc.record_objection(
            c.contest,
            actor=world.organizer,
            entry_id=first.entry_id,
            submitter_name="",
            submitter_contact="x",
            content="y",
            evidence=None,
            received_on=date.today(),
        )
    obj = svc.record_objection(
        c.contest,
        actor=world.organizer,
        entry_id=first.entry_id,
        submitter_name="王某",
        submitter_contact="13900000000",
        content="该作品系抄袭",
        evidence="附原文链接",
        received_on=date.today(),
    )
    with pytest.raises(ServiceError) as err:
        svc.finalize(c.contest, actor=world.organizer, now=run.notice_ends_at + timedelta(hours=1))
    assert "异议" in err.value.message
    objections.settle(obj, Finding("upheld", "经查属实，撤销奖项"), actor=world.organizer)
    svc.withdraw_award(first, actor=world.organizer, reason="异议属实：抄袭")
    assert first.final_award is None and not first.final_nominated
    with pytest.raises(ServiceError) as err:
        svc.finalize(c.contest, actor=world.organizer)  # the notice is still running
    assert "公示期尚未结束" in err.value.message
    svc.finalize(c.contest, actor=world.organizer, reason="省赛报送截止提前")
    db.session.commit()
    assert c.contest.state == "final" and svc.get_run(c.contest).finalize_reason == "省赛报送截止提前"

    before = {r.entry_id: (r.score, r.award, r.explanation) for r in svc.results_of(c.contest)}
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.total == 63))  # 作品10 reopened and raised
    sheet.total = 100
    db.session.commit()
    with pytest.raises(ServiceError) as err:
        svc.run_ranking(c.contest, actor=world.organizer)
    assert "已定稿" in err.value.message
    for act in (
        lambda r: svc.override_result(r, actor=world.organizer, award="一等奖", reason="x"),
        lambda r: svc.withdraw_award(r, actor=world.organizer, reason="x"),
    ):
        with pytest.raises(ServiceError):
            act(svc.results_of(c.contest)[-1])
    db.session.expire_all()
    assert {r.entry_id: (r.score, r.award, r.explanation) for r in svc.results_of(c.contest)} == before


def test_finalize_after_the_notice_needs_no_reason(world, db) -> None:
    c = judged_contest(world, TEN[:3])
    svc.run_ranking(c.contest, actor=world.organizer)
    svc.lock(c.contest, actor=world.organizer)
    run = svc.publish(c.contest, actor=world.organizer)
    svc.finalize(c.contest, actor=world.organizer, now=run.notice_ends_at + timedelta(seconds=1))
    assert c.contest.state == "final" and run.finalize_reason is None


def test_weighted_rounds(world, db) -> None:
    c = judged_contest(world, TEN[:4], settings={"round_combination": {"mode": "weighted"}})
    final = c.contest.rounds[1]
    for e, total in zip(c.entries[2:], (99, 98), strict=True):
        for j in c.judges:
            score(final, j, e, total)
    svc.run_ranking(c.contest, actor=world.organizer)
    r = rows(c.contest)
    assert r["作品03"].score == pytest.approx(0.6 * 84 + 0.4 * 99)
    assert "各轮得分" in svc.explanation_text(r["作品03"])


def test_nothing_to_rank_and_wrong_state(world, db) -> None:
    world.contest.state = "judging"
    with pytest.raises(ServiceError) as err:
        svc.run_ranking(world.contest, actor=world.organizer)
    assert "没有" in err.value.message
    world.contest.state = "open"
    with pytest.raises(ServiceError):
        svc.run_ranking(world.contest, actor=world.organizer)


def test_rank_command(app, world, db) -> None:
    totals = [list(t) for t in TEN]
    totals[1] = list(totals[0])
    c = judged_contest(world, totals, settings={"tie_break": []})
    runner = app.test_cli_runner()
    out = runner.invoke(args=["rank", c.contest.code, "--method", "trimmed_mean"])
    assert out.exit_code == 0, out.output
    assert "10 项作品，30 份评分，方法 去掉最高分和最低分后平均" in out.output
    assert "待裁定并列（学生科技创新成果 · 初中：一等奖线）：CX-XS-001、CX-XS-002" in out.output
    db.session.expire_all()
    assert len(svc.results_of(c.contest)) == 10
    c.contest.state = "final"
    db.session.commit()
    out = runner.invoke(args=["rank", c.contest.code])
    assert out.exit_code != 0 and "已定稿" in out.output
    assert runner.invoke(args=["rank", "NOPE"]).exit_code != 0
