"""Pages read by a screen reader and by the browser's form handling: element ids are unique, every
<label for=...> names the field it describes, and options of one select have distinct names."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.factories import certificates as fc
from tests.web.html_check import Page


@pytest.fixture(autouse=True)
def csrf_on(app, monkeypatch):
    # The test app switches CSRF off; in production every form carries its token field.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def page_of(client, url: str, status: int = 200) -> Page:
    resp = client.get(url)
    assert resp.status_code == status, url
    return Page(resp.get_data(as_text=True))


def assert_sound(page: Page, where: str) -> None:
    assert not page.duplicate_ids(), f"{where}: duplicate ids {page.duplicate_ids()}"
    assert not page.label_problems(), f"{where}: " + "; ".join(page.label_problems())


def field_in(page: Page, form_action_end: str, name: str):
    form = next(e for e in page.find_all("form") if (e.get("action") or "").endswith(form_action_end))
    return next(e for e in form.descendants() if e.get("name") == name)


def test_the_review_page_has_one_id_per_field_and_labels_that_name_them(world, login_as):
    client = login_as(world.reviewer2)
    page = page_of(client, f"/review/entries/{world.entry3.id}")
    assert_sound(page, "review page")
    base = f"/review/entries/{world.entry3.id}"
    reject, ret = field_in(page, f"{base}/reject", "reason"), field_in(page, f"{base}/return", "reason")
    assert reject.tag == ret.tag == "textarea" and reject.get("id") != ret.get("id")
    assert page.label_of(reject) == "不予通过的原因"
    assert page.label_of(ret) == "学校需要修改什么？"
    assert page.label_of(field_in(page, f"{base}/return", "resubmit_by")).startswith("重新提交截止")
    # The names the server reads are unchanged.
    for action in ("accept", "return", "reject"):
        assert field_in(page, f"{base}/{action}", "version").get("value") == str(world.entry3.version)
        assert field_in(page, f"{base}/{action}", "csrf_token") is not None


def test_the_review_page_of_an_accepted_entry_for_the_organizer(world, login_as):
    entry = f.make_entry(world.contest, world.s1, state="accepted", number="CX-XS-001")
    f.db.session.commit()
    page = page_of(login_as(world.organizer), f"/review/entries/{entry.id}")
    assert_sound(page, "take back form")
    assert page.label_of(field_in(page, f"/review/entries/{entry.id}/return", "reason")) == "学校需要修改什么？"


def test_the_certificate_pages_have_unique_ids_and_distinct_kind_names(world, login_as):
    w = fc.issued_world(world)
    client = login_as(w.organizer)
    cert = next(c for c in w.certs if c.kind == "student")
    page = page_of(client, f"/organizer/certificates/{cert.id}")
    assert_sound(page, "certificate detail")
    correct, revoke = f"/certificates/{cert.id}/correct", f"/certificates/{cert.id}/revoke"
    assert page.label_of(field_in(page, correct, "reason")) == "更正原因"
    assert page.label_of(field_in(page, revoke, "reason")) == "撤销原因"
    assert page.label_of(field_in(page, correct, "name")) == "证书上的姓名"
    listing = page_of(client, f"/organizer/contests/{w.contest.id}/certificates")
    assert not listing.duplicate_ids(), listing.duplicate_ids()
    kind = next(s for s in listing.find_all("select") if s.get("name") == "kind")
    names = [o.all_text().strip() for o in kind.descendants() if o.tag == "option"]
    assert len(names) == len(set(names)), names
    assert not [n for n in names if n == "集体"], names


def test_the_account_pages_label_every_field(world, login_as):
    """The 用户名 field of the account edit page had no label."""
    client = login_as(world.organizer)
    page = page_of(client, f"/organizer/accounts/{world.teacher1.id}")
    assert_sound(page, "account edit page")
    shown = next(e for e in page.find_all("input") if e.get("value") == "teacher1")
    assert page.label_of(shown) == "用户名" and "disabled" in shown.attrs
    page = page_of(client, "/organizer/accounts/new")
    assert_sound(page, "new account page")
    assert page.label_of(page.find_all("input", name="username")[0]) == "用户名"


def test_the_error_summary_takes_the_focus_and_links_every_item_to_its_field(world, login_as):
    """The summary of a refused entry form got no focus, and its items led nowhere."""
    from tests.factories.teacher import form_data

    client = login_as(world.teacher1)
    form = Page(client.get(f"/teacher/entries/{world.entry1.id}/edit").get_data(as_text=True))
    token = field_in(form, f"/teacher/entries/{world.entry1.id}/edit", "csrf_token").get("value")
    data = form_data(
        world.entry1,
        title="",
        contact_phone="12345",
        completed_on="2099-13-01",
        csrf_token=token,
        **{"advisers-0-phone": "abc-phone", "students-0-name": "王芳"},
    )
    resp = client.post(f"/teacher/entries/{world.entry1.id}/edit", data=data)
    assert resp.status_code == 400
    page = Page(resp.get_data(as_text=True))
    assert_sound(page, "refused entry form")
    (summary,) = [e for e in page.elements if "data-error-summary" in e.attrs]
    assert summary.get("tabindex") == "-1" and summary.get("id") == "form-errors"
    items = [e for e in summary.descendants() if e.tag == "li"]
    assert len(items) >= 4
    targets = {}
    for li in items:
        (link,) = [e for e in li.descendants() if e.tag == "a"]
        assert link.get("href", "").startswith("#"), li.all_text()
        target = page.by_id(link.get("href")[1:])
        assert target is not None, f"{li.all_text()!r} links to {link.get('href')}, which is not on the page"
        targets[" ".join(link.all_text().split())] = target
    title = next(t for text, t in targets.items() if "请填写项目名称" in text)
    assert title.tag == "input" and title.get("name") == "title"
    # A problem the rules find in a list of people links to that part of the form (its first field
    # takes the focus); the rules name the row by number, not the field.
    advisers = next(t for text, t in targets.items() if "指导教师 1" in text)
    assert advisers.get("id") == "advisers" and any(e.get("name") == "advisers-0-phone" for e in advisers.descendants())
    assert next(t for text, t in targets.items() if "12345" in text).get("name") == "contact_phone"
    # The script that moves the focus there is the shared one, loaded on every page.
    scripts = [e.get("src") for e in page.find_all("script")]
    assert "/static/app.js" in scripts
    js = client.get("/static/app.js").get_data(as_text=True)
    assert "[data-error-summary]" in js and ".focus()" in js
