"""`flask assign-judges CONTEST [--round N] [--seed S] [--publish]`."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment
from tests.factories import judging as fj


def test_assign_judges_command_plans_publishes_and_summarises(runner, world):
    fj.judging_world(world)
    code = world.contest.code
    result = runner.invoke(args=["assign-judges", code, "--seed", "4", "--publish"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "第1轮 初评" in out and "工作量差" in out and "已连通" in out and "评委不足的作品：无" in out
    assert "已发布30条评审分配" in out
    db.session.expire_all()
    rows = db.session.scalars(select(Assignment)).all()
    assert len(rows) == 30 and all(a.published for a in rows)
    # same seed, nothing new: runs again without error
    again = runner.invoke(args=["assign-judges", code, "--seed", "4", "--publish"])
    assert again.exit_code == 0, again.output


def test_assign_judges_command_errors_are_clear(runner, world):
    fj.judging_world(world)
    result = runner.invoke(args=["assign-judges", "NOPE"])
    assert result.exit_code != 0 and "没有代码为 NOPE 的赛事" in result.output
    result = runner.invoke(args=["assign-judges", world.contest.code, "--round", "7"])
    assert result.exit_code != 0 and "没有第7轮" in result.output
    result = runner.invoke(args=["assign-judges", world.contest.code, "--round", "2"])
    assert result.exit_code != 0 and "本轮还没有作品" in result.output or "请先为本轮添加评委" in result.output
