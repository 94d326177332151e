"""A stale CSRF token on the teacher's entry form (the teacher logged out and in again in another
tab while typing) used to answer the bare 400 error page: everything typed was lost. The form now
comes back with what was typed, a fresh token and a request, in Chinese, to save again."""

from __future__ import annotations

import re

import pytest

from competition.extensions import db
from competition.models import Entry
from tests.factories.teacher import form_data

EXPIRED = "页面打开后登录状态有变"


@pytest.fixture()
def csrf_on(app, monkeypatch):
    # The test app switches CSRF off for every other test; here it is the subject.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def token_of(page: str) -> str:
    form = page[page.index('id="entry-form"') :]
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*>', form)
    return re.search(r'value="([^"]+)"', match.group(0)).group(1)


def typed(entry=None) -> dict:
    return form_data(
        entry,
        title="被保住的标题",
        abstract="辛苦写了一个小时的摘要",
        **{"students-0-name": "欧阳娜娜", "advisers-0-phone": "13912345678"},
    )


def test_a_stale_token_keeps_what_was_typed_and_asks_to_save_again(client, world, login_as, csrf_on):
    login_as(world.teacher1)
    url = f"/teacher/entries/{world.entry1.id}/edit"
    assert client.get(url).status_code == 200
    resp = client.post(url, data={**typed(world.entry1), "csrf_token": "stale-token-of-an-old-session"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert EXPIRED in page and "再点一次“保存草稿”" in page
    for value in ("被保住的标题", "辛苦写了一个小时的摘要", "欧阳娜娜", "13912345678"):
        assert value in page, value
    assert "CSRF" not in page and "请求无法处理" not in page
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.title == "校园雨水回收装置" and entry.abstract == "研究摘要"  # nothing saved, nothing lost
    # The page came back with the session's token: saving again works.
    resp = client.post(url, data={**typed(world.entry1), "csrf_token": token_of(page)})
    assert resp.status_code == 302
    assert db.session.get(Entry, world.entry1.id).title == "被保住的标题"


def test_a_stale_token_on_a_new_entry_saves_nothing_and_keeps_the_input(client, world, login_as, csrf_on):
    login_as(world.teacher1)
    section = next(s for s in world.contest.sections if s.code == "XS")
    url = f"/teacher/entries/new?contest={world.contest.id}"
    before = db.session.query(Entry).count()
    data = {**typed(), "section": str(section.id)}
    resp = client.post(url, data=data)  # no token at all
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert EXPIRED in page and "被保住的标题" in page and "欧阳娜娜" in page
    assert db.session.query(Entry).count() == before
    assert client.post(url, data={**data, "csrf_token": token_of(page)}).status_code == 302
    assert db.session.query(Entry).count() == before + 1


def test_other_teacher_posts_still_need_the_token(client, world, login_as, csrf_on):
    """Only the entry form answers with the form again; the CSRF check itself stays everywhere."""
    login_as(world.teacher1)
    resp = client.post(f"/teacher/entries/{world.entry1.id}/delete")
    assert resp.status_code == 400
    assert db.session.get(Entry, world.entry1.id).state == "draft"
