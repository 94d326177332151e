"""Account forms report every problem at once, a mobile number belongs to one account, and
deactivating asks first; the account page links to its audit trail."""

from sqlalchemy import func, select

from competition.models import User
from tests.factories import SAMPLES


def _count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_new_account_lists_every_problem_at_once_and_keeps_the_input(client, login_as, world, db):
    login_as(world.organizer)
    before = _count(db)
    resp = client.post(
        "/organizer/accounts/new",
        data={
            "username": "teacher1",
            "name": "王\u3000伟",
            "roles": ["teacher"],
            "school_id": 0,
            "district_id": 0,
            "phone": "12345",
            "email": "not-an-email",
            "password": "123",
        },
    )
    html = resp.get_data(as_text=True)
    assert "已被使用" in html  # the username
    assert "12345 不是有效的手机号码或固定电话" in html
    assert "not-an-email 不是有效的电子邮箱" in html
    assert "教师账号必须选择所属学校" in html
    assert "密码至少需要" in html
    assert 'value="王\u3000伟"' in html and 'value="not-an-email"' in html
    assert _count(db) == before


def test_a_mobile_number_belongs_to_one_account(client, login_as, world, db):
    login_as(world.organizer)
    world.teacher1.phone = "13905610001"
    db.session.commit()
    resp = client.post(
        "/organizer/accounts/new",
        data={
            "username": "t2",
            "name": "新老师",
            "roles": ["teacher"],
            "school_id": world.s2.id,
            "district_id": 0,
            "phone": "139 0561 0001",
        },
    )
    html = resp.get_data(as_text=True)
    assert "手机号 13905610001 已属于账号 teacher1" in html
    assert db.session.scalar(select(User).where(User.username == "t2")) is None
    # Saving the account that has the number is fine; a shared landline is fine too.
    resp = client.post(
        f"/organizer/accounts/{world.teacher1.id}",
        data={
            "name": world.teacher1.name,
            "roles": ["teacher"],
            "school_id": world.teacher1.school_id,
            "district_id": 0,
            "phone": "13905610001",
        },
    )
    assert resp.status_code == 302
    world.teacher2.phone = "0561-3021188"
    db.session.commit()
    resp = client.post(
        "/organizer/accounts/new",
        data={
            "username": "t3",
            "name": "另一位老师",
            "roles": ["teacher"],
            "school_id": world.s2.id,
            "district_id": 0,
            "phone": "0561-3021188",
            "password": "Start2026!",
        },
    )
    assert resp.status_code == 302


def test_own_organizer_role_and_other_problems_together(client, login_as, world, db):
    login_as(world.organizer)
    resp = client.post(
        f"/organizer/accounts/{world.organizer.id}",
        data={"name": "赵杰", "roles": ["judge"], "school_id": 0, "district_id": 0, "phone": "999"},
    )
    html = resp.get_data(as_text=True)
    assert "不能取消自己的组织者角色" in html
    assert "999 不是有效的手机号码或固定电话" in html
    assert db.session.get(User, world.organizer.id).has_role("organizer")


def test_deactivate_asks_first_and_account_links_to_its_audit_trail(client, login_as, world):
    login_as(world.organizer)
    html = client.get(f"/organizer/accounts/{world.teacher1.id}").get_data(as_text=True)
    form = html.split(f'/organizer/accounts/{world.teacher1.id}/active"')[1].split(">")[0]
    assert "data-confirm=" in form and "确定停用" in form
    assert f"/organizer/audit?object_type=user&amp;object_id={world.teacher1.id}" in html
    assert "/organizer/audit?actor=teacher1" in html


def _sample(name):
    return (SAMPLES / name).read_bytes()


def test_a_sheet_uploaded_under_the_wrong_kind_says_which_kind_it_looks_like(client, login_as, world, db):
    import io

    login_as(world.organizer)
    before = _count(db)

    def upload(kind, name):
        return client.post(
            "/organizer/imports",
            data={"kind": kind, "file": (io.BytesIO(_sample(name)), name)},
            content_type="multipart/form-data",
        )

    # Missing a required column: the error says what the sheet looks like.
    html = upload("teachers", "schools_gbk.csv").get_data(as_text=True)
    assert "缺少必需的列" in html and "看起来是“学校”名单" in html
    html = upload("schools", "judges_libreoffice.xlsx").get_data(as_text=True)
    assert "看起来是“评委”名单" in html
    # Readable under the chosen kind, but a better fit elsewhere: the preview warns.
    resp = upload("judges", "teachers_libreoffice.xlsx")
    assert resp.status_code == 302 and "looks_like=teachers" in resp.headers["Location"]
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="import-kind-hint"' in html and "您选择的导入类型是“评委”" in html
    # The right kind: no hint.
    resp = upload("teachers", "teachers_libreoffice.xlsx")
    assert resp.status_code == 302 and "looks_like" not in resp.headers["Location"]
    assert _count(db) == before
