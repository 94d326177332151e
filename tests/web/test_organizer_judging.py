"""The organizer's judging pages: plan, publish, manual edits, conflicts, progress, promotion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment, AuditEvent, Conflict, RoundEntry, ScoreSheet
from competition.services import judging
from competition.services.judging import sheets as judging_sheets
from tests.factories import judging as fj


@pytest.fixture()
def jw(world):
    return fj.judging_world(world)


def url(world, tail=""):
    return f"/organizer/contests/{world.contest.id}/judging/1{tail}"


def test_overview_lists_rounds_and_combination(world, jw, login_as):
    client = login_as(world.organizer)
    html = client.get(f"/organizer/contests/{world.contest.id}/judging").get_data(as_text=True)
    assert "初评" in html and "终评（问辩）" in html and "各轮成绩如何合成最终成绩" in html
    r = client.post(
        f"/organizer/contests/{world.contest.id}/judging/combination",
        data={"mode": "last", "weight_1": "0.7", "weight_2": "0.3"},
        follow_redirects=True,
    )
    assert "已保存轮次成绩合成方式" in r.get_data(as_text=True)
    assert world.contest.setting("round_combination") == {"mode": "last"}
    assert jw.round1.weight == 0.7
    r = client.post(
        f"/organizer/contests/{world.contest.id}/judging/combination",
        data={"mode": "weighted", "weight_1": "abc"},
        follow_redirects=True,
    )
    assert "轮次权重须在0到100之间" in r.get_data(as_text=True)


def test_plan_run_show_and_publish(world, jw, login_as):
    client = login_as(world.organizer)
    html = client.get(url(world)).get_data(as_text=True)
    assert "生成分配方案" in html and "赵评委" in html
    r = client.post(url(world, "/plan"), data={"seed": "3"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "方案已生成" in html
    assert "工作量差" in html and "已连通" in html
    n = len(db.session.scalars(select(Assignment)).all())
    assert n == 5 * len(jw.entries)
    assert f"发布给评委（{n}条新分配）" in html
    r = client.post(url(world, "/publish"), follow_redirects=True)
    assert f"已发布{n}条评审分配" in r.get_data(as_text=True)
    assert all(a.published for a in db.session.scalars(select(Assignment)))
    assert client.post(url(world, "/plan"), data={"seed": "-1"}, follow_redirects=True).status_code == 200


def test_shortfalls_shown_with_reason(world, jw, login_as):
    judging.add_conflict(
        jw.judges[2], world.entry3, kind="other", reason="回避", source="organizer", actor=world.organizer
    )
    db.session.commit()
    client = login_as(world.organizer)
    r = client.post(url(world, "/plan"), data={"seed": "1"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "件作品评委不足" in html and "仅有4名无回避冲突的评委，需要5名" in html


def test_manual_add_refused_for_conflict_and_remove(world, jw, login_as):
    fj.planned(world, jw, publish=False)
    client = login_as(world.organizer)
    r = client.post(
        url(world, "/assignments"),
        data={"judge_id": world.judge1.id, "entry_id": world.entry3.id},
        follow_redirects=True,
    )
    assert "赵评委不能评审该作品：评委与该作品同校" in r.get_data(as_text=True)
    a = db.session.scalars(select(Assignment)).first()
    judge_id, entry_id = a.judge_id, a.entry_id
    r = client.post(url(world, f"/assignments/{a.id}/remove"), follow_redirects=True)
    assert "从该作品移除" in r.get_data(as_text=True)
    r = client.post(
        url(world, "/assignments"), data={"judge_id": judge_id, "entry_id": entry_id}, follow_redirects=True
    )
    assert "已将" in r.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.manual")) is not None


def test_add_judges_to_pool(world, jw, login_as):
    from tests.factories import make_user

    new = make_user("judge", name="孙评委", subjects="化学")
    client = login_as(world.organizer)
    r = client.post(
        url(world, "/judges"),
        data={"judge_ids": [str(new.id)], "pool": "专家组", "capacity": "8"},
        follow_redirects=True,
    )
    assert "已将1名评委加入本轮" in r.get_data(as_text=True)
    rj = next(r for r in judging.round_judges(jw.round1) if r.judge_id == new.id)
    assert (rj.pool, rj.capacity) == ("专家组", 8)
    r = client.post(url(world, "/judges"), data={"judge_ids": [str(world.teacher1.id)]}, follow_redirects=True)
    assert "只能添加具有评委角色的账号" in r.get_data(as_text=True)
    r = client.post(url(world, "/judges"), data={}, follow_redirects=True)
    assert "请至少选择一名评委" in r.get_data(as_text=True)


def test_conflicts_page_shows_sources_and_organizer_rows(world, jw, login_as):
    fj.planned(world, jw)
    client = login_as(world.organizer)
    html = client.get(url(world, "/conflicts")).get_data(as_text=True)
    assert "自动" in html and "同校" in html
    entry_id = judging_sheets.judge_assignments(world.judge2)[0].entry_id
    r = client.post(
        url(world, "/conflicts"),
        data={"judge_id": world.judge2.id, "entry_id": entry_id, "kind": "relative", "reason": "亲属"},
        follow_redirects=True,
    )
    assert "已记录回避" in r.get_data(as_text=True)
    row = db.session.scalar(select(Conflict).where(Conflict.source == "organizer"))
    assert row.reason == "亲属"
    assert (
        db.session.scalar(
            select(Assignment).where(Assignment.judge_id == world.judge2.id, Assignment.entry_id == entry_id)
        )
        is None
    )
    auto = db.session.scalar(select(Conflict).where(Conflict.source == "automatic"))
    r = client.post(url(world, f"/conflicts/{auto.id}/remove"), follow_redirects=True)
    assert "不能手工撤销" in r.get_data(as_text=True)
    r = client.post(url(world, f"/conflicts/{row.id}/remove"), follow_redirects=True)
    assert "已撤销回避" in r.get_data(as_text=True)


def _score_all(jw, harsh_id=None):
    for a in judging.round_assignments(jw.round1):
        base = (a.entry_id * 5) % 8
        fj.sheet(
            a,
            {
                "novelty": 22 + base - (9 if a.judge_id == harsh_id else 0),
                "science": 20,
                "practical": 14,
                "selfmade": 8,
            },
            state="final",
        )
    db.session.commit()


def test_progress_page_and_chart_data(world, jw, login_as):
    fj.planned(world, jw)
    _score_all(jw, harsh_id=world.judge2.id)
    client = login_as(world.organizer)
    html = client.get(url(world, "/progress")).get_data(as_text=True)
    assert 'id="judge-chart"' in html and "chart.umd.min.js" in html and "<script>" not in html
    assert "各评委评分分布" in html and "偏严" in html
    data = client.get(url(world, "/progress.json")).get_json()
    names = [j["name"] for j in data["judges"]]
    assert names[0] == "钱评委" and {"min", "q1", "median", "q3", "max", "mean"} <= set(data["judges"][0])


def test_progress_shows_each_judges_last_save_and_login(world, jw, login_as):
    from datetime import datetime

    from competition.services.judging import stats as judging_stats

    fj.planned(world, jw)
    _score_all(jw)
    saved = datetime(2026, 4, 20, 6, 30)  # UTC; 14:30 in Beijing
    for a in judging.round_assignments(jw.round1):
        if a.judge_id == world.judge2.id:
            a.sheet.updated_at = saved
    world.judge2.last_login_at = datetime(2026, 4, 20, 1, 5)
    db.session.commit()
    prog = judging_stats.progress(jw.round1, datetime(2026, 4, 21))
    row = next(j for j in prog.judges if j.judge.id == world.judge2.id)
    assert row.last_saved == saved
    html = login_as(world.organizer).get(url(world, "/progress")).get_data(as_text=True)
    assert "最近保存" in html and "2026-04-20 14:30" in html and "2026-04-20 09:05" in html
    assert "从未" in html  # a judge who has never logged in stands out


def test_entry_page_and_reopen_with_reason(world, jw, login_as):
    fj.planned(world, jw)
    _score_all(jw)
    a = judging.round_assignments(jw.round1)[0]
    client = login_as(world.organizer)
    html = client.get(url(world, f"/entries/{a.entry_id}")).get_data(as_text=True)
    assert "创新性" in html and "退回" in html
    r = client.post(url(world, f"/sheets/{a.sheet.id}/reopen"), data={"reason": ""}, follow_redirects=True)
    assert "请填写退回的理由" in r.get_data(as_text=True)
    r = client.post(url(world, f"/sheets/{a.sheet.id}/reopen"), data={"reason": "分数录错"}, follow_redirects=True)
    assert "评分表已退回" in r.get_data(as_text=True)
    sheet = db.session.get(ScoreSheet, a.sheet.id)
    assert sheet.state == "draft" and sheet.reopen_reason == "分数录错"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.reopen"))
    assert event.reason == "分数录错" and event.actor_id == world.organizer.id


def test_promotion_page_top_n_manual_and_rejudge(world, jw, login_as):
    fj.planned(world, jw)
    _score_all(jw)
    client = login_as(world.organizer)
    html = client.get(url(world, "/promote?top_n=2")).get_data(as_text=True)
    assert "将晋级" in html and "每组前2名晋级" in html
    r = client.post(url(world, "/promote"), data={"top_n": "2"}, follow_redirects=True)
    assert "件作品晋级下一轮" in r.get_data(as_text=True)
    promoted = {r.entry_id for r in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == jw.round2.id))}
    other = next(e for e in jw.entries if e.id not in promoted)
    r = client.post(url(world, "/promote/manual"), data={"entry_id": other.id, "reason": ""}, follow_redirects=True)
    assert "请填写手工晋级的理由" in r.get_data(as_text=True)
    client.post(url(world, "/promote/manual"), data={"entry_id": other.id, "reason": "专家复议"})
    assert (
        db.session.scalar(
            select(RoundEntry).where(RoundEntry.round_id == jw.round2.id, RoundEntry.entry_id == other.id)
        ).source
        == "manual"
    )
    r = client.post(url(world, "/rejudge"), data={"group": "0", "extra": "2", "cut": "1"}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert "加评" in text or "没有更多无回避冲突的评委" in text


def test_round_two_plan_page_after_promotion(world, jw, login_as):
    fj.planned(world, jw)
    _score_all(jw)
    client = login_as(world.organizer)
    client.post(url(world, "/promote"), data={"top_n": "1"})
    r2 = f"/organizer/contests/{world.contest.id}/judging/2"
    html = client.get(r2).get_data(as_text=True)
    assert "还没有评委" in html
    client.post(r2 + "/judges", data={"judge_ids": [str(j.id) for j in jw.judges]})
    r = client.post(r2 + "/plan", data={"seed": "1"}, follow_redirects=True)
    assert "方案已生成" in r.get_data(as_text=True)


def test_close_round_stops_saving(world, jw, login_as):
    fj.planned(world, jw)
    a = judging_sheets.judge_assignments(world.judge2)[0]
    aid = a.id
    client = login_as(world.organizer)
    client.post(url(world, "/state"), data={"state": "closed"})
    judge = login_as(world.judge2)
    r = judge.post(f"/judge/a/{aid}/sheet", json={"version": 0, "scores": {}})
    assert r.status_code == 409 and r.json["closed"] is True and "本轮评审已结束" in r.json["error"]


@pytest.mark.parametrize("who", ["judge2", "teacher1", "reviewer1"])
def test_non_organizers_cannot_reach_organizer_judging(world, jw, login_as, who):
    client = login_as(getattr(world, who))
    for path in ("", "/progress", "/progress.json", "/conflicts", "/promote"):
        assert client.get(url(world, path)).status_code == 403
    assert client.post(url(world, "/plan"), data={"seed": "1"}).status_code == 403
    assert client.post(url(world, "/publish")).status_code == 403
    assert client.get(f"/organizer/contests/{world.contest.id}/judging").status_code == 403


def test_unknown_round_is_404(world, jw, login_as):
    client = login_as(world.organizer)
    assert client.get(f"/organizer/contests/{world.contest.id}/judging/9").status_code == 404
    assert client.get("/organizer/contests/9999/judging").status_code == 404


def test_plan_pages_keep_the_filter_and_the_organizers_place(world, jw, login_as, monkeypatch):
    import re

    from competition.web.organizer.judging import rounds as plan_views

    monkeypatch.setattr(plan_views, "PLAN_PER_PAGE", 2)
    fj.planned(world, jw, publish=False)
    client = login_as(world.organizer)
    rows = lambda html: re.findall(r'<tr id="entry-(\d+)"', html)  # noqa: E731
    pages = [rows(client.get(url(world, f"?page={p}")).get_data(as_text=True)) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 2] and len({e for p in pages for e in p}) == len(jw.entries)
    html = client.get(url(world, "?page=2")).get_data(as_text=True)
    assert "第 3–4 项，共 6 项" in html and 'aria-current="page">2<' in html
    assert "上一页" in html and "下一页" in html
    # a page past the end shows the last one; a search narrows the rows and the page count
    assert rows(client.get(url(world, "?page=99")).get_data(as_text=True)) == pages[2]
    found = client.get(url(world, "?q=评审项目1")).get_data(as_text=True)
    assert len(rows(found)) == 1 and "page=2" not in found
    # removing a judge from a row of page 2 comes back to page 2
    entry_id = int(pages[1][0])
    a = db.session.scalars(select(Assignment).where(Assignment.entry_id == entry_id)).first()
    r = client.post(url(world, f"/assignments/{a.id}/remove"), data={"page": "2"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/judging/1?page=2")


def test_release_a_judge_who_cannot_finish_and_plan_again(world, jw, login_as):
    fj.planned(world, jw, publish=True)
    judge = jw.judges[0]
    mine = db.session.scalars(select(Assignment).where(Assignment.judge_id == judge.id).order_by(Assignment.id)).all()
    assert len(mine) >= 3
    fj.sheet(mine[0], fj.full_scores(), state="final")
    fj.sheet(mine[1], {"novelty": 12})
    db.session.commit()
    ids = [a.id for a in mine]
    client = login_as(world.organizer)
    html = client.get(url(world)).get_data(as_text=True)
    assert f"释放未提交的作品（{len(mine) - 1}）" in html
    rj = next(rj for rj in judging.round_judges(jw.round1) if rj.judge_id == judge.id)
    # Removing is refused once a sheet exists, and the message points to the release.
    r = client.post(url(world, f"/judges/{rj.id}/remove"), follow_redirects=True)
    assert "释放未提交的作品" in r.get_data(as_text=True)
    r = client.post(url(world, f"/judges/{rj.id}/remove"), data={"release": "1"}, follow_redirects=True)
    assert f"已从{judge.name}处释放{len(mine) - 1}件作品" in r.get_data(as_text=True)
    left = db.session.scalars(select(Assignment).where(Assignment.judge_id == judge.id)).all()
    assert [a.id for a in left] == [ids[0]]
    assert db.session.get(type(rj), rj.id).capacity == 1
    draft = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assignment.removed", AuditEvent.object_id == ids[1])
    ).one()
    assert list(draft.before["scores"].values()) == [12.0]  # the draft is kept in the log
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.judge_released")) is not None
    # Planning again fills the released entries with other judges; the released judge gets none.
    client.post(url(world, "/plan"), data={"seed": "1"})
    assert len(db.session.scalars(select(Assignment).where(Assignment.judge_id == judge.id)).all()) == 1
    for e in jw.entries:
        assert len(db.session.scalars(select(Assignment).where(Assignment.entry_id == e.id)).all()) == 5
    # The released judge, held at the one kept entry, does not count as a load gap.
    plan = judging.current_plan(jw.round1)
    assert plan.loads[judge.id] == 1 and max(plan.load_spread.values()) <= 1
    html = client.get(url(world)).get_data(as_text=True)
    assert 'text-danger fw-semibold">全部' not in html
    # Nothing left to release.
    r = client.post(url(world, f"/judges/{rj.id}/remove"), data={"release": "1"}, follow_redirects=True)
    assert "没有可释放的作品" in r.get_data(as_text=True)


def test_release_a_judge_with_only_drafts_takes_them_off_the_panel(world, jw, login_as):
    fj.planned(world, jw, publish=True)
    judge = jw.judges[1]
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == judge.id)).first()
    fj.sheet(a, {"novelty": 10})
    db.session.commit()
    rj = next(rj for rj in judging.round_judges(jw.round1) if rj.judge_id == judge.id)
    client = login_as(world.organizer)
    client.post(url(world, f"/judges/{rj.id}/remove"), data={"release": "1"})
    assert judge.id not in {r.judge_id for r in judging.round_judges(jw.round1)}
    assert db.session.scalars(select(Assignment).where(Assignment.judge_id == judge.id)).all() == []


def test_release_button_posts_the_release_flag(world, jw, login_as):
    fj.planned(world, jw, publish=True)
    a = db.session.scalars(select(Assignment).where(Assignment.judge_id == jw.judges[0].id)).first()
    fj.sheet(a, fj.full_scores(), state="final")
    db.session.commit()
    html = login_as(world.organizer).get(url(world)).get_data(as_text=True)
    form = html.split("释放未提交的作品（")[0].rsplit("<form", 1)[1]
    assert 'name="release" value="1"' in form and "data-confirm=" in form


def test_the_needs_a_judge_banner_goes_once_every_entry_has_its_judges(world, jw, login_as):
    fj.planned(world, jw, publish=True)
    a = judging_sheets.judge_assignments(world.judge2)[0]
    judging_sheets.declare_conflict(a, reason="亲属", kind="relative", actor=world.judge2)
    db.session.commit()
    client = login_as(world.organizer)
    html = client.get(url(world)).get_data(as_text=True)
    assert 'id="needs-judge-banner"' in html and "需补评委" in html
    client.post(url(world, "/plan"), data={"seed": "1"})
    assert not judging.current_plan(jw.round1).infeasible
    html = client.get(url(world)).get_data(as_text=True)
    assert 'id="needs-judge-banner"' not in html and "需补评委" not in html
