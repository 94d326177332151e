"""The 决胜规则 section of the contest settings page, and no criterion code on the organizer's pages."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, ScoreSheet
from competition.services import results as results_svc
from tests.factories.results import judged_contest
from tests.web.html_check import Page

TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _tied_contest(world):
    """作品01 and 作品02 tie on the total; 作品02 is ahead on 创新性, 作品01 on 科学性."""
    totals = [list(t) for t in TEN]
    totals[1] = list(totals[0])
    c = judged_contest(world, totals, novelty={0: 30, 1: 35})
    crit = next(x for x in c.round.rubric_for(c.entries[0].section_id).criteria if x.code == "science")
    science = {c.entries[0].id: 28, c.entries[1].id: 20}
    for sheet in db.session.scalars(select(ScoreSheet)):
        if sheet.assignment.entry_id in science:
            sheet.scores = {**sheet.scores, str(crit.id): science[sheet.assignment.entry_id]}
    db.session.commit()
    return c


def test_the_section_shows_chinese_labels_and_saving_changes_the_ranking(world, login_as):
    c = _tied_contest(world)
    client = login_as(world.organizer)
    url = f"/organizer/contests/{c.contest.id}/edit"
    html = client.get(url).get_data(as_text=True)
    page = Page(html)
    section = page.by_id("tie-break")
    assert section is not None and "决胜规则" in section.all_text()
    first = page.by_id("step-0")
    assert [o.all_text() for o in first.descendants() if o.tag == "option" and o.get("selected") is not None] == [
        "创新性得分"
    ]
    options = {o.all_text() for o in first.descendants() if o.tag == "option"}
    assert {"创新性得分", "科学性得分", "问辩表现得分", "评委人数", "终评得分", "总分"} <= options
    assert "novelty" not in visible_text(html) and "criterion:" not in visible_text(html)

    # with 创新性 first, 作品02 wins the one 一等奖
    results_svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    assert {r.entry.title: r.position for r in results_svc.results_of(c.contest)}["作品02"] == 1

    # move 科学性 up: add it as a new last row, then give it position 1
    resp = client.post(
        f"/organizer/contests/{c.contest.id}/tie-break",
        data={
            "step-0": "criterion:novelty",
            "step-0-order": "2",
            "step-1": "n_judges",
            "step-1-order": "3",
            "step-2": "final_round",
            "step-2-order": "4",
            "step-3": "criterion:science",
            "step-3-order": "1",
            "action": "save",
        },
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#tie-break")
    db.session.expire_all()
    assert c.contest.setting("tie_break") == ["criterion:science", "criterion:novelty", "n_judges", "final_round"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.tie_break")) is not None
    results_svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    rows = {r.entry.title: r for r in results_svc.results_of(c.contest)}
    assert rows["作品01"].position == 1 and rows["作品01"].award == "一等奖" and rows["作品02"].position == 2


def test_moving_a_row_and_refusals(world, login_as):
    c = _tied_contest(world)
    client = login_as(world.organizer)
    url = f"/organizer/contests/{c.contest.id}/tie-break"
    before = c.contest.setting("tie_break")
    # the ↓ button moves a row and saves nothing yet
    html = client.post(url, data={"step-0": "criterion:novelty", "step-1": "n_judges", "action": "down-0"}).get_data(
        as_text=True
    )
    page = Page(html)
    selected = [
        next(
            o.all_text()
            for o in page.by_id(f"step-{i}").descendants()
            if o.tag == "option" and o.get("selected") is not None
        )
        for i in (0, 1)
    ]
    assert selected == ["评委人数", "创新性得分"]
    db.session.expire_all()
    assert c.contest.setting("tie_break") == before
    # a repeated step is refused in Chinese
    resp = client.post(url, data={"step-0": "n_judges", "step-1": "n_judges", "action": "save"})
    assert resp.status_code == 400 and "第2步与第1步重复" in resp.get_data(as_text=True)
    # locked results: read-only, and the server refuses
    c.contest.state = "results"
    results_svc.run_ranking(c.contest, actor=world.organizer)
    results_svc.lock(c.contest, actor=world.organizer)
    db.session.commit()
    html = client.get(f"/organizer/contests/{c.contest.id}/edit").get_data(as_text=True)
    assert Page(html).by_id("step-0") is None and "创新性得分" in html
    resp = client.post(url, data={"step-0": "n_judges", "action": "save"})
    assert resp.status_code == 400 and "决胜规则不能再修改" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert c.contest.setting("tie_break") == before


def test_the_rubric_page_links_to_the_section(world, login_as):
    client = login_as(world.organizer)
    html = client.get(f"/organizer/contests/{world.contest.id}/rubrics").get_data(as_text=True)
    link = next(a for a in Page(html).find_all("a") if a.all_text() == "决胜规则设置")
    path, _sep, anchor = link.get("href").partition("#")
    assert anchor == "tie-break"
    target = client.get(path)
    assert target.status_code == 200 and Page(target.get_data(as_text=True)).by_id(anchor) is not None
    assert "同分时依次比较创新性得分、评委人数、终评得分决定先后" in visible_text(html)


def test_no_criterion_code_on_the_organizers_pages(world, login_as):
    c = _tied_contest(world)
    c.contest.settings = {**c.contest.settings, "tie_break": ["criterion:创新性", "criterion:science", "raw_sum"]}
    c.contest.state = "results"
    results_svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    codes = {x.code for rnd in c.contest.rounds for rub in rnd.rubrics for x in rub.criteria}
    result = results_svc.results_of(c.contest)[0]
    client = login_as(world.organizer)
    base = f"/organizer/contests/{c.contest.id}"
    for path in (
        f"{base}/rubrics",
        f"{base}/results",
        f"{base}/results/judges",
        f"{base}/results/{result.id}",
        f"{base}/edit",
    ):
        resp = client.get(path)
        assert resp.status_code == 200, path
        text = visible_text(resp.get_data(as_text=True))
        assert "criterion:" not in text, path
        found = {code for code in codes if re.search(rf"\b{re.escape(code)}\b", text)}
        assert not found, (path, found)
