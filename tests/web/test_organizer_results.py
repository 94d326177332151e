"""The organizer's results pages: the workflow through the web, and who may see what."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.models import AuditEvent, ScoreSheet
from competition.models.results import TieDecision
from competition.services import results as svc
from tests.factories import make_user
from tests.factories_results import judged_contest

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
    resp = client.post(f"{base(c)}/results/ties/0", data={"chosen": [str(c.entries[1].id)], "reason": ""},
                       follow_redirects=True)
    assert "请写明修改的理由" in resp.get_data(as_text=True)
    assert db.session.scalar(select(TieDecision)) is None
    resp = client.post(f"{base(c)}/results/ties/0", data={"chosen": [str(c.entries[1].id)], "reason": "问辩表现"},
                       follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "经组织方裁定获一等奖" in html and "需要您裁定" not in html
    assert db.session.scalar(select(TieDecision)).reason == "问辩表现"
    resp = client.post(f"{base(c)}/results/publish", follow_redirects=True)
    db.session.expire_all()
    assert c.contest.state == "published"


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
    resp = client.post(url, data={"entry_id": str(first.entry_id), "received_on": "2026-05-03",
                                  "submitter_name": "", "submitter_contact": "139", "content": "抄袭"})
    html = resp.get_data(as_text=True)
    assert "异议须实名提出" in html and "抄袭" in html  # the input is kept
    resp = client.post(url, data={"entry_id": str(first.entry_id), "received_on": "2026-05-03",
                                  "submitter_name": "王某", "submitter_contact": "13900000000",
                                  "content": "该作品系抄袭", "evidence": "原文链接"}, follow_redirects=True)
    assert "王某" in resp.get_data(as_text=True)
    obj = svc.objections_of(c.contest)[0]
    assert obj.received_at.date().isoformat() in ("2026-05-02", "2026-05-03")
    resp = client.post(f"{base(c)}/results/finalize", follow_redirects=True)
    assert "异议尚未处理" in resp.get_data(as_text=True)
    client.post(f"{url}/{obj.id}/settle", data={"outcome": "upheld", "resolution": "经查属实"})
    resp = client.post(f"{base(c)}/results/{first.id}/withdraw", data={"reason": "异议属实"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert first.withdrawn and first.final_award is None
    resp = client.post(f"{base(c)}/results/finalize", data={"reason": ""}, follow_redirects=True)
    assert "公示期尚未结束" in resp.get_data(as_text=True)
    svc.get_run(c.contest).notice_ends_at = svc.get_run(c.contest).published_at - timedelta(seconds=1)
    db.session.commit()
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
    urls = [f"{base(c)}/results", f"{base(c)}/results/judges", f"{base(c)}/objections",
            f"{base(c)}/results/{result.id}"]
    posts = [f"{base(c)}/results/run", f"{base(c)}/results/lock", f"{base(c)}/results/publish",
             f"{base(c)}/results/{result.id}"]
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
    from tests.factories_results import score

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
