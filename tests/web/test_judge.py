"""The judge's pages: list, scoring page, autosave JSON with versions, submit, conflicts,
blind judging and authorization."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment, Conflict, ScoreSheet
from competition.services import ServiceError
from competition.services.judging import sheets as judging_sheets
from tests.factories import SAMPLES, make_entry, make_user
from tests.factories import judging as fj


@pytest.fixture()
def jw(world):
    j = fj.judging_world(world)
    fj.planned(world, j)
    return j


def mine(world, judge=None):
    return judging_sheets.judge_assignments(judge or world.judge2)


def ids(a):
    return {c.code: str(c.id) for c in judging_sheets.criteria_of(a)}


def full(a):
    return {ids(a)[k]: str(v) for k, v in fj.full_scores().items()}


def test_list_shows_progress_filters_and_next(world, jw, login_as):
    client = login_as(world.judge2)
    rows = mine(world)
    fj.sheet(rows[0], fj.full_scores(), state="final")
    fj.sheet(rows[1], {"novelty": 12})
    html = client.get("/judge/").get_data(as_text=True)
    assert f"1 / {len(rows)} 已评" in html and "1 份草稿" in html
    assert "下一个未评" in html and 'id="next-unscored"' in html
    assert rows[2].entry.title in html
    drafts = client.get("/judge/?state=draft").get_data(as_text=True)
    assert rows[1].entry.title in drafts and rows[2].entry.title not in drafts
    nxt = client.get("/judge/next")
    assert nxt.status_code == 302 and f"/judge/a/{rows[2].id}" in nxt.headers["Location"]


def test_unpublished_assignments_are_not_listed(world, jw, login_as):
    a = mine(world)[0]
    a.published = False
    db.session.flush()
    client = login_as(world.judge2)
    assert a.entry.title not in client.get("/judge/").get_data(as_text=True)
    assert client.get(f"/judge/a/{a.id}").status_code == 403
    assert client.post(f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": {}}).status_code == 403


def test_scoring_page_shows_rubric_and_hides_names_when_blind(world, jw, login_as):
    a = mine(world)[0]
    entry = a.entry
    fj.attach(entry, name=f"{entry.students[0].name}的研究报告.pdf")
    client = login_as(world.judge2)
    html = client.get(f"/judge/a/{a.id}").get_data(as_text=True)
    assert "创新性" in html and "满分 40" in html and "选题新颖" in html
    assert f'data-save-url="/judge/a/{a.id}/sheet"' in html
    assert entry.students[0].name not in html
    assert entry.school.name not in html and "导师" not in html
    assert "?inline=1" in html and "<iframe" in html
    # not blind: names are shown
    world.contest.blind_judging = False
    db.session.flush()
    html = client.get(f"/judge/a/{a.id}").get_data(as_text=True)
    assert entry.students[0].name in html and entry.school.name in html


def test_autosave_versions_and_conflict_409(world, jw, login_as):
    a = mine(world)[0]
    c = ids(a)
    client = login_as(world.judge2)
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": {c["novelty"]: "30"}, "comment": "x"})
    assert r.status_code == 200 and r.json["version"] == 1 and r.json["state"] == "draft"
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 1, "scores": {c["novelty"]: "31"}, "comment": "y"})
    assert r.status_code == 200 and r.json["version"] == 2
    # the other laptop, still at version 1
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 1, "scores": {c["novelty"]: "5"}, "comment": ""})
    assert r.status_code == 409
    assert "另一台电脑" in r.json["error"]
    assert r.json["current"]["scores"][c["novelty"]] == "31" and r.json["current"]["version"] == 2
    assert db.session.scalar(select(ScoreSheet)).scores[c["novelty"]] == 31.0


def test_autosave_refuses_out_of_bounds_with_field_problem(world, jw, login_as):
    a = mine(world)[0]
    c = ids(a)
    client = login_as(world.judge2)
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": {c["novelty"]: "45"}})
    assert r.status_code == 422 and r.json["problems"][c["novelty"]] == "创新性：分数不能超过40"
    assert db.session.scalar(select(ScoreSheet)) is None
    assert client.post(f"/judge/a/{a.id}/sheet", data="oops", content_type="application/json").status_code == 400


@pytest.mark.parametrize("value", ["1e-400", "1_0", "1e1", "+20", "٣", "३", "𝟑", "1。5"])
def test_autosave_refuses_hostile_score_text_and_stores_nothing(world, jw, login_as, value):
    a = mine(world)[0]
    c = ids(a)
    client = login_as(world.judge2)
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": {c["novelty"]: value}})
    assert r.status_code == 422 and r.json["problems"][c["novelty"]] == "创新性：请输入数字"
    assert db.session.scalar(select(ScoreSheet)) is None


def test_autosave_stores_minus_zero_as_zero_and_full_width_digits(world, jw, login_as):
    a = mine(world)[0]
    c = ids(a)
    client = login_as(world.judge2)
    r = client.post(
        f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": {c["novelty"]: "-0", c["science"]: " ２５．５ "}}
    )
    assert r.status_code == 200 and r.json["scores"][c["novelty"]] == "0" and r.json["scores"][c["science"]] == "25.5"
    db.session.expire_all()
    assert db.session.scalar(select(ScoreSheet)).scores == {c["novelty"]: 0.0, c["science"]: 25.5}
    html = client.get(f"/judge/a/{a.id}").get_data(as_text=True)
    assert re.search(rf'name="score-{c["novelty"]}"[^>]*value="0"', html)


def test_submit_locks_the_sheet(world, jw, login_as):
    a = mine(world)[0]
    client = login_as(world.judge2)
    c = ids(a)
    r = client.post(f"/judge/a/{a.id}/submit", json={"version": 0, "scores": {c["novelty"]: "30"}})
    assert r.status_code == 422 and "科学性" in r.json["error"]
    r = client.post(f"/judge/a/{a.id}/submit", json={"version": 0, "scores": full(a), "comment": "好"})
    assert r.status_code == 200 and r.json["redirect"].endswith(f"/judge/a/{a.id}")
    html = client.get(f"/judge/a/{a.id}").get_data(as_text=True)
    assert "已提交 · 已锁定" in html and "disabled" in html
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 2, "scores": full(a)})
    assert r.status_code in (400, 409)
    assert db.session.scalar(select(ScoreSheet)).state == "final"


def test_submit_without_script_uses_the_form(world, jw, login_as):
    a = mine(world)[0]
    client = login_as(world.judge2)
    form = {f"score-{k}": v for k, v in full(a).items()}
    r = client.post(f"/judge/a/{a.id}/submit", data={**form, "version": "0", "comment": ""})
    assert r.status_code == 302
    assert db.session.scalar(select(ScoreSheet)).state == "final"


def test_submit_all_with_confirmation(world, jw, login_as):
    rows = mine(world)
    fj.sheet(rows[0], fj.full_scores())
    fj.sheet(rows[1], fj.full_scores())
    fj.sheet(rows[2], {"novelty": 3})
    client = login_as(world.judge2)
    html = client.get("/judge/").get_data(as_text=True)
    assert "提交全部已完成的草稿（2）" in html and "data-confirm" in html
    r = client.post("/judge/submit-all", data={}, follow_redirects=True)
    assert "已提交2份评分表" in r.get_data(as_text=True)
    states = sorted(s.state for s in db.session.scalars(select(ScoreSheet)))
    assert states == ["draft", "final", "final"]


def test_submit_all_that_loses_a_race_keeps_nothing_of_the_request(world, jw, login_as):
    """The second sheet changes behind the request after the first is submitted: the service
    undoes only its own write (no rollback in services) and the view rolls back the request, so
    the first submission is not kept either, as before."""
    from sqlalchemy import event, update

    from competition.models import AuditEvent

    first, second = mine(world)[:2]
    fj.sheet(first, fj.full_scores())
    fj.sheet(second, fj.full_scores())
    db.session.commit()
    first_id, second_id = first.sheet.id, second.sheet.id
    before = {s.id: (s.version, s.state) for s in db.session.scalars(select(ScoreSheet))}

    def another_request(mapper, connection, target):
        if target.id == first_id:  # right after the first submission's UPDATE
            connection.execute(
                update(ScoreSheet).where(ScoreSheet.id == second_id).values(version=ScoreSheet.version + 1)
            )

    event.listen(ScoreSheet, "after_update", another_request)
    try:
        client = login_as(world.judge2)
        r = client.post("/judge/submit-all", data={}, follow_redirects=True)
    finally:
        event.remove(ScoreSheet, "after_update", another_request)
    assert "该评分表已在别处" in r.get_data(as_text=True)
    db.session.expire_all()
    assert {s.id: (s.version, s.state) for s in db.session.scalars(select(ScoreSheet))} == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.submit")) is None


def test_declare_conflict_removes_entry(world, jw, login_as):
    a = mine(world)[0]
    entry_id, aid = a.entry_id, a.id
    client = login_as(world.judge2)
    r = client.post(f"/judge/a/{aid}/conflict", data={"kind": "relative", "reason": ""}, follow_redirects=True)
    assert "请填写回避原因" in r.get_data(as_text=True)
    r = client.post(f"/judge/a/{aid}/conflict", data={"kind": "relative", "reason": "学生是我的侄子"})
    assert r.status_code == 302
    row = db.session.scalar(select(Conflict).where(Conflict.judge_id == world.judge2.id, Conflict.entry_id == entry_id))
    assert row.source == "declared"
    assert entry_id not in {x.entry_id for x in mine(world)}
    assert client.get(f"/judge/a/{aid}").status_code == 404


def test_judge_cannot_open_or_score_others_assignments(world, jw, login_as):
    other = next(a for a in db.session.scalars(select(Assignment)) if a.judge_id != world.judge2.id)
    fj.sheet(other, fj.full_scores(), state="final")
    client = login_as(world.judge2)
    assert client.get(f"/judge/a/{other.id}").status_code == 403
    assert client.post(f"/judge/a/{other.id}/sheet", json={"version": 0, "scores": {}}).status_code == 403
    assert client.post(f"/judge/a/{other.id}/submit", json={"version": 0, "scores": {}}).status_code == 403
    assert client.post(f"/judge/a/{other.id}/conflict", data={"reason": "x"}).status_code == 403
    # another judge's score is nowhere on the judge's own page of the same entry
    same = next((a for a in mine(world) if a.entry_id == other.entry_id), None)
    if same is not None:
        html = client.get(f"/judge/a/{same.id}").get_data(as_text=True)
        assert other.judge.name not in html
        assert 'id="total" class="total-number">—<' in html


def test_judge_cannot_download_materials_of_unassigned_entry(app, world, jw, login_as):
    assigned = mine(world)[0].entry
    unassigned = fj.accept(make_entry(world.contest, world.s1, state="accepted"))
    pdf = (SAMPLES / "research_report_sample.pdf").read_bytes()
    mine_att = fj.attach(assigned, name="李四的研究报告.pdf", data=pdf)
    other_att = fj.attach(unassigned, data=pdf)
    db.session.commit()
    client = login_as(world.judge2)
    assert client.get(f"/files/{other_att.id}").status_code == 404  # as for a missing id
    ok = client.get(f"/files/{mine_att.id}?inline=1")
    assert ok.status_code == 200 and ok.data[:4] == b"%PDF"
    assert "李四" not in ok.headers.get("Content-Disposition", "")
    # once the judge declares a conflict, the materials are closed too
    a = mine(world)[0]
    client.post(f"/judge/a/{a.id}/conflict", data={"kind": "other", "reason": "认识作者"})
    assert client.get(f"/files/{mine_att.id}").status_code == 404


@pytest.mark.parametrize("role", ["teacher", "reviewer", "organizer"])
def test_other_roles_cannot_reach_judge_pages(world, jw, login_as, role):
    user = {"teacher": world.teacher1, "reviewer": world.reviewer1, "organizer": world.organizer}[role]
    client = login_as(user)
    a = mine(world)[0]
    assert client.get("/judge/").status_code == 403
    assert client.get(f"/judge/a/{a.id}").status_code == 403
    assert client.post(f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": {}}).status_code == 403


def test_anonymous_is_sent_to_login(client, world, jw):
    r = client.get("/judge/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_judge_without_assignments_sees_empty_state(world, login_as):
    lonely = make_user("judge", name="新评委")
    client = login_as(lonely)
    assert "还没有分配给您的作品" in client.get("/judge/").get_data(as_text=True)


def test_submit_from_a_second_tab_gets_the_submitted_sheet(world, jw, login_as):
    """The page's conflict banner shows the values submitted in the other tab (409 with the
    current sheet), instead of a bare error."""
    a = mine(world)[0]
    client = login_as(world.judge2)
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 0, "scores": full(a), "comment": ""})
    assert r.status_code == 200 and r.json["version"] == 1
    assert client.post(f"/judge/a/{a.id}/submit", json={"version": 1, "scores": full(a)}).status_code == 200
    r = client.post(f"/judge/a/{a.id}/submit", json={"version": 1, "scores": full(a), "comment": "另一个标签页"})
    assert r.status_code == 409
    assert r.json["current"]["state"] == "final" and r.json["current"]["version"] == 2
    assert db.session.scalar(select(ScoreSheet)).comment is None


def test_scoring_page_counts_the_contest_progress(world, jw, login_as):
    rows = mine(world)
    fj.sheet(rows[0], fj.full_scores(), state="final")
    fj.sheet(rows[1], {"novelty": 12})
    client = login_as(world.judge2)
    html = client.get(f"/judge/a/{rows[2].id}").get_data(as_text=True)
    assert f"1 / {len(rows)} 已评" in html and "1 份草稿" in html


def _finish_contest_with_open_sheets(world, jw):
    """Every judge submits every sheet but judge2's first, which stays a draft; the organizer
    locks (with the reason the open sheet asks for), publishes and finalizes early."""
    from competition.services import results

    open_one = mine(world)[0]
    for judge in jw.judges:
        for a in judging_sheets.judge_assignments(judge):
            if a.id == open_one.id:
                judging_sheets.save_draft(a, scores={ids(a)["novelty"]: "20"}, comment=None, version=0, actor=judge)
            else:  # distinct totals per entry: no tie to settle
                offset = -jw.entries.index(a.entry) * 1.5
                scores = {ids(a)[k]: str(v) for k, v in fj.full_scores(offset).items()}
                judging_sheets.submit(a, scores=scores, comment=None, version=0, actor=judge)
    db.session.commit()
    results.run_ranking(world.contest, actor=world.organizer)
    results.lock(world.contest, actor=world.organizer, reason="评委临时有事，组委会决定按已提交评分表计算")
    results.publish(world.contest, actor=world.organizer, contact="市科协青少年部")
    results.finalize(world.contest, actor=world.organizer, reason="颁奖典礼提前")
    db.session.commit()
    return open_one


def test_after_final_results_a_judge_page_is_read_only_and_nothing_saves(world, jw, login_as):
    open_one = _finish_contest_with_open_sheets(world, jw)
    client = login_as(world.judge2)
    before = client.get("/judge/").get_data(as_text=True)
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == open_one.id))
    kept = (sheet.version, dict(sheet.scores), sheet.state)

    page = client.get(f"/judge/a/{open_one.id}").get_data(as_text=True)
    assert "本竞赛结果已最终确定" in page and 'id="closed-reason"' in page
    assert 'data-locked="true"' in page and 'id="submit-sheet"' not in page
    assert page.count("disabled") >= len(judging_sheets.criteria_of(open_one)) + 1

    r = client.post(f"/judge/a/{open_one.id}/sheet", json={"version": sheet.version, "scores": full(open_one)})
    assert r.status_code == 409 and r.json["closed"] is True and "最终确定" in r.json["error"]
    r = client.post(f"/judge/a/{open_one.id}/submit", json={"version": sheet.version, "scores": full(open_one)})
    assert r.status_code == 409 and r.json["closed"] is True
    r = client.post("/judge/submit-all", data={"contest": str(world.contest.id)}, follow_redirects=True)
    assert "最终确定" in r.get_data(as_text=True)

    db.session.expire_all()
    sheet = db.session.get(ScoreSheet, sheet.id)
    assert (sheet.version, dict(sheet.scores), sheet.state) == kept
    after = client.get("/judge/").get_data(as_text=True)
    progress = re.compile(r'id="progress-text">(.*?)</div>', re.S)
    assert progress.search(after).group(1) == progress.search(before).group(1)
    assert "已评 " in progress.search(before).group(1) or "/" in progress.search(before).group(1)


def test_locking_with_an_open_sheet_closes_it(world, jw, login_as):
    from competition.services import results

    a, done = mine(world)[:2]
    judging_sheets.save_draft(a, scores={ids(a)["novelty"]: "20"}, comment=None, version=0, actor=world.judge2)
    judging_sheets.submit(done, scores=full(done), comment=None, version=0, actor=world.judge2)
    db.session.commit()
    results.run_ranking(world.contest, actor=world.organizer)
    with pytest.raises(ServiceError) as refused:
        results.lock(world.contest, actor=world.organizer)
    assert refused.value.field == "reason"
    results.lock(world.contest, actor=world.organizer, reason="按时截止")
    db.session.commit()
    client = login_as(world.judge2)
    r = client.post(f"/judge/a/{a.id}/sheet", json={"version": 1, "scores": full(a)})
    assert r.status_code == 409 and r.json["closed"] and "成绩已锁定" in r.json["error"]
    # Unlocking (with a reason) opens the sheet again.
    results.unlock(world.contest, actor=world.organizer, reason="补评")
    db.session.commit()
    assert client.post(f"/judge/a/{a.id}/sheet", json={"version": 1, "scores": full(a)}).status_code == 200
