"""The organizer's tie-break setting (决胜规则): checked, audited, read-only once results are locked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.models import AuditEvent
from competition.services import ServiceError, write_guard
from competition.services import results as results_svc
from competition.services import tie_break as svc
from tests.factories.results import judged_contest

TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def test_options_and_current_chain_are_in_chinese(world, db):
    contest = world.contest  # innovation.yaml: ["criterion:novelty", "n_judges", "final_round"]
    labels = dict(svc.options(contest))
    assert labels["criterion:novelty"] == "创新性得分" and labels["criterion:defence"] == "问辩表现得分"
    assert labels["n_judges"] == "评委人数" and labels["final_round"] == "终评得分" and labels["raw_sum"] == "总分"
    assert svc.labels(contest) == ["创新性得分", "评委人数", "终评得分"]
    # the default names the criterion by its name: the page shows it by code
    contest.settings = {k: v for k, v in contest.settings.items() if k != "tie_break"}
    assert svc.current(contest) == ["criterion:novelty", "n_judges", "final_round"]


def test_a_valid_chain_is_saved_and_audited(world, db):
    contest = world.contest
    assert svc.save(contest, ["criterion:science", "raw_sum", "n_judges"], actor=world.organizer) == [
        "criterion:science",
        "raw_sum",
        "n_judges",
    ]
    db.session.commit()
    assert contest.setting("tie_break") == ["criterion:science", "raw_sum", "n_judges"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.tie_break"))
    assert event.before["tie_break"] == ["criterion:novelty", "n_judges", "final_round"]
    assert event.after == {
        "tie_break": ["criterion:science", "raw_sum", "n_judges"],
        "steps": ["科学性得分", "总分", "评委人数"],
    }
    assert event.actor_id == world.organizer.id


@pytest.mark.parametrize(
    "steps,words",
    [
        (["criterion:nosuch"], "第1步：所选评分项不在本赛事的评分标准中"),
        (["n_judges", "coin_toss"], "第2步：不是系统支持的决胜方式"),
        (["n_judges", "criterion:novelty", "n_judges"], "第3步与第1步重复"),
    ],
)
def test_unknown_or_repeated_steps_are_refused(world, db, steps, words):
    contest = world.contest
    with pytest.raises(ServiceError) as err:
        svc.save(contest, steps, actor=world.organizer)
    assert words in err.value.message
    assert contest.setting("tie_break") == ["criterion:novelty", "n_judges", "final_round"]


def test_locked_results_refuse_the_change(world, db):
    c = judged_contest(world, TEN)
    c.contest.state = "results"
    results_svc.run_ranking(c.contest, actor=world.organizer)
    results_svc.lock(c.contest, actor=world.organizer)
    db.session.commit()
    with pytest.raises(write_guard.PhaseClosed) as err:
        svc.save(c.contest, ["n_judges"], actor=world.organizer)
    assert "决胜规则不能再修改" in err.value.message and "解除锁定" in err.value.message
    c.contest.state = "final"
    with pytest.raises(write_guard.PhaseClosed):
        svc.save(c.contest, ["n_judges"], actor=world.organizer)


def test_the_ranking_follows_the_saved_order(world, db):
    totals = [list(t) for t in TEN]
    totals[1] = list(totals[0])  # 作品01 and 作品02 tie on the total; 作品01 scores more on science
    c = judged_contest(world, totals, novelty={0: 30, 1: 35})
    from competition.models import ScoreSheet

    science = {e.id: v for e, v in zip(c.entries[:2], (28, 20), strict=True)}
    for sheet in db.session.scalars(select(ScoreSheet)):
        entry_id = sheet.assignment.entry_id
        if entry_id in science:
            crit = next(x for x in c.round.rubric_for(c.entries[0].section_id).criteria if x.code == "science")
            sheet.scores = {**sheet.scores, str(crit.id): science[entry_id]}
    db.session.commit()
    svc.save(c.contest, ["criterion:science", "criterion:novelty"], actor=world.organizer)
    results_svc.run_ranking(c.contest, actor=world.organizer)
    r = {x.entry.title: x for x in results_svc.results_of(c.contest)}
    assert r["作品01"].award == "一等奖" and r["作品01"].position == 1 and r["作品02"].position == 2
    assert "按科学性得分" in results_svc.explanation_text(r["作品02"])
