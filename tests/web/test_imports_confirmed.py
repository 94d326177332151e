"""Back after confirming an import: the preview's URL says the import was confirmed, never 404."""

import io
import re

import pytest
from sqlalchemy import func, select

from competition.models import Entry, School, User
from tests.factories import accounts as fa


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, kind, name, data, **extra):
    resp = client.post(
        "/organizer/imports",
        data={"kind": kind, "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return resp.headers["Location"].split("?")[0]


def text_of(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def confirm(client, url, **data):
    resp = client.post(url, data=data)
    if resp.status_code == 302:  # post/redirect/get
        resp = client.get(resp.headers["Location"])
    assert resp.status_code == 200
    return resp


@pytest.fixture()
def boss(db, login_as):
    fa.huaibei()
    boss = fa.organizer()
    db.session.commit()
    login_as(boss)
    return boss


@pytest.mark.parametrize(
    "kind,sample,model,n,listing",
    [
        ("schools", "schools_gbk.csv", School, 20, "/organizer/accounts/schools"),
        ("teachers", "teachers_libreoffice.xlsx", User, 40, "/organizer/accounts?role=teacher"),
        ("judges", "judges_libreoffice.xlsx", User, 25, "/organizer/accounts?role=judge"),
        ("entries", "entries_libreoffice.xlsx", Entry, 30, "/organizer/contests/{contest}"),
    ],
)
def test_back_after_confirming_says_the_import_was_confirmed(client, db, boss, kind, sample, model, n, listing):
    extra = {}
    if kind in ("teachers", "entries"):
        fa.load_schools(boss)
    if kind == "entries":
        imports_teachers(boss)
        extra["contest_id"] = fa.contest_2023().id
        listing = listing.format(contest=extra["contest_id"])
    db.session.commit()
    url = upload(client, kind, sample, fa.sample(sample), **extra)
    assert client.get(url).status_code == 200
    before = count(db, model)
    done = confirm(client, url, entry_state="submitted")
    assert count(db, model) == before + n
    assert f"新建 {n} 条" in text_of(done)
    # The browser's Back button asks for the preview again.
    back = client.get(url)
    assert back.status_code == 200
    page = text_of(back)
    assert "此导入已经确认" in page and f"新建 {n} 条" in page, page[:3000]
    assert "没有再次导入" in page
    html = back.get_data(as_text=True)
    links = dict(re.findall(r'<a [^>]*id="(import-[a-z-]+-link)"[^>]*href="([^"]+)"', html))
    assert links == {"import-list-link": listing, "import-new-link": "/organizer/imports"}, links
    # Pressing “confirm” once more (a resubmitted form, a double click) imports nothing twice.
    again = confirm(client, url, entry_state="submitted")
    assert "此导入已经确认" in text_of(again)
    assert count(db, model) == before + n


def imports_teachers(boss):
    from competition.services import imports

    imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "t.xlsx", actor=boss)


def test_back_after_downloading_the_passwords_still_answers(client, db, boss):
    fa.load_schools(boss)
    db.session.commit()
    url = upload(client, "judges", "评委.xlsx", fa.sample("judges_libreoffice.xlsx"))
    done = confirm(client, url)
    assert "passwords.xlsx" in done.get_data(as_text=True)
    assert client.get(url + "/passwords.xlsx").status_code == 200
    back = client.get(url)
    assert back.status_code == 200
    page = text_of(back)
    assert "此导入已经确认" in page and "新建 25 条" in page
    assert "passwords.xlsx" not in back.get_data(as_text=True)  # handed out once only
    assert "初始密码表已经下载" in page


def test_back_after_cancelling_says_it_was_cancelled(client, db, boss):
    url = upload(client, "judges", "评委.xlsx", fa.sample("judges_libreoffice.xlsx"))
    resp = client.post(url + "/cancel")
    assert resp.status_code == 302
    back = client.get(url)
    assert back.status_code == 200
    assert "此导入已经取消" in text_of(back)
    assert client.post(url, data={}).status_code == 200
    assert count(db, User) == 1
