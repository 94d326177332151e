"""The national eligibility rules through the database: a team from one 区县, one entry per student
per edition across sections, the team fixed once submitted (a returned one with the reviewer's
leave), the work window, one counselor project per teacher, subject lists per edition."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from competition.domain.eligibility import EntryData, PersonData
from competition.extensions import db
from competition.i18n.messages import translate
from competition.i18n.timeutil import utc_to_local
from competition.models import AuditEvent, utcnow
from competition.services import ServiceError, review, submissions
from competition.services.contests import load_definition_text, save_definition
from tests import factories as f
from tests.factories.teacher import complete, ready_entry


def texts(entry, field="students", **kw):
    return [translate(p) for p in submissions.problems(entry, **kw) if p.field == field]


def student(name, school, grade="八年级"):
    return {"name": name, "gender": "男", "grade": grade, "school_name": school.name}


# ------------------------------------------------------------------ 1. a team from one 区县


def test_a_team_from_two_districts_is_refused_at_submit_naming_them(world):
    # s1 and s2 are schools of 相山区, s3 of 濉溪县.
    same = f.make_entry(
        world.contest, world.s1, teacher=world.teacher1, students=[student("王芳", world.s1), student("李明", world.s2)]
    )
    complete(same)
    assert texts(same) == []
    mixed = f.make_entry(
        world.contest,
        world.s1,
        teacher=world.teacher1,
        students=[student("赵磊", world.s1), student("钱进", world.s2), student("孙悦", world.s3)],
    )
    ready_entry(mixed)
    with pytest.raises(submissions.EntryProblems) as err:
        submissions.submit(mixed, actor=world.teacher1)
    assert ("students", "集体项目的成员须来自同一市/区县；本项目的成员来自相山区（赵磊、钱进）；濉溪县（孙悦）。") in (
        err.value.errors
    )
    assert mixed.state == "draft"
    # The contest turns the rule off: the team may be submitted.
    world.contest.settings = {**world.contest.settings, "team_same_district": False}
    db.session.flush()
    submissions.submit(mixed, actor=world.teacher1)
    assert mixed.state == "submitted"


# ------------------------------------------------------------------ 2. one entry per student per edition


def test_a_student_of_an_entry_in_another_section_is_refused_naming_its_number(world):
    contest = f.make_contest("invention", code="HB2026-FM-T")
    # 王芳 of 八年级 is the author of an accepted 发明 (FM) entry numbered FM2026-FM-004 ...
    f.make_entry(
        contest,
        world.s1,
        section_code="FM",
        subject="机械",
        state="accepted",
        number="FM2026-FM-004",
        title="自动浇花器",
        students=[student("王芳", world.s1)],
    )
    # ... so a 创意 (CY) team with her (the name typed with a full-width space) is refused.
    team = f.make_entry(
        contest,
        world.s1,
        section_code="CY",
        subject="机械",
        teacher=world.teacher1,
        students=[student("王\u3000芳", world.s1), student("李明", world.s1)],
    )
    assert texts(team) == [
        "王\u3000芳（淮北市第一中学，八年级）已是项目 FM2026-FM-004“自动浇花器”的作者；"
        "每名学生每届大赛只能参加一个项目。"
    ]
    # Another 王芳 of 九年级 is another student; the edition of another contest is no obstacle.
    team.students[0].grade = "九年级"
    team.students[1].grade = "九年级"
    db.session.flush()
    assert texts(team) == []
    other_year = f.make_entry(world.contest, world.s1, students=[student("王芳", world.s1)])
    complete(other_year)  # the 申报书 fields this section requires
    assert texts(other_year) == []


# ------------------------------------------------------------------ 3. the team fixed once submitted


def _future_local(days=7):
    return utc_to_local(utcnow() + timedelta(days=days)).replace(tzinfo=None, second=0, microsecond=0)


def _input(entry, students):
    return EntryData(
        title=entry.title,
        abstract=entry.abstract,
        stage=entry.stage,
        subject=entry.subject,
        is_team=len(students) > 1,
        completed_on=entry.completed_on,
        contact_phone=entry.contact_phone,
        data_confirmed=True,
        students=tuple(PersonData(name=n, gender="男", grade="八年级", school_name="淮北市第一中学") for n in students),
    )


def _save(world, entry, students):
    return submissions.save_draft(
        entry, _input(entry, students), section_id=entry.section_id, school=world.s1, actor=world.teacher1
    )


def test_a_returned_entry_changes_its_team_only_with_the_reviewer_s_leave(world):
    entry = f.make_entry(
        world.contest, world.s1, teacher=world.teacher1, students=[student("王芳", world.s1), student("李明", world.s1)]
    )
    ready_entry(entry)
    submissions.submit(entry, actor=world.teacher1)
    review.return_entry(entry.id, actor=world.reviewer1, reason="申报书缺少签字", resubmit_by_local=_future_local())
    # Returned without leave: 赵磊 may not replace 李明; a corrected grade of 李明 is no change of member.
    with pytest.raises(submissions.EntryProblems) as err:
        _save(world, entry, ["王芳", "赵磊"])
    assert err.value.errors == [
        ("students", "项目提交后成员不得更换（新增：赵磊；移除：李明）；审查员退回时未允许更换成员。")
    ]
    assert [s.name for s in entry.students] == ["王芳", "李明"]
    _save(world, entry, ["李明", "王芳"])  # the order may change (第一作者)
    assert [s.name for s in entry.students] == ["李明", "王芳"]
    complete(entry)  # the 申报书 fields, which this test's input does not carry
    # Resubmitted and returned again, this time with leave (kept in the return's audit record).
    submissions.submit(entry, actor=world.teacher1)
    review.return_entry(
        entry.id,
        actor=world.reviewer1,
        reason="李明已转学，可更换成员",
        resubmit_by_local=_future_local(),
        allow_team_change=True,
    )
    last = db.session.query(AuditEvent).filter_by(action="entry.return").order_by(AuditEvent.id.desc()).first()
    assert last.after["allow_team_change"] is True
    _save(world, entry, ["王芳", "赵磊"])
    assert [s.name for s in entry.students] == ["王芳", "赵磊"]


def test_a_draft_changes_its_team_freely_and_the_rule_is_a_setting(world):
    entry = f.make_entry(world.contest, world.s1, teacher=world.teacher1, students=[student("王芳", world.s1)])
    _save(world, entry, ["王芳", "赵磊"])
    assert len(entry.students) == 2
    entry.state = "returned"
    entry.resubmit_by = utcnow() + timedelta(days=2)
    db.session.flush()
    with pytest.raises(submissions.EntryProblems):
        _save(world, entry, ["王芳"])
    world.contest.settings = {**world.contest.settings, "team_fixed_once_submitted": False}
    db.session.flush()
    _save(world, entry, ["王芳"])
    assert [s.name for s in entry.students] == ["王芳"]


# ------------------------------------------------------------------ 4. the work window


def test_the_work_window_ends_on_the_submission_day(world):
    # The contest (its final) is of 2026: finished on or after 2024-07-01, not after the day submitted.
    entry = world.entry1
    complete(entry)
    entry.completed_on = date(2024, 7, 1)
    assert texts(entry, "completed_on", today=date(2026, 3, 20)) == []
    entry.completed_on = date(2024, 6, 30)
    assert texts(entry, "completed_on", today=date(2026, 3, 20)) == [
        "作品须在 2024-07-01 至 2026-03-20 之间完成（2026 年7月1日前 2 年内，且不晚于提交之日）。"
    ]


# ------------------------------------------------------------------ 5. one counselor project per teacher


def test_a_second_counselor_project_names_the_first_one_s_number(world):
    f.make_entry(
        world.contest,
        world.s1,
        section_code="FD",
        teacher=world.teacher1,
        subject="科教制作类-物理",
        state="accepted",
        number="CX2026-FD-003",
        title="简易光学演示仪",
    )
    second = f.make_entry(world.contest, world.s1, section_code="FD", teacher=world.teacher1, subject="科教方案类")
    complete(second)
    assert texts(second, "section") == [
        "每位教师每届大赛限报一项科技辅导员项目，您已申报 CX2026-FD-003“简易光学演示仪”。"
    ]
    # Another teacher of the same school may enter one.
    theirs = f.make_entry(world.contest, world.s1, section_code="FD", teacher=world.teacher2, subject="科教方案类")
    complete(theirs)
    assert texts(theirs, "section") == []


# ------------------------------------------------------------------ 6. subject lists per edition


def test_a_2022_contest_keeps_its_2022_subject_names(world):
    text = (f.CONTESTS / "innovation.yaml").read_text(encoding="utf-8")
    old = save_definition(load_definition_text(text.replace("year: 2026", "year: 2022").replace("HB2026", "HB2022")))
    primary_2022 = f.section(old, "XS").subjects["小学"]
    primary_2026 = f.section(world.contest, "XS").subjects["小学"]
    assert primary_2022 == ["物质科学", "生命科学", "地球与空间科学", "技术与设计", "行为与社会科学"]
    assert primary_2026 == ["物质科学", "生命科学", "地球环境与宇宙科学", "技术", "行为与社会科学"]
    data = EntryData(title="月相观察", stage="小学", subject="地球环境与宇宙科学")
    assert submissions.draft_problems(data, f.section(world.contest, "XS")) == []
    [problem] = submissions.draft_problems(data, f.section(old, "XS"))
    assert problem.field == "subject"


def test_accepting_checks_the_student_s_place_again(world):
    # Two schools submitted 王芳 (s1, 八年级) at one moment, so neither submit saw the other.
    first = f.make_entry(
        world.contest, world.s1, state="submitted", title="雨水回收", students=[student("王芳", world.s1)]
    )
    second = f.make_entry(
        world.contest, world.s2, state="submitted", title="噪声地图", students=[student("王芳", world.s1)]
    )
    with pytest.raises(ServiceError) as err:
        review.accept(first.id, actor=world.organizer)
    assert err.value.message == (
        "王芳（淮北市第一中学，八年级）已是项目“噪声地图”的作者；每名学生每届大赛只能参加一个项目。"
    )
    assert first.state == "submitted" and first.number is None
    review.reject(second.id, actor=world.organizer, reason="同一学生重复申报")
    review.accept(first.id, actor=world.organizer)
    assert first.state == "accepted"
