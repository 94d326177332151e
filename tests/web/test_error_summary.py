"""Issue #13: every form page that comes back with field errors shows one error summary at the top
whose items link to the invalid fields (by an id that is on the page once) with the field's label
and a Chinese message. The focus itself is tested in tests/browser/test_error_summary.py."""

from __future__ import annotations

import io
import re

import pytest

from tests.factories import certificates as fc
from tests.web.html_check import Page
from tests.web.test_password_reset import make_link

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")  # two English words: an untranslated message


def summary_items(resp, status: int) -> list[tuple[str, str]]:
    """The summary's items as (text, id of the element linked to), after checking the page has one
    summary with the focus attributes and each link names one element that is there once."""
    assert resp.status_code == status, resp.get_data(as_text=True).partition("<main")[2][:1500]
    page = Page(resp.get_data(as_text=True))
    summaries = [e for e in page.elements if "data-error-summary" in e.attrs]
    assert len(summaries) == 1, f"{len(summaries)} error summaries"
    (summary,) = summaries
    assert summary.get("id") == "form-errors" and summary.get("tabindex") == "-1"
    # At the top: before every form of the page.
    forms = [e for e in page.elements if e.tag == "form" and not any(a.tag == "nav" for a in e.ancestors())]
    assert not forms or page.elements.index(summary) < page.elements.index(forms[0])
    items = []
    for li in (e for e in summary.descendants() if e.tag == "li"):
        (link,) = [e for e in li.descendants() if e.tag == "a"]
        text = " ".join(link.all_text().split())
        href = link.get("href", "")
        assert href.startswith("#"), text
        targets = [e for e in page.elements if e.get("id") == href[1:]]
        assert len(targets) == 1, f"{text!r} links to {href}, which is on the page {len(targets)} times"
        assert CJK.search(text) and not ENGLISH.search(text), f"not Chinese: {text!r}"
        items.append((text, href[1:]))
    assert items, "an empty summary"
    assert not page.duplicate_ids(), page.duplicate_ids()
    return items


def linked(items, id_: str) -> str:
    """The text of the item linking to id_."""
    found = [text for text, target in items if target == id_]
    assert found, f"no item links to #{id_}: {items}"
    return found[0]


def test_login(client):
    items = summary_items(client.post("/login", data={"username": "", "password": ""}), 200)
    assert linked(items, "username").startswith("用户名：")
    assert linked(items, "password").startswith("密码：")


def test_change_password(world, login_as):
    client = login_as(world.teacher1)
    resp = client.post("/account/password", data={"current": "", "new": "Fresh2026pw", "confirm": "Other2026pw"})
    items = summary_items(resp, 200)
    assert linked(items, "current").startswith("当前密码：")
    assert "两次输入的密码不一致" in linked(items, "confirm")


def test_password_reset(client, login_as, world):
    path = make_link(client, login_as, world, world.teacher1)
    items = summary_items(client.post(path, data={"new": "", "confirm": "x"}), 200)
    assert {target for _t, target in items} == {"new", "confirm"}


def test_account_create_and_edit(world, login_as):
    client = login_as(world.organizer)
    items = summary_items(client.post("/organizer/accounts/new", data={"username": "x" * 81, "name": ""}), 200)
    assert linked(items, "name").startswith("姓名：")
    assert "用户名" in linked(items, "username")
    resp = client.post(f"/organizer/accounts/{world.teacher1.id}", data={"name": "", "email": "not-mail"})
    items = summary_items(resp, 200)
    assert linked(items, "name").startswith("姓名：")
    # The roles are check boxes: the item leads to the first one.
    resp = client.post(f"/organizer/accounts/{world.teacher1.id}", data={"name": "张老师"})
    assert linked(summary_items(resp, 200), "roles-0").startswith("角色：")


def test_school_and_district(world, login_as):
    client = login_as(world.organizer)
    items = summary_items(client.post("/organizer/accounts/schools/new", data={"name": ""}), 200)
    assert linked(items, "name").startswith("学校全称：")
    items = summary_items(client.post("/organizer/accounts/districts", data={"name": ""}), 200)
    assert linked(items, "name")


def test_import_upload(world, login_as):
    client = login_as(world.organizer)
    resp = client.post(
        "/organizer/imports",
        data={"kind": "teachers", "file": (io.BytesIO(b""), "空.xlsx")},
        content_type="multipart/form-data",
    )
    assert "空.xlsx" in linked(summary_items(resp, 200), "file")


def test_contest_new_import_and_settings(world, login_as):
    client = login_as(world.organizer)
    items = summary_items(client.post("/organizer/contests/new", data={"code": "a b", "name": "", "year": "x"}), 400)
    for id_ in ("code", "name", "year"):
        linked(items, id_)
    resp = client.post(
        "/organizer/contests/import",
        data={"text": "", "file": (io.BytesIO(b""), "empty.yaml")},
        content_type="multipart/form-data",
    )
    assert "empty.yaml" in linked(summary_items(resp, 200), "file")
    from tests.web.test_organizer_contests import _settings_form

    data = _settings_form(world.contest, **{"levels-1-min_score": "120", "judges_per_entry": "0", "name": ""})
    items = summary_items(client.post(f"/organizer/contests/{world.contest.id}/edit", data=data), 400)
    # A row of the award levels is named by its number, its field by its label.
    assert linked(items, "levels-1-min_score").startswith("奖项设置 2 最低分")
    linked(items, "judges_per_entry")
    linked(items, "name")


def test_review_return_and_reject(world, login_as):
    client = login_as(world.reviewer2)
    entry = world.entry3
    resp = client.post(f"/review/entries/{entry.id}/return", data={"version": entry.version, "reason": ""})
    items = summary_items(resp, 400)
    page = Page(resp.get_data(as_text=True))
    (target,) = [e for e in page.elements if e.get("id") == items[0][1]]
    assert target.get("name") == "reason" and target.form().get("action").endswith("/return")
    resp = client.post(f"/review/entries/{entry.id}/reject", data={"version": entry.version, "reason": ""})
    ((_text, id_),) = summary_items(resp, 400)
    (target,) = [e for e in Page(resp.get_data(as_text=True)).elements if e.get("id") == id_]
    assert target.form().get("action").endswith("/reject")


def test_certificate_correction_and_revocation(world, login_as):
    w = fc.issued_world(world)
    client = login_as(w.organizer)
    cert = next(c for c in w.certs if c.kind == "student")
    resp = client.post(f"/organizer/certificates/{cert.id}/correct", data={"name": "周梓涵", "reason": ""})
    assert "请填写更正原因" in summary_items(resp, 422)[0][0]
    resp = client.post(f"/organizer/certificates/{cert.id}/revoke", data={"reason": ""})
    ((text, _id),) = summary_items(resp, 422)
    assert text.startswith("撤销原因：")


def test_rubric_editor(world, login_as):
    from tests.web.test_rubrics import _post_data, _url

    client = login_as(world.organizer)
    html = client.get(_url(world.contest)).get_data(as_text=True)
    resp = client.post(_url(world.contest), data=_post_data(html, name="", **{"c-0-name": "", "c-1-max": "abc"}))
    items = summary_items(resp, 400)
    assert linked(items, "name").startswith("评分标准名称：")
    assert linked(items, "c-0-name").startswith("第1项评分指标 ")
    linked(items, "c-1-max")


def test_certificate_check_and_audit_filter(world, login_as, client):
    items = summary_items(client.post("/verify", data={"number": "", "name": ""}), 200)
    assert {target for _t, target in items} == {"number", "name"}
    client = login_as(world.organizer)
    items = summary_items(client.get("/organizer/audit?date_from=2026-13-01"), 200)
    linked(items, "date_from")


def test_a_page_without_errors_has_no_summary(world, login_as):
    client = login_as(world.organizer)
    for url in ("/organizer/accounts/new", f"/organizer/contests/{world.contest.id}/edit", "/organizer/audit"):
        html = client.get(url).get_data(as_text=True)
        assert "data-error-summary" not in html, url


@pytest.mark.parametrize("template", ["auth/login.html", "organizer/setup/contest_edit.html"])
def test_the_summary_script_is_loaded_by_the_base_template(app, template):
    source = app.jinja_env.loader.get_source(app.jinja_env, template)[0]
    assert '{% extends "base.html" %}' in source
    base = app.jinja_env.loader.get_source(app.jinja_env, "base.html")[0]
    assert "filename='app.js'" in base


def test_import_confirmation(client, login_as, db):
    from tests.factories import accounts as fa
    from tests.web.test_organizer_accounts import token_of, upload

    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    contest = fa.contest_2023()
    login_as(boss)
    token = token_of(
        upload(client, "entries", "申报.xlsx", fa.sample("entries_libreoffice.xlsx"), contest_id=contest.id)
    )
    items = summary_items(client.post(f"/organizer/imports/{token}", data={"entry_state": "final"}), 200)
    assert linked(items, "entry_state").startswith("导入项目的状态：")
