"""Account management use cases."""

import pytest
from flask import current_app
from sqlalchemy import select

from competition.models import AuditEvent
from competition.services import ServiceError, accounts, users
from tests.factories import make_user


def test_generated_passwords_pass_the_policy():
    for _ in range(50):
        password = users.generate_password()
        assert accounts.password_problem(password) is None
        assert not set(password) & set("lIO01")


def test_split_subjects():
    assert users.split_subjects("物理与天文学、工程学") == ["物理与天文学", "工程学"]
    assert users.split_subjects(" 数学，化学 ; 数学/生命科学") == ["数学", "化学", "生命科学"]
    assert users.split_subjects(None) == []


def test_create_account_generates_a_password_and_audits(db, world):
    data = users.AccountData(
        name="王\u3000芳", roles=["judge"], username="j13956123456", phone="13956123456", subjects="生命科学"
    )
    user, generated = users.create_account(data, actor=world.organizer)
    assert generated and user.name == "王芳" and user.must_change_password
    assert (
        accounts.authenticate(
            "j13956123456", generated, address="127.0.0.1", throttle=accounts.Throttle.from_config(current_app.config)
        )
        is user
    )
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create")).actor_id == world.organizer.id
    )


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"name": " "}, "name"),
        ({"roles": []}, "roles"),
        ({"roles": ["teacher"]}, "school_id"),
        ({"phone": "12345"}, "phone"),
        ({"email": "nope"}, "email"),
        ({"username": "有空 格"}, "username"),
    ],
)
def test_bad_account_data_is_refused(db, world, changes, field):
    values = {"name": "某人", "roles": ["judge"], "username": "someone"}
    values.update(changes)
    with pytest.raises(ServiceError) as exc:
        users.create_account(users.AccountData(**values), actor=world.organizer)
    assert exc.value.field == field


def test_weak_chosen_password_is_refused(db, world):
    with pytest.raises(ServiceError) as exc:
        users.create_account(
            users.AccountData(name="某人", roles=["judge"], username="x1"), actor=world.organizer, password="abcdefgh"
        )
    assert exc.value.field == "password"


def test_filters(db, world):
    def names(**kw):
        return {u.name for u in db.session.scalars(users.users_query(users.UserFilters(**kw)))}

    assert names(role="reviewer") == {"相山审查员", "濉溪审查员"}
    assert "王老师" in names(district_id=world.d2.id) and "赵评委" in names(district_id=world.d2.id)
    assert names(school_id=world.s1.id) == {"张老师"}
    users.set_active(world.teacher1, False, actor=world.organizer)
    assert "张老师" not in names() and names(active="no") == {"张老师"}
    assert users.count_users(users.UserFilters(active="all")) == 8


def test_deactivate_rotates_the_session_token(db, world):
    before = world.teacher1.session_token
    users.set_active(world.teacher1, False, actor=world.organizer)
    assert world.teacher1.session_token != before and not world.teacher1.active
    with pytest.raises(ServiceError):
        users.set_active(world.organizer, False, actor=world.organizer)


def test_school_names_are_unique_by_normalised_key(db, world):
    with pytest.raises(ServiceError):
        users.save_school(None, name="淮北市第一中学 ", district_id=world.d1.id, actor=world.organizer)
    school = users.save_school(
        None,
        name="淮北市第三中学",
        district_id=world.d1.id,
        stage_kind="初中",
        contact_phone="0561 3021199",
        actor=world.organizer,
    )
    assert school.contact_phone == "0561-3021199"


def test_reset_link_lifecycle(db, world):
    token = users.create_reset_link(world.teacher2, actor=world.organizer)
    assert users.valid_reset(token).user is world.teacher2
    make_user("teacher", school=world.s2)
    user = users.use_reset(token, "Brand2026new")
    assert user is world.teacher2 and not user.must_change_password
    assert users.valid_reset(token) is None
    with pytest.raises(ServiceError):
        users.use_reset(token, "Brand2026new")
