"""The organizer's objections page: what it lists, its files and who may download them, the
filter by state, settling with the withdrawal in one step, and the correction of a finding."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.adapters import images
from competition.adapters.storage import get_storage
from competition.domain.objections import ObjectionFiling
from competition.extensions import db
from competition.models import AuditEvent, Objection
from competition.models.base import utcnow
from competition.services import objections
from competition.services import results as results_service
from tests.adapters.test_images import phone_photo, scan
from tests.factories import make_user
from tests.factories.accounts import sample
from tests.factories.results import on_notice as notice_world
from tests.web.html_check import Page


def check_page(html: str) -> None:
    """Every id once, every label naming its own field (several forms on one page)."""
    page = Page(html)
    assert page.duplicate_ids() == [] and page.label_problems() == []


FACTS = "该项目研究报告第3页的数据与2021年外省获奖作品完全一致，附两份报告的对照页。"


@pytest.fixture()
def desk(world, db):
    return desk_world(world)


def desk_world(world):
    """On notice: 王芳 objects to CX2026-XS-001 (一等奖, nominated) as a person with her ID photo
    and a PDF of evidence; 淮北市科技馆 (contact 李强) objects to -002 as a unit with its sealed
    letter."""
    w = notice_world(world)
    w.r_team.nominated = True
    person = ObjectionFiling("person", "王芳", "淮北市第一中学", "13905610001", "CX2026-XS-001", FACTS)
    unit = ObjectionFiling("unit", "李强", "淮北市科技馆", "0561-3021234", "CX2026-XS-002", FACTS)
    w.person = objections.file_online(
        w.contest,
        person,
        [
            objections.Upload("identity_document", "身份证.jpg", io.BytesIO(sample("photo_sample.jpg"))),
            objections.Upload("evidence", "对照页.pdf", io.BytesIO(sample("research_report_sample.pdf"))),
        ],
        storage=get_storage(),
    )
    w.unit = objections.file_online(
        w.contest,
        unit,
        [objections.Upload("sealed_letter", "异议书.pdf", io.BytesIO(sample("research_report_sample.pdf")))],
        storage=get_storage(),
    )
    db.session.commit()
    w.url = f"/organizer/contests/{w.contest.id}/objections"
    return w


def card(page: str, objection: Objection) -> str:
    start = page.index(f'id="objection-{objection.id}"')
    return " ".join(page[start : page.index("</article>", start)].split())


def test_the_page_lists_every_field_and_file_of_each_objection(desk, login_as) -> None:
    w = desk
    client = login_as(w.organizer)
    resp = client.get(w.url)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    check_page(page)
    assert "2 件待处理" in page
    person, unit = card(page, w.person), card(page, w.unit)
    received = results_service.local_today().isoformat()
    for text in (w.person.receipt, "个人", "王芳", "淮北市第一中学", "13905610001", "CX2026-XS-001"):
        assert text in person, text
    assert "校园雨水回收装置" in person and "一等奖、已推荐" in person and received in person and "待处理" in person
    for text in (w.unit.receipt, "单位", "淮北市科技馆", "联系人", "李强", "0561-3021234", "CX2026-XS-002"):
        assert text in unit, text
    assert FACTS in person
    photo, pdf = w.person.files
    assert f'href="/files/objection/{photo.id}"' in person and "身份证明：" in person and "身份证.jpg" in person
    assert f'href="/files/objection/{pdf.id}"' in person and "证据：" in person and "（PDF，" in person
    [letter] = w.unit.files
    assert f'href="/files/objection/{letter.id}"' in unit and "加盖公章的异议书：" in unit
    # the settle form of each, with the withdrawal offered where there is an award to withdraw
    assert f'id="o{w.person.id}-withdraw"' in person and f'for="o{w.person.id}-reasoning"' in person


def test_the_files_download_for_the_organizer_only(desk, client, login_as) -> None:
    w = desk
    photo, pdf = w.person.files
    links = [f"/files/objection/{photo.id}", f"/files/objection/{pdf.id}"]
    for link in links:
        resp = client.get(link)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], link
    for user in (w.reviewer1, w.teacher1, w.judge1, make_user("teacher", "judge", "reviewer")):
        login_as(user)
        for link in links:
            assert client.get(link).status_code == 403, (user.username, link)
        assert client.get(w.url).status_code == 403
    login_as(w.organizer)
    resp = client.get(links[0])
    assert resp.status_code == 200 and resp.data == sample("photo_sample.jpg")
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert client.get(links[1]).data == sample("research_report_sample.pdf")


def test_the_filter_by_state(desk, login_as) -> None:
    w = desk
    objections.settle(w.unit, objections.Finding("dismissed", "复核无误。"), actor=w.organizer)
    db.session.commit()
    client = login_as(w.organizer)
    page = client.get(w.url).get_data(as_text=True)
    assert "1 件待处理" in page and "全部（2）" in page and "待处理（1）" in page and "不属实（1）" in page
    waiting = client.get(w.url, query_string={"state": "open"}).get_data(as_text=True)
    assert w.person.receipt in waiting and w.unit.receipt not in waiting
    dismissed = client.get(w.url, query_string={"state": "dismissed"}).get_data(as_text=True)
    assert w.unit.receipt in dismissed and w.person.receipt not in dismissed and "复核无误。" in dismissed
    founded = client.get(w.url, query_string={"state": "upheld"}).get_data(as_text=True)
    assert "此列表中没有异议。" in founded and w.person.receipt not in founded


def test_settling_founded_withdraws_award_and_nomination_and_the_notice_says_so(desk, client, login_as) -> None:
    w = desk
    login_as(w.organizer)
    settle = f"{w.url}/{w.person.id}/settle"
    # not founded and withdraw: refused beside the field, what was typed kept, nothing saved
    resp = client.post(settle, data={"finding": "dismissed", "reasoning": "数据有出处。", "withdraw": "y"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    check_page(page)
    assert "只有异议属实才能撤销奖项，请取消勾选。" in card(page, w.person) and "数据有出处。" in page
    assert 'id="form-errors"' in page and f'href="#o{w.person.id}-withdraw"' in page
    db.session.expire_all()
    assert w.person.outcome is None and not w.r_team.withdrawn
    resp = client.post(settle, data={"finding": "", "reasoning": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "请选择异议属实还是不属实。" in page and "请写明核查理由" in page

    resp = client.post(settle, data={"finding": "upheld", "reasoning": "经核查，报告数据系抄袭。", "withdraw": "y"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#objection-{w.person.id}")
    db.session.expire_all()
    assert w.person.outcome == "upheld" and w.r_team.withdrawn
    assert w.r_team.final_award is None and w.r_team.final_nominated is False
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["objection.settle", "results.withdraw"]
    page = client.get(w.url).get_data(as_text=True)
    shown = card(page, w.person)
    assert "处理结论：属实" in shown and "经核查，报告数据系抄袭。" in shown and "奖项和推荐资格已撤销" in shown
    assert f"/objections/{w.person.id}/settle" not in shown  # final: only the correction is offered
    assert f"/objections/{w.person.id}/correct" in shown
    notice = client.get(f"/notice/{w.contest.code}").get_data(as_text=True)
    assert "异议属实，已撤销奖项" in notice
    for private in ("王芳", "13905610001", "抄袭", w.person.receipt):
        assert private not in notice
    # settling it again is refused with the way to correct it
    resp = client.post(settle, data={"finding": "dismissed", "reasoning": "改判。"})
    assert resp.status_code == 400 and "结论不可直接修改" in resp.get_data(as_text=True)


def test_a_correction_needs_its_reason_and_is_shown_with_it(desk, client, login_as) -> None:
    w = desk
    objections.settle(w.unit, objections.Finding("upheld", "来函所述属实。"), actor=w.organizer)
    db.session.commit()
    login_as(w.organizer)
    correct = f"{w.url}/{w.unit.id}/correct"
    resp = client.post(correct, data={"finding": "dismissed", "reasoning": "原作者确认授权使用。", "reason": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "请写明更正处理结论的原因。" in card(page, w.unit)
    assert "原作者确认授权使用。" in page and '<details class="mt-2" open>' in page
    db.session.expire_all()
    assert w.unit.outcome == "upheld"
    resp = client.post(
        correct, data={"finding": "dismissed", "reasoning": "原作者确认授权使用。", "reason": "收到原作者授权书"}
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert w.unit.outcome == "dismissed" and w.unit.resolution == "原作者确认授权使用。"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "objection.correct")).one()
    assert event.reason == "收到原作者授权书" and event.actor_id == w.organizer.id
    shown = card(client.get(w.url).get_data(as_text=True), w.unit)
    assert "处理结论：不属实" in shown and "将结论从“属实”更正为“不属实”：收到原作者授权书" in shown


def test_a_correction_to_not_founded_gives_the_award_back_from_the_desk(desk, client, login_as) -> None:
    """Founded with withdrawal, then corrected to not founded with the box ticked: the award and
    nomination come back as they were, the desk and the notice say so, without personal data."""
    w = desk
    award_before = w.r_team.final_award
    objections.settle(w.person, objections.Finding("upheld", "报告数据系抄袭。", withdraw=True), actor=w.organizer)
    db.session.commit()
    login_as(w.organizer)
    shown = card(client.get(w.url).get_data(as_text=True), w.person)
    assert f'id="c{w.person.id}-reinstate"' in shown  # this objection withdrew it: the box is offered
    correct = f"{w.url}/{w.person.id}/correct"
    # a founded finding cannot give anything back: refused beside the box, nothing changed
    resp = client.post(correct, data={"finding": "upheld", "reasoning": "维持。", "reinstate": "y", "reason": "复核"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "只有将结论更正为不属实，才能恢复已撤销的奖项" in card(page, w.person)
    db.session.expire_all()
    assert w.r_team.withdrawn and w.person.outcome == "upheld"
    resp = client.post(
        correct,
        data={"finding": "dismissed", "reasoning": "数据另有出处。", "reinstate": "y", "reason": "收到原始记录"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert not w.r_team.withdrawn and w.r_team.final_award == award_before and w.r_team.final_nominated
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["objection.correct", "results.reinstate"] or actions[-2:] == [
        "results.reinstate",
        "objection.correct",
    ]
    shown = card(client.get(w.url).get_data(as_text=True), w.person)
    assert "奖项和推荐资格已恢复" in shown and f'id="c{w.person.id}-reinstate"' not in shown
    notice = client.get(f"/notice/{w.contest.code}").get_data(as_text=True)
    assert "经更正，异议不属实，已恢复奖项" in notice
    for private in ("王芳", "13905610001", "抄袭", w.person.receipt):
        assert private not in notice


def test_after_the_notice_the_waiting_ones_are_flagged_and_still_settled(desk, client, login_as) -> None:
    w = desk
    run = results_service.get_run(w.contest)
    run.notice_ends_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login_as(w.organizer)
    page = client.get(w.url).get_data(as_text=True)
    assert 'id="notice-ended"' in page and "2 件异议尚待处理" in page
    resp = client.post(f"{w.url}/{w.person.id}/settle", data={"finding": "dismissed", "reasoning": "不属实。"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert w.person.outcome == "dismissed"
    assert "1 件异议尚待处理" in client.get(w.url).get_data(as_text=True)


def test_what_the_organizer_downloads_is_the_photo_without_its_location(desk, client, login_as) -> None:
    w = desk
    original = phone_photo()
    filing = ObjectionFiling("person", "赵磊", "淮北市第二中学", "13905610002", "CX2026-XS-003", FACTS)
    obj = objections.file_online(
        w.contest,
        filing,
        [objections.Upload("identity_document", "身份证正面.jpg", io.BytesIO(original))],
        storage=get_storage(),
    )
    db.session.commit()
    login_as(w.organizer)
    served = client.get(f"/files/objection/{obj.files[0].id}").data
    assert images.location_of(original) and images.location_of(served) == {}
    assert scan(served) == scan(original)


def test_a_refused_paper_objection_says_why_beside_its_field(desk, client, login_as) -> None:
    w = desk
    login_as(w.organizer)
    today = results_service.local_today().isoformat()
    resp = client.post(
        w.url,
        data={
            "received_on": today,
            "submitter_name": "",
            "submitter_contact": "13900000000",
            "content": "该作品系抄袭",
        },
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    check_page(page)
    field = page[page.index('id="submitter_name"') :]
    beside = field[: field.index("</div>")]
    assert 'class="invalid-feedback">异议须实名提出' in beside
    assert 'id="record-errors"' in page and 'href="#submitter_name"' in page and "该作品系抄袭" in page
    assert db.session.scalar(select(Objection).where(Objection.recorded_by_id.is_not(None))) is None
