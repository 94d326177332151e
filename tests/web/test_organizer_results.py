"""The organizer's results pages: the workflow through the web, and who may see what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.models import AuditEvent, Result, ScoreSheet
from competition.models.results import TieDecision
from competition.services import results as svc
from tests.factories import make_user
from tests.factories.results import judged_contest

TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def tied_contest(world, **settings):
    totals = [list(t) for t in TEN]
    totals[1] = list(totals[0])
    return judged_contest(world, totals, settings={"tie_break": ["n_judges"], "nomination_quota": 2, **settings})


def base(c) -> str:
    return f"/organizer/contests/{c.contest.id}"


def test_run_shows_scores_side_by_side_judges_and_ties(world, login_as, db) -> None:
    c = tied_contest(world)
    client = login_as(world.organizer)
    page = client.get(f"{base(c)}/results")
    assert page.status_code == 200 and "还没有排名" in page.get_data(as_text=True)
    resp = client.post(f"{base(c)}/results/run", data={"method": "trimmed_mean"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "原始平均分" in html and "去高低平均分" in html and "调整后得分" in html
    assert "1 处分数线上的并列需要您裁定" in html
    assert "学生科技创新成果 · 初中：一等奖线" in html
    assert "与CX-XS-002同分并列于一等奖线（剩余名额1项），待组织方裁定" in html
    assert "组内第3名（共10项）" in html
    assert f'href="/organizer/contests/{c.contest.id}/judging/1/promote"' in html  # send to re-judging
    assert f"/judging/1/entries/{c.entries[0].id}" in html
    judges = client.get(f"{base(c)}/results/judges").get_data(as_text=True)
    assert "赵评委" in judges and "尺度偏差（分）" in judges
    # Publishing is refused while the tie stands.
    client.post(f"{base(c)}/results/lock")
    resp = client.post(f"{base(c)}/results/publish", follow_redirects=True)
    assert "尚未裁定" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert c.contest.state == "results"
    # A decision needs a reason; then it is stored and audited.
    resp = client.post(
        f"{base(c)}/results/ties/0", data={"chosen": [str(c.entries[1].id)], "reason": ""}, follow_redirects=True
    )
    assert "请写明修改的理由" in resp.get_data(as_text=True)
    assert db.session.scalar(select(TieDecision)) is None
    resp = client.post(
        f"{base(c)}/results/ties/0",
        data={"chosen": [str(c.entries[1].id)], "reason": "问辩表现"},
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "经组织方裁定获一等奖" in html and "需要您裁定" not in html
    assert db.session.scalar(select(TieDecision)).reason == "问辩表现"
    # Publishing needs to say where objections go; the public notice shows it.
    resp = client.post(f"{base(c)}/results/publish", data={"contact": "  "}, follow_redirects=True)
    assert "请填写异议受理单位和联系方式" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert c.contest.state == "results"
    resp = client.post(
        f"{base(c)}/results/publish", data={"contact": "市科协青少年部 0561-3000000"}, follow_redirects=True
    )
    db.session.expire_all()
    assert c.contest.state == "published" and c.contest.setting("notice_contact") == "市科协青少年部 0561-3000000"
    assert "异议受理：</strong> 市科协青少年部 0561-3000000" in client.get(f"/notice/{c.contest.code}").get_data(
        as_text=True
    )


def test_override_needs_a_reason_and_keeps_the_input(world, login_as, db) -> None:
    c = judged_contest(world, TEN)
    svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    result = next(r for r in svc.results_of(c.contest) if r.entry.title == "作品08")
    client = login_as(world.organizer)
    url = f"{base(c)}/results/{result.id}"
    resp = client.post(url, data={"award": "三等奖", "nominated": "keep", "reason": " "})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "请写明修改的理由" in html
    assert '<option value="三等奖" selected>' in html
    db.session.expire_all()
    assert result.override_award is None
    resp = client.post(url, data={"award": "三等奖", "nominated": "keep", "reason": "组委会复议"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert result.final_award == "三等奖" and result.override_reason == "组委会复议"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "results.override"))
    assert event.reason == "组委会复议" and event.actor_id == world.organizer.id
    assert "经组织方修改：组委会复议" in client.get(f"{base(c)}/results").get_data(as_text=True)


def test_objections_withdrawal_finalize_and_frozen(world, login_as, db) -> None:
    c = judged_contest(world, TEN, settings={"nomination_quota": 2})
    svc.run_ranking(c.contest, actor=world.organizer)
    svc.lock(c.contest, actor=world.organizer)
    svc.publish(c.contest, actor=world.organizer)
    db.session.commit()
    first = svc.results_of(c.contest)[0]
    client = login_as(world.organizer)
    url = f"{base(c)}/objections"
    today = svc.local_today()
    resp = client.post(
        url,
        data={
            "entry_id": str(first.entry_id),
            "received_on": today.isoformat(),
            "submitter_name": "",
            "submitter_contact": "139",
            "content": "抄袭",
        },
    )
    html = resp.get_data(as_text=True)
    assert "异议须实名提出" in html and "抄袭" in html  # the input is kept
    # A date in the future is a typo: refused, the input kept.
    future = (today + timedelta(days=1)).isoformat()
    resp = client.post(
        url,
        data={
            "entry_id": str(first.entry_id),
            "received_on": future,
            "submitter_name": "王某",
            "submitter_contact": "13900000000",
            "content": "该作品系抄袭",
        },
    )
    html = resp.get_data(as_text=True)
    assert f"收到日期（{future}）晚于今天" in html and "该作品系抄袭" in html and not svc.objections_of(c.contest)
    assert f'max="{today.isoformat()}"' in html
    resp = client.post(
        url,
        data={
            "entry_id": str(first.entry_id),
            "received_on": today.isoformat(),
            "submitter_name": "王某",
            "submitter_contact": "13900000000",
            "content": "该作品系抄袭",
            "evidence": "原文链接",
        },
        follow_redirects=True,
    )
    assert "王某" in resp.get_data(as_text=True)
    obj = svc.objections_of(c.contest)[0]
    assert obj.received_at.date() in (today - timedelta(days=1), today)  # stored in UTC
    resp = client.post(f"{base(c)}/results/finalize", follow_redirects=True)
    assert "异议尚未处理" in resp.get_data(as_text=True)
    client.post(f"{url}/{obj.id}/settle", data={"finding": "upheld", "reasoning": "经查属实"})
    resp = client.post(f"{base(c)}/results/{first.id}/withdraw", data={"reason": "异议属实"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert first.withdrawn and first.final_award is None
    resp = client.post(f"{base(c)}/results/finalize", data={"reason": ""}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "公示期尚未结束" in html
    # The browser asks for the reason before the confirmation (a required field) while the notice runs.
    finalize_form = html[html.index("/results/finalize") :]
    assert re.search(r'id="final-reason" name="reason" maxlength="500"\s+required', finalize_form)
    svc.get_run(c.contest).notice_ends_at = svc.get_run(c.contest).published_at - timedelta(seconds=1)
    db.session.commit()
    html = client.get(f"{base(c)}/results").get_data(as_text=True)
    finalize_form = html[html.index("/results/finalize") :]
    assert 'id="final-reason"' in finalize_form and not re.search(
        r'id="final-reason" name="reason" maxlength="500"\s+required', finalize_form
    )
    resp = client.post(f"{base(c)}/results/finalize", follow_redirects=True)
    db.session.expire_all()
    assert c.contest.state == "final"
    snapshot = [(r.entry_id, r.score, r.award, r.final_award) for r in svc.results_of(c.contest)]
    for sheet in db.session.scalars(select(ScoreSheet)):
        sheet.total = 50  # an organizer reopened and changed every sheet
    db.session.commit()
    resp = client.post(f"{base(c)}/results/run", follow_redirects=True)
    assert "已定稿并冻结" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert [(r.entry_id, r.score, r.award, r.final_award) for r in svc.results_of(c.contest)] == snapshot


def test_only_organizers_see_results(world, client, login_as, db) -> None:
    c = judged_contest(world, TEN)
    svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    result = svc.results_of(c.contest)[0]
    urls = [
        f"{base(c)}/results",
        f"{base(c)}/results/judges",
        f"{base(c)}/objections",
        f"{base(c)}/results/{result.id}",
    ]
    posts = [
        f"{base(c)}/results/run",
        f"{base(c)}/results/lock",
        f"{base(c)}/results/publish",
        f"{base(c)}/results/{result.id}",
    ]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    for user in (world.teacher1, world.judge1, world.reviewer1, make_user("teacher", "judge", "reviewer")):
        login_as(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.username, url)
        for url in posts:
            assert client.post(url, data={"reason": "x", "award": "一等奖"}).status_code == 403, url
    db.session.expire_all()
    assert result.override_award is None and c.contest.state == "judging"
    assert client.get(f"/notice/{c.contest.code}").status_code == 404  # a draft is not public


@pytest.mark.parametrize("missing", ["/organizer/contests/999999/results", "/organizer/contests/999999/objections"])
def test_unknown_contest(world, login_as, missing) -> None:
    assert login_as(world.organizer).get(missing).status_code == 404


def test_split_judge_graph_warning(world, login_as, db) -> None:
    from tests.factories import make_entry
    from tests.factories.results import score

    c = judged_contest(world, TEN[:4], judges=[world.judge1, world.judge2])
    j3, j4 = make_user("judge", name="孙评委"), make_user("judge", name="李评委")
    for i in range(2):
        e = make_entry(c.contest, world.s1, state="accepted", title=f"另组{i}", number=f"CX-XS-1{i}")
        score(c.round, j3, e, 90 - i)
        score(c.round, j4, e, 91 - i)
    db.session.commit()
    client = login_as(world.organizer)
    html = client.post(f"{base(c)}/results/run", follow_redirects=True).get_data(as_text=True)
    assert "评委和作品分成了 2 个互不相连的部分" in html
    assert "2 项作品：CX-XS-10、CX-XS-11" in html
    assert "学生科技创新成果 · 初中 （第2部分）" in html
    judges = client.get(f"{base(c)}/results/judges").get_data(as_text=True)
    assert "尺度偏差只能在同一部分内比较" in judges


def test_ranking_page_says_when_judging_is_not_complete(world, login_as, db) -> None:
    from tests.factories import make_entry
    from tests.factories.results import score

    c = judged_contest(world, TEN[:4])
    late = make_entry(c.contest, world.s1, state="accepted", title="没人评的作品", number="CX-XS-099")
    score(c.round, world.judge1, late, 80, state="draft")  # a judge is still on it
    score(c.round, make_user("judge", name="钱评委"), c.entries[0], 70, state="draft")  # a fourth judge, not done
    db.session.commit()
    client = login_as(world.organizer)
    html = client.post(f"{base(c)}/results/run", follow_redirects=True).get_data(as_text=True)
    assert "评审尚未完成" in html
    assert "14 份评分表中已提交 12 份，还有 2 份未提交" in html
    assert "1 项已受理的作品还没有任何已提交的评分，未参与排名：" in html and "CX-XS-099" in html
    assert "还有 2 份评分表未提交，锁定后不再计入。" in html  # in the lock confirmation
    assert "排名只使用已提交的评分表，结果可能还会变化" in html
    assert 'id="lock-reason" name="reason" maxlength="500" required' in html
    # Locking with open sheets asks how many and why; the reason is audited.
    html = client.post(f"{base(c)}/results/lock", follow_redirects=True).get_data(as_text=True)
    assert "还有 2 份评分表未提交。锁定后这些评分表将变为只读，不计入成绩。如仍要锁定，请写明理由。" in html
    assert svc.get_run(c.contest).locked_at is None
    html = client.post(
        f"{base(c)}/results/lock", data={"reason": "评委钱某因病无法完成"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "结果已锁定：未提交的评分表已变为只读" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "results.lock"))
    assert event.reason == "评委钱某因病无法完成" and event.after["open_sheets"] == 2
    client.post(f"{base(c)}/results/unlock", data={"reason": "补评"})
    for sheet in db.session.scalars(select(ScoreSheet).where(ScoreSheet.state == "draft")):
        sheet.state, sheet.total = "final", 75
    db.session.commit()
    html = client.post(f"{base(c)}/results/run", follow_redirects=True).get_data(as_text=True)
    assert "评审尚未完成" not in html and "全部 14 份评分表均已提交。" in html


def test_groups_in_the_contest_order(world, login_as, db) -> None:
    from tests.factories import make_entry
    from tests.factories.results import score

    c = judged_contest(world, TEN[:3], stage="初中")
    for i, stage in enumerate(("高中", "小学")):
        e = make_entry(c.contest, world.s1, state="accepted", stage=stage, title=f"{stage}作品", number=f"CX-XS-2{i}")
        for judge, total in zip(c.judges, (80, 81, 82), strict=True):
            score(c.round, judge, e, total)
    db.session.commit()
    client = login_as(world.organizer)
    html = client.post(f"{base(c)}/results/run", follow_redirects=True).get_data(as_text=True)
    heads = [html.index(f"<strong>学生科技创新成果 · {stage}</strong>") for stage in ("小学", "初中", "高中")]
    assert heads == sorted(heads)


def test_every_results_page_links_back_to_the_contest(world, login_as, db) -> None:
    """The back link never rendered: it was guarded by an endpoint that did not exist."""
    c = tied_contest(world)
    client = login_as(world.organizer)
    client.post(f"{base(c)}/results/run", data={"method": "mean"})
    back = f'href="/organizer/contests/{c.contest.id}">← {c.contest.name}</a>'
    result_id = db.session.scalars(select(Result.id)).first()
    for page in ("results", "results/judges", "objections", f"results/{result_id}"):
        resp = client.get(f"{base(c)}/{page}")
        assert resp.status_code == 200, page
        assert back in resp.get_data(as_text=True), page


def test_the_rules_are_shown_beside_what_they_did(world, login_as, db) -> None:
    # 10 entries with means 90, 87, 84, ...: lines after 1, 3 and 6 places (10%, 30%, 60% of 10). CX-XS-003
    # (84) is above the 二等奖 line but under its minimum of 86: held below it (三等奖). The cap, floor(10 x 60%)
    # = 6, takes nothing. Nominations of 一等奖 and 二等奖 with a minimum of 88: CX-XS-002 (87) is not nominated.
    c = judged_contest(
        world,
        [list(t) for t in TEN],
        settings={
            "award_min_scores": {"二等奖": 86},
            "nomination_quota": 2,
            "nomination_levels": ["一等奖", "二等奖"],
            "nomination_min_score": 88,
        },
    )
    client = login_as(world.organizer)
    html = client.post(f"{base(c)}/results/run", data={"method": "mean"}, follow_redirects=True).get_data(as_text=True)
    card = html[html.index('id="rule-effects"') : html.index("</table>", html.index('id="rule-effects"'))]
    rows = {rule: body for rule, body in re.findall(r'data-rule="(\w+)">(.*?)</tr>', card, re.S)}
    assert list(rows) == ["level_minimum", "award_cap", "small_group", "nomination_minimum"]
    assert "二等奖最低分" in rows["level_minimum"] and "不低于86分" in rows["level_minimum"]
    assert "未达二等奖最低分：" in rows["level_minimum"] and "1项： CX-XS-003" in rows["level_minimum"]
    assert "60" in rows["award_cap"] and "没有受影响的评比组" in rows["award_cap"]
    assert "3 项作品" in rows["small_group"] and "没有受影响的评比组" in rows["small_group"]
    assert "未推荐：" in rows["nomination_minimum"] and "CX-XS-002" in rows["nomination_minimum"]
    assert "CX-XS-001" not in card
