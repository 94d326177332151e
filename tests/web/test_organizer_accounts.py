"""Accounts, schools, districts and imports in the organizer's area."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from competition.models import AuditEvent, District, Entry, School, User
from tests.factories import accounts as fa
from tests.factories import make_user

ROUTES = [
    ("GET", "/organizer/accounts"),
    ("GET", "/organizer/accounts/new"),
    ("POST", "/organizer/accounts/new"),
    ("GET", "/organizer/accounts/{uid}"),
    ("POST", "/organizer/accounts/{uid}"),
    ("POST", "/organizer/accounts/{uid}/active"),
    ("POST", "/organizer/accounts/{uid}/reset-link"),
    ("GET", "/organizer/accounts/schools"),
    ("GET", "/organizer/accounts/schools/new"),
    ("POST", "/organizer/accounts/schools/new"),
    ("GET", "/organizer/accounts/schools/{sid}"),
    ("GET", "/organizer/accounts/districts"),
    ("POST", "/organizer/accounts/districts"),
    ("GET", "/organizer/accounts/districts/{did}"),
    ("GET", "/organizer/imports"),
    ("POST", "/organizer/imports"),
    ("GET", "/organizer/imports/{token}"),
    ("POST", "/organizer/imports/{token}"),
    ("POST", "/organizer/imports/{token}/cancel"),
    ("GET", "/organizer/imports/{token}/passwords.xlsx"),
]


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, kind, name, data, **extra):
    return client.post(
        "/organizer/imports",
        data={"kind": kind, "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def token_of(resp):
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return resp.headers["Location"].rsplit("/", 1)[-1]


@pytest.mark.parametrize("who", ["anonymous", "teacher1", "judge1", "reviewer1"])
def test_only_organizers_reach_accounts_and_imports(app, client, login_as, world, db, who):
    token = fa_stash(app, world.organizer.id)
    if who != "anonymous":
        login_as(getattr(world, who))
    users_before = count(db, User)
    for method, path in ROUTES:
        url = path.format(uid=world.teacher2.id, sid=world.s1.id, did=world.d1.id, token=token)
        resp = client.open(url, method=method, data={"name": "X", "roles": ["organizer"], "active": "0"})
        if who == "anonymous":
            assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
        else:
            assert resp.status_code == 403, (method, url, resp.status_code)
    assert count(db, User) == users_before
    assert db.session.get(User, world.teacher2.id).active


def fa_stash(app, user_id):
    from competition.services import imports

    return imports.stash_upload(
        app.config["EXPORT_FOLDER"],
        user_id=user_id,
        kind="judges",
        filename="judges.xlsx",
        data=fa.sample("judges_libreoffice.xlsx"),
    )


def test_users_list_filters_by_role_district_and_school(client, login_as, world):
    login_as(world.organizer)
    page = client.get("/organizer/accounts").get_data(as_text=True)
    assert "张老师" in page and "赵评委" in page
    page = client.get("/organizer/accounts?role=teacher").get_data(as_text=True)
    assert "张老师" in page and "赵评委" not in page
    page = client.get(f"/organizer/accounts?district={world.d2.id}").get_data(as_text=True)
    assert "王老师" in page and "濉溪审查员" in page and "张老师" not in page
    page = client.get(f"/organizer/accounts?school={world.s2.id}").get_data(as_text=True)
    assert "李老师" in page and "张老师" not in page
    page = client.get("/organizer/accounts?q=teacher3").get_data(as_text=True)
    assert "王老师" in page and "李老师" not in page


def test_create_teacher_with_generated_password_shown_once(client, login_as, world, db):
    login_as(world.organizer)
    resp = client.post(
        "/organizer/accounts/new",
        data={
            "username": "t13900000001",
            "name": "新\u3000老师",
            "roles": ["teacher"],
            "school_id": world.s2.id,
            "district_id": 0,
            "phone": "139 0000 0001",
            "email": "New@Example.com ",
            "must_change": "y",
        },
    )
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "t13900000001"))
    assert user.name == "新老师" and user.phone == "13900000001" and user.email == "new@example.com"
    assert user.school_id == world.s2.id and user.must_change_password and user.has_role("teacher")
    assert "初始密码" in page or "Initial password" in page
    # The password on the page really logs in.
    import re

    password = re.search(r'id="secret-value">([^<]+)<', page).group(1)
    client.post("/logout")
    resp = client.post("/login", data={"username": "t13900000001", "password": password})
    assert resp.status_code == 302 and "/account/password" in resp.headers["Location"]


def test_create_teacher_without_school_is_refused_with_reason(client, login_as, world, db):
    login_as(world.organizer)
    before = count(db, User)
    resp = client.post(
        "/organizer/accounts/new",
        data={"username": "t1", "name": "无校", "roles": ["teacher"], "school_id": 0, "district_id": 0},
    )
    assert "学校" in resp.get_data(as_text=True)
    assert count(db, User) == before


def test_create_judge_with_chosen_password_and_duplicate_username(client, login_as, world, db):
    login_as(world.organizer)
    resp = client.post(
        "/organizer/accounts/new",
        data={
            "username": "judge9",
            "name": "孙评委",
            "roles": ["judge"],
            "school_id": 0,
            "district_id": 0,
            "affiliation": "淮北师范大学",
            "title": "教授",
            "subjects": "数学，化学",
            "password": "Start2026!",
        },
    )
    assert resp.status_code == 302
    judge = db.session.scalar(select(User).where(User.username == "judge9"))
    assert judge.subject_list == ["数学", "化学"] and judge.title == "教授" and not judge.must_change_password
    resp = client.post(
        "/organizer/accounts/new",
        data={"username": "JUDGE9", "name": "重名", "roles": ["judge"], "school_id": 0, "district_id": 0},
    )
    assert "已被" in resp.get_data(as_text=True) or "taken" in resp.get_data(as_text=True)


def test_edit_roles_school_district(client, login_as, world, db):
    login_as(world.organizer)
    resp = client.post(
        f"/organizer/accounts/{world.teacher2.id}",
        data={"name": "李老师", "roles": ["teacher", "reviewer"], "school_id": world.s3.id, "district_id": world.d2.id},
    )
    assert resp.status_code == 302
    user = db.session.get(User, world.teacher2.id)
    assert user.roles == {"teacher", "reviewer"} and user.school_id == world.s3.id and user.district_id == world.d2.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.before["school_id"] == world.s2.id


def test_deactivate_keeps_the_account_and_logs_it_out(app, client, login_as, world, db):
    other = app.test_client()
    other.post("/login", data={"username": "teacher1", "password": "Passw0rd!"})
    assert other.get("/").status_code in (200, 302)
    login_as(world.organizer)
    resp = client.post(f"/organizer/accounts/{world.teacher1.id}/active", data={"active": "0"})
    assert resp.status_code == 302
    user = db.session.get(User, world.teacher1.id)
    assert user is not None and not user.active
    assert "/login" in other.get("/teacher/").headers.get("Location", "/login")
    resp = other.post("/login", data={"username": "teacher1", "password": "Passw0rd!"})
    assert "用户名或密码错误" in resp.get_data(as_text=True)
    page = client.get("/organizer/accounts?active=no").get_data(as_text=True)
    assert "张老师" in page
    # An organizer cannot lock themselves out.
    client.post(f"/organizer/accounts/{world.organizer.id}/active", data={"active": "0"})
    assert db.session.get(User, world.organizer.id).active


def test_schools_and_districts_are_managed(client, login_as, world, db):
    login_as(world.organizer)
    resp = client.post("/organizer/accounts/districts", data={"name": "杜集区", "code": "DJ"})
    assert resp.status_code == 302
    dj = db.session.scalar(select(District).where(District.name == "杜集区"))
    resp = client.post(
        "/organizer/accounts/schools/new",
        data={
            "name": "杜集区实验学校",
            "district_id": dj.id,
            "stage_kind": "九年一贯制",
            "contact_name": "杨帆",
            "contact_phone": "19856102216",
        },
    )
    assert resp.status_code == 302
    school = db.session.scalar(select(School).where(School.name == "杜集区实验学校"))
    assert school.stage_kind == "九年一贯制" and school.district_id == dj.id
    resp = client.post("/organizer/accounts/schools/new", data={"name": "杜集区实验学校 ", "district_id": dj.id})
    assert "已存在" in resp.get_data(as_text=True) or "exists" in resp.get_data(as_text=True)
    resp = client.post(
        f"/organizer/accounts/schools/{school.id}",
        data={"name": "淮北市杜集区实验学校", "district_id": dj.id, "contact_phone": "12"},
    )
    assert resp.status_code == 200 and db.session.get(School, school.id).name == "杜集区实验学校"
    resp = client.post(f"/organizer/accounts/districts/{dj.id}", data={"name": "相山区"})
    assert resp.status_code == 200 and db.session.get(District, dj.id).name == "杜集区"
    assert "杜集区实验学校" in client.get(f"/organizer/accounts/schools?district={dj.id}").get_data(as_text=True)


def test_import_teachers_preview_writes_nothing_and_confirm_writes_all(app, client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    login_as(boss)
    before = count(db, User)
    token = token_of(upload(client, "teachers", "辅导员.xlsx", fa.sample("teachers_libreoffice.xlsx")))
    page = client.get(f"/organizer/imports/{token}").get_data(as_text=True)
    assert "辅导员" in page and "秦勇" in page and "t13805617701" in page
    assert count(db, User) == before
    resp = client.post(f"/organizer/imports/{token}", data={})
    # Post/redirect/get: the upload is dropped once the rows are committed, then the page shows what was done.
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/organizer/imports/{token}?done=1")
    assert count(db, User) == before + 40
    resp = client.get(resp.headers["Location"])
    assert "此导入已经确认" not in resp.get_data(as_text=True)
    assert "passwords.xlsx" in resp.get_data(as_text=True)
    sheet = client.get(f"/organizer/imports/{token}/passwords.xlsx")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(sheet.data)).active
    rows = list(ws.iter_rows(min_row=3, max_row=42, values_only=True))
    assert len({r[0] for r in rows}) == 40 and all(r[1] for r in rows)
    again = client.get(f"/organizer/imports/{token}/passwords.xlsx")
    assert again.status_code == 302  # once only
    # Confirming twice (double click) finds nothing to do: the page says it was confirmed already.
    twice = client.post(f"/organizer/imports/{token}", data={})
    assert twice.status_code == 200 and "此导入已经确认" in twice.get_data(as_text=True)
    assert count(db, User) == before + 40


def test_import_with_bad_rows_lists_them_and_writes_nothing(client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    login_as(boss)  # no schools yet: every teacher row names an unknown school
    token = token_of(upload(client, "teachers", "teachers.xlsx", fa.sample("teachers_libreoffice.xlsx")))
    page = client.get(f"/organizer/imports/{token}").get_data(as_text=True)
    assert "40" in page and "淮北市第一中学" in page
    assert 'id="import-problems"' in page
    for line in (3, 13, 42):
        assert f"<td>{line}</td>" in page
    assert "Import 40 rows now" not in page and "立即导入" not in page
    resp = client.post(f"/organizer/imports/{token}", data={})
    assert count(db, User) == 1
    assert "没有导入" in resp.get_data(as_text=True) or "nothing was imported" in resp.get_data(as_text=True)


def test_import_entries_for_a_contest(client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    contest = fa.contest_2023()
    login_as(boss)
    resp = upload(client, "entries", "申报.xlsx", fa.sample("entries_libreoffice.xlsx"))
    assert resp.status_code == 200 and count(db, Entry) == 0  # no contest chosen
    token = token_of(
        upload(client, "entries", "申报.xlsx", fa.sample("entries_libreoffice.xlsx"), contest_id=contest.id)
    )
    page = client.get(f"/organizer/imports/{token}").get_data(as_text=True)
    assert "申报汇总" in page and "基于图像识别的垃圾分类助手" in page
    assert count(db, Entry) == 0
    resp = client.post(f"/organizer/imports/{token}", data={"entry_state": "submitted"}, follow_redirects=True)
    assert resp.status_code == 200
    states = db.session.scalars(select(Entry.state).where(Entry.contest_id == contest.id)).all()
    assert len(states) == 30 and set(states) == {"submitted"}


@pytest.mark.parametrize(
    "maker,name",
    [
        (fa.pdf_renamed, "teachers.xlsx"),
        (fa.truncated, "teachers.xlsx"),
        (fa.zip_bomb, "teachers.xlsx"),
        (lambda: fa.big_xlsx(50_000), "big.xlsx"),
        (lambda: b"\x00\x01binary", "x.csv"),
    ],
)
def test_broken_uploads_get_a_clear_message(client, login_as, world, db, maker, name):
    login_as(world.organizer)
    before = count(db, User)
    resp = upload(client, "teachers", name, maker())
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "invalid-feedback" in page or "alert-danger" in page
    assert count(db, User) == before
    assert client.get("/organizer/accounts").status_code == 200  # still answering


def test_someone_elses_import_token_is_not_found(app, client, login_as, world, db):
    other = make_user("organizer", username="org2")
    token = fa_stash(app, other.id)
    login_as(world.organizer)
    assert client.get(f"/organizer/imports/{token}").status_code == 404
    assert client.post(f"/organizer/imports/{token}", data={}).status_code == 404
    assert client.get("/organizer/imports/..%2F..%2Fsecret").status_code == 404


def test_the_account_list_sorts_names_by_pinyin_across_pages(client, login_as, world, db, monkeypatch):
    """The list sorted by code point: 张三 before 阿明."""
    from competition.web.organizer.accounts import users as view

    for name in ("张三", "李四", "王五", "阿明"):
        make_user("judge", name=name)
    db.session.commit()
    login_as(world.organizer)
    html = client.get("/organizer/accounts?role=judge&q=").get_data(as_text=True)
    names = ["阿明", "李四", "钱评委", "王五", "张三", "赵评委"]  # a, li, qian, wang, zhang, zhao
    positions = [html.index(f">{n}<") for n in names]
    assert positions == sorted(positions), names
    monkeypatch.setattr(view, "PER_PAGE", 4)
    first = client.get("/organizer/accounts?role=judge").get_data(as_text=True)
    second = client.get("/organizer/accounts?role=judge&page=2").get_data(as_text=True)
    assert all(f">{n}<" in first for n in names[:4]) and not any(f">{n}<" in first for n in names[4:])
    assert all(f">{n}<" in second for n in names[4:]) and not any(f">{n}<" in second for n in names[:4])
