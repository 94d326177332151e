"""Rows for tests, made through the real models (and the real contest loader)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from competition.extensions import db
from competition.models import Adviser, District, Entry, School, Student, User, utcnow
from competition.services import accounts as account_service  # `accounts` is tests.factories.accounts
from competition.services.contests import load_definition_text, save_definition

CONTESTS = Path(__file__).resolve().parent.parent.parent / "competition" / "contests"
# Office-made files (tests/samples/README.md): the only place tests read samples from.
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PASSWORD = "Passw0rd!"
_seq = itertools.count(1)


def make_district(name: str | None = None) -> District:
    district = District(name=name or f"区{next(_seq)}")
    db.session.add(district)
    db.session.flush()
    return district


def make_school(district: District, name: str | None = None) -> School:
    school = School(district_id=district.id, name=name or f"淮北市第{next(_seq)}中学")
    db.session.add(school)
    db.session.flush()
    return school


# Argon2 is slow on purpose; tests share one hash of PASSWORD.
_HASH: list[str] = []


def make_user(
    *roles: str,
    school: School | None = None,
    district: District | None = None,
    username: str | None = None,
    name: str | None = None,
    **fields,
) -> User:
    if not _HASH:
        _HASH.append(account_service.hash_password(PASSWORD))
    user = User(
        username=username or f"user{next(_seq)}",
        password_hash=_HASH[0],
        name=name or f"用户{next(_seq)}",
        school_id=school.id if school else None,
        district_id=district.id if district else None,
        session_token=account_service.new_session_token(),
        **fields,
    )
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


def make_contest(
    definition: str = "innovation",
    *,
    state: str = "open",
    code: str | None = None,
    closes_in: timedelta = timedelta(days=10),
    **fields,
):
    """A shipped contest definition, open now (opened a day ago, closing after `closes_in`)."""
    text = (CONTESTS / f"{definition}.yaml").read_text(encoding="utf-8")
    defn = load_definition_text(text)
    if code:
        defn.code = code
    contest = save_definition(defn)
    now = utcnow()
    contest.state = state
    contest.submission_opens_at = now - timedelta(days=1)
    contest.submission_closes_at = now + closes_in
    for key, value in fields.items():
        setattr(contest, key, value)
    db.session.flush()
    return contest


def section(contest, code: str):
    return next(s for s in contest.sections if s.code == code)


def make_entry(
    contest,
    school: School,
    *,
    section_code: str = "XS",
    teacher: User | None = None,
    title: str | None = None,
    state: str = "draft",
    stage: str = "初中",
    subject: str | None = "物理与天文学",
    students: list[dict] | None = None,
    advisers: list[dict] | None = None,
    number: str | None = None,
    **fields,
) -> Entry:
    sec = section(contest, section_code)
    if students is None:
        students = (
            []
            if sec.kind == "counselor"
            else [{"name": f"学生{next(_seq)}", "gender": "男", "grade": "八年级", "school_name": school.name}]
        )
    entry = Entry(
        contest_id=contest.id,
        section_id=sec.id,
        school_id=school.id,
        created_by_id=teacher.id if teacher else None,
        title=title or f"项目{next(_seq)}",
        abstract="研究摘要",
        stage=stage,
        subject=subject,
        is_team=len(students) > 1,
        state=state,
        number=number,
        data_confirmed=True,
        **fields,
    )
    if state != "draft":
        entry.submitted_at = utcnow()
    for i, s in enumerate(students):
        entry.students.append(Student(position=i, stage=stage, **s))
    for i, a in enumerate(advisers or []):
        entry.advisers.append(Adviser(position=i, **a))
    db.session.add(entry)
    db.session.flush()
    return entry


def build_world() -> SimpleNamespace:
    """Two districts, three schools, one account per role and scope, the innovation contest open."""
    w = SimpleNamespace()
    w.d1 = make_district("相山区")
    w.d2 = make_district("濉溪县")
    w.s1 = make_school(w.d1, "淮北市第一中学")
    w.s2 = make_school(w.d1, "淮北市第二中学")
    w.s3 = make_school(w.d2, "濉溪县第一中学")
    w.teacher1 = make_user("teacher", school=w.s1, username="teacher1", name="张老师")
    w.teacher2 = make_user("teacher", school=w.s2, username="teacher2", name="李老师")
    w.teacher3 = make_user("teacher", school=w.s3, username="teacher3", name="王老师")
    w.reviewer1 = make_user("reviewer", district=w.d1, username="reviewer1", name="相山审查员")
    w.reviewer2 = make_user("reviewer", district=w.d2, username="reviewer2", name="濉溪审查员")
    w.judge1 = make_user("judge", school=w.s3, username="judge1", name="赵评委", subjects="物理与天文学")
    w.judge2 = make_user("judge", username="judge2", name="钱评委", affiliation="淮北师范大学")
    w.organizer = make_user("organizer", username="organizer", name="孙组织")
    w.contest = make_contest("innovation")
    w.entry1 = make_entry(w.contest, w.s1, teacher=w.teacher1, title="校园雨水回收装置")
    w.entry3 = make_entry(w.contest, w.s3, teacher=w.teacher3, title="濉溪土壤调查", state="submitted")
    db.session.commit()
    return w
