"""A school in a sheet written differently from an existing one is proposed as that school, never
silently created a second time (杜集区实验学校 beside 淮北市杜集区实验学校)."""

import pytest
from sqlalchemy import func, select

from competition.models import School, User
from competition.services import imports
from tests.factories import accounts as fa


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def school(name):
    from competition.extensions import db

    return db.session.scalar(select(School).where(School.name == name))


@pytest.fixture()
def city(db):
    districts = fa.huaibei()
    boss = fa.organizer()
    long_djs = School(name="淮北市杜集区实验学校", district_id=districts["杜集区"].id, contact_name="旧联系人")
    long_sx = School(name="安徽省濉溪中学", district_id=districts["濉溪县"].id)
    db.session.add_all([long_djs, long_sx])
    db.session.commit()
    return districts, boss, long_djs, long_sx


SAMPLE = "schools_gbk.csv"


def rows_by_name(plan):
    return {r.cells["name"]: r for r in plan.rows}


def test_schools_preview_proposes_the_existing_school_for_a_near_name(db, city):
    _, _, long_djs, long_sx = city
    plan = imports.preview("schools", fa.sample(SAMPLE), SAMPLE)
    assert plan.ok
    rows = rows_by_name(plan)
    djs, sx = rows["杜集区实验学校"], rows["濉溪中学"]
    assert [c.id for c in djs.candidates] == [long_djs.id] and djs.chosen == long_djs.id
    assert [c.id for c in sx.candidates] == [long_sx.id] and sx.chosen == long_sx.id
    assert djs.action == "update" and djs.payload["id"] == long_djs.id
    assert any("淮北市杜集区实验学校" in n for n in djs.notes)
    # 烈山区实验学校 is another school: no candidate, created as usual
    assert rows["烈山区实验学校"].candidates == [] and rows["烈山区实验学校"].action == "create"
    assert rows["淮北市第一中学"].candidates == []
    assert plan.count("create") == 18 and plan.near_rows == [djs, sx]


def test_confirming_with_the_default_uses_the_existing_schools(db, city):
    _, boss, long_djs, long_sx = city
    out = imports.apply("schools", fa.sample(SAMPLE), SAMPLE, actor=boss)
    assert out.created == 18 and out.updated == 2
    assert count(db, School) == 20
    assert school("杜集区实验学校") is None and school("濉溪中学") is None
    db.session.refresh(long_djs)
    assert long_djs.name == "淮北市杜集区实验学校"  # the stored name is kept
    assert long_djs.contact_name == "杨帆" and long_djs.stage_kind == "九年一贯制"
    # Importing the sheet again changes nothing and creates nothing.
    again = imports.preview("schools", fa.sample(SAMPLE), SAMPLE)
    assert again.count("create") == 0 and again.count("same") == 20


def test_the_organizer_may_choose_a_new_school_and_the_preview_says_so(db, city):
    _, boss, long_djs, long_sx = city
    plan = imports.preview("schools", fa.sample(SAMPLE), SAMPLE)
    line = rows_by_name(plan)["杜集区实验学校"].line
    chosen = imports.preview("schools", fa.sample(SAMPLE), SAMPLE, school_choices={line: None})
    row = rows_by_name(chosen)["杜集区实验学校"]
    assert row.action == "create" and row.chosen is None
    assert any("淮北市杜集区实验学校" in n for n in row.notes)  # created knowingly, and said so
    # A choice that is not one of the candidates is ignored: the default stands.
    other = imports.preview("schools", fa.sample(SAMPLE), SAMPLE, school_choices={line: 999999})
    assert rows_by_name(other)["杜集区实验学校"].chosen == long_djs.id
    out = imports.apply("schools", fa.sample(SAMPLE), SAMPLE, actor=boss, school_choices={line: None})
    assert out.created == 19 and out.updated == 1
    assert school("杜集区实验学校") is not None and school("濉溪中学") is None


def test_two_rows_of_a_sheet_for_one_existing_school_are_a_problem(db, city):
    text = "区县,学校名称\n杜集区,杜集区实验学校\n杜集区,淮北市杜集区实验学校\n".encode()
    plan = imports.preview("schools", text, "s.csv")
    [bad] = plan.problem_rows
    assert bad.line == 3 and "淮北市杜集区实验学校" in bad.problems[0] and "2" in bad.problems[0]


def test_near_duplicates_inside_one_sheet_are_noted(db, city):
    text = "区县,学校名称\n相山区,淮北市西园中学\n相山区,西园中学\n".encode()
    plan = imports.preview("schools", text, "s.csv")
    assert plan.ok and plan.count("create") == 2
    assert any("淮北市西园中学" in n for n in plan.rows[1].notes)


def test_teachers_naming_the_short_form_attach_to_the_existing_school(db, city):
    _, boss, long_djs, long_sx = city
    imports.apply("schools", fa.sample(SAMPLE), SAMPLE, actor=boss)
    plan = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "t.xlsx")
    assert plan.ok, [(r.line, r.problems) for r in plan.problem_rows]
    djs = [r for r in plan.rows if r.cells["school"] == "杜集区实验学校"]
    assert len(djs) == 3 and all(r.payload["values"]["school_id"] == long_djs.id for r in djs)
    assert all(any("淮北市杜集区实验学校" in n for n in r.notes) for r in djs)  # flagged
    out = imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "t.xlsx", actor=boss)
    assert out.created == 40
    assert db.session.scalar(select(func.count()).select_from(User).where(User.school_id == long_djs.id)) == 3
    assert db.session.scalar(select(func.count()).select_from(User).where(User.school_id == long_sx.id)) == 2
    assert count(db, School) == 20


def test_a_school_name_near_two_schools_is_a_problem_naming_both(db, city):
    districts, _, _, _ = city
    db.session.add(School(name="烈山区实验学校", district_id=districts["烈山区"].id))
    db.session.commit()
    text = "学校名称,姓名\n实验学校,张三\n".encode()
    plan = imports.preview("teachers", text, "t.csv")
    [bad] = plan.problem_rows
    problem = " ".join(bad.problems)
    assert "淮北市杜集区实验学校" in problem and "烈山区实验学校" in problem
    # with the district the row is clear
    text = "区县,学校名称,姓名\n烈山区,实验学校,张三\n".encode()
    plan = imports.preview("teachers", text, "t.csv")
    assert plan.ok and plan.rows[0].payload["values"]["school_id"] == school("烈山区实验学校").id


def test_other_numbers_are_other_schools(db, city):
    districts, boss, _, _ = city
    db.session.add(School(name="淮北市第二中学", district_id=districts["相山区"].id))
    db.session.commit()
    plan = imports.preview("schools", fa.sample(SAMPLE), SAMPLE)
    assert rows_by_name(plan)["淮北市第一中学"].candidates == []
    text = "学校名称,姓名\n淮北市第一中学,张三\n".encode()
    plan = imports.preview("teachers", text, "t.csv")
    assert not plan.ok and "淮北市第一中学" in plan.problem_rows[0].problems[0]


def test_cli_says_which_rows_are_taken_as_existing_schools(app, db, city, tmp_path):
    path = tmp_path / "学校.csv"
    path.write_bytes(fa.sample(SAMPLE))
    result = app.test_cli_runner().invoke(args=["import-users", str(path), "--kind", "schools"])
    assert result.exit_code == 0, result.output
    assert "第 10 行：与已有学校“淮北市杜集区实验学校”相似（去掉省、市、区县前缀后名称相同）" in result.output
    assert "已导入：新建 18，修改 2" in result.output
    db.session.expire_all()
    assert count(db, School) == 20 and school("杜集区实验学校") is None
