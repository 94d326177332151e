"""Filing an objection from the public notice page, without an account, and checking its status."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from competition.domain.objections import Finding
from competition.extensions import db
from competition.models import Objection
from competition.services import objections
from competition.services import results as results_service
from tests.factories.accounts import sample
from tests.factories.results import on_notice as notice_world

FACTS = "该项目研究报告第3页的数据与2021年外省获奖作品完全一致，附两份报告的对照页。"


@pytest.fixture()
def on_notice(world, db):
    return notice_world(world)


def fields(**changes) -> dict:
    data = {
        "kind": "person",
        "name": "王芳",
        "unit": "淮北市第一中学",
        "phone": "139 0561 0001",
        "entry_number": "CX2026-XS-001",
        "facts": FACTS,
        "identity_document": (io.BytesIO(sample("photo_sample.jpg")), "身份证.jpg"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def url(w) -> str:
    return f"/notice/{w.contest.code}/objection"


def test_the_notice_links_to_the_form_and_the_form_explains_the_rules(client, on_notice) -> None:
    w = on_notice
    page = client.get(f"/notice/{w.contest.code}").get_data(as_text=True)
    assert f'href="{url(w)}"' in page and "在线提出异议" in page
    form = client.get(url(w)).get_data(as_text=True)
    assert "匿名异议及公示期满后提出的异议不予受理" in form and 'enctype="multipart/form-data"' in form


def test_a_refused_form_names_every_problem_and_keeps_what_was_typed(client, on_notice) -> None:
    w = on_notice
    resp = client.post(
        url(w), data=fields(name="", phone="12345", identity_document=None), content_type="multipart/form-data"
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "不受理匿名异议：请填写您的真实姓名。" in page
    assert "12345 不是有效的电话号码。" in page
    assert "不受理匿名异议：请上传身份证明的扫描件或照片。" in page
    assert FACTS in page and 'value="淮北市第一中学"' in page
    assert db.session.scalar(select(Objection)) is None


def test_a_filed_objection_gets_a_receipt_and_a_status_page_without_personal_data(client, on_notice) -> None:
    w = on_notice
    resp = client.post(url(w), data=fields(), content_type="multipart/form-data")
    assert resp.status_code == 302
    receipt = re.search(r"/objections/([A-Z0-9-]+)\?filed=1$", resp.headers["Location"]).group(1)
    obj = db.session.scalars(select(Objection)).one()
    assert obj.receipt == receipt and obj.submitter_contact == "13905610001"  # the phone as stored
    status = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "您的异议已收到。" in status and receipt in status and "主办方正在核查。" in status
    assert "王芳" not in status and "13905610001" not in status and FACTS not in status
    # typed into the lookup box, with spaces and in small letters
    found = client.get("/objections", query_string={"receipt": f" {receipt.lower()} "}, follow_redirects=True)
    assert receipt in found.get_data(as_text=True)
    unknown = client.get("/objections/HB-YY-NOSUCH")
    assert unknown.status_code == 404 and "没有回执号为 HB-YY-NOSUCH 的异议" in unknown.get_data(as_text=True)

    # the organizer upholds it and withdraws the award: the notice says so, without the filer
    objections.settle(obj, Finding("upheld", "经核实属实。"), actor=w.organizer)
    results_service.withdraw_award(w.r_team, actor=w.organizer, reason="异议属实")
    db.session.commit()
    notice = client.get(f"/notice/{w.contest.code}").get_data(as_text=True)
    assert "异议处理结果" in notice and "CX2026-XS-001" in notice and "异议属实，已撤销奖项" in notice
    assert "王芳" not in notice
    assert "已处理：异议属实。 已撤销奖项。" in " ".join(
        client.get(f"/objections/{receipt}").get_data(as_text=True).split()
    )


def test_after_the_notice_the_form_says_why_and_refuses(client, on_notice) -> None:
    w = on_notice
    results_service.get_run(w.contest).notice_ends_at = results_service.get_run(w.contest).published_at
    db.session.commit()
    page = client.get(url(w)).get_data(as_text=True)
    assert "此后提出的异议不予受理" in page and 'name="facts"' not in page
    resp = client.post(url(w), data=fields(), content_type="multipart/form-data")
    assert resp.status_code == 400 and "此后提出的异议不予受理" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Objection)) is None
    assert client.get("/notice/NO-SUCH/objection").status_code == 404


def test_only_the_organizer_opens_the_files_of_an_objection(client, on_notice, login_as) -> None:
    w = on_notice
    client.post(url(w), data=fields(), content_type="multipart/form-data")
    [item] = db.session.scalars(select(Objection)).one().files
    link = f"/files/objection/{item.id}"
    assert client.get(link).status_code == 302  # to the login page
    login_as(w.teacher1)
    assert client.get(link).status_code == 403
    login_as(w.organizer)
    resp = client.get(link)
    assert resp.status_code == 200 and resp.data == sample("photo_sample.jpg")
    assert (
        resp.headers["Content-Disposition"].startswith("attachment")
        and "sandbox" in resp.headers["Content-Security-Policy"]
    )
