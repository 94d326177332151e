"""Rows for certificate tests: awarded results on top of tests/factories (the ranking workflow
is built elsewhere; these tests only need Result rows with an award)."""

from __future__ import annotations

from competition.extensions import db
from competition.models import Result

from .. import factories

RARE_NAMES = ["王㛃", "李堃", "张喆", "赵玥", "陈燚", "刘𠇔"]
LONG_TITLE = (
    "基于多源遥感数据与深度学习方法的淮北采煤沉陷区湿地生态系统演变监测"
    "及其修复对策的综合研究与实践探索——以相山南湖湿地为例"
)
assert len(LONG_TITLE) == 60
LONG_SCHOOL = "淮北市濉溪县临涣镇中心学校暨安徽省青少年科技教育示范基地附属九年一贯制实验学校"


def make_result(contest, entry, award: str | None, **fields) -> Result:
    result = Result(
        contest_id=contest.id,
        entry_id=entry.id,
        group_key=f"{entry.section_id}|{entry.stage}",
        method="mean",
        n_judges=5,
        score=90.0,
        rank=1,
        award=award,
        **fields,
    )
    db.session.add(result)
    db.session.flush()
    return result


def awarded_world(world, *, state: str = "published"):
    """The world's contest in `state` with four awarded entries: a team of two with two advisers
    (s1), a rare-character name with a 60-character title (s2), an individual (s3), and one entry
    without award (s1)."""
    c = world.contest
    c.state = state
    world.team = factories.make_entry(
        c,
        world.s1,
        teacher=world.teacher1,
        title="校园雨水回收装置",
        state="accepted",
        students=[
            {"name": "周子涵", "gender": "女", "grade": "八年级", "school_name": world.s1.name},
            {"name": "吴浩然", "gender": "男", "grade": "八年级", "school_name": world.s1.name},
        ],
        advisers=[{"name": "张明", "unit": world.s1.name}, {"name": "李红", "unit": world.s1.name}],
    )
    world.rare = factories.make_entry(
        c,
        world.s2,
        teacher=world.teacher2,
        title=LONG_TITLE,
        state="accepted",
        stage="高中",
        subject="环境科学与工程",
        students=[{"name": "刘𠇔", "gender": "男", "grade": "高二", "school_name": LONG_SCHOOL}],
        advisers=[{"name": "王㛃", "unit": world.s2.name}],
    )
    world.single = factories.make_entry(
        c,
        world.s3,
        teacher=world.teacher3,
        title="濉溪土壤重金属调查",
        state="accepted",
        students=[{"name": "陈燚", "gender": "男", "grade": "九年级", "school_name": world.s3.name}],
    )
    world.loser = factories.make_entry(c, world.s1, teacher=world.teacher1, title="未获奖项目", state="accepted")
    world.r_team = make_result(c, world.team, "一等奖")
    world.r_rare = make_result(c, world.rare, "二等奖")
    world.r_single = make_result(c, world.single, "三等奖")
    world.r_loser = make_result(c, world.loser, None)
    db.session.commit()
    return world


def issued_world(world):
    """``awarded_world`` with its certificates issued; ``certs`` in number order."""
    from flask import current_app
    from sqlalchemy import select

    from competition.models import Certificate
    from competition.services import certificates as service

    w = awarded_world(world)
    service.issue(w.contest, w.organizer, base_url=current_app.config["PUBLIC_BASE_URL"])  # as the organizer's page
    db.session.commit()
    w.certs = db.session.scalars(select(Certificate).order_by(Certificate.number)).all()
    return w
