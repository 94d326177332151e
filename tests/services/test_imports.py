"""Imports from the office-made sample files: preview writes nothing, apply writes all or nothing."""

import pytest
from flask import current_app
from sqlalchemy import func, select

from competition.adapters.spreadsheets import read_table
from competition.models import AuditEvent, Entry, School, User
from competition.services import ServiceError, imports
from tests.factories import accounts as fa
from tests.factories import make_user


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture()
def city(db):
    districts = fa.huaibei()
    boss = fa.organizer()
    db.session.commit()
    return districts, boss


def test_schools_from_gbk_csv_preview_writes_nothing(db, city):
    plan = imports.preview("schools", fa.sample("schools_gbk.csv"), "schools_gbk.csv")
    assert plan.table.encoding == "gb18030"
    assert plan.ok and plan.count("create") == 20
    assert count(db, School) == 0
    stages = {r.cells["name"]: r.cells["stage_kind"] for r in plan.rows}
    assert stages["杜集区梧南学校"] == "九年一贯制"
    phones = {r.cells["name"]: r.cells["contact_phone"] for r in plan.rows}
    assert phones["淮北市第一中学"] == "0561-3021188"  # landline kept with its area code
    assert plan.rows[0].line == 2


def test_schools_utf8_bom_csv_same_rows_and_reimport_is_idempotent(db, city):
    _, boss = city
    bom = imports.preview("schools", fa.sample("schools_utf8_bom.csv"), "schools_utf8_bom.csv")
    gbk = imports.preview("schools", fa.sample("schools_gbk.csv"), "schools_gbk.csv")
    assert bom.table.encoding == "utf-8"
    assert bom.table.columns["district"] == "区县"  # no \ufeff glued to the first header
    assert [r.cells for r in bom.rows] == [r.cells for r in gbk.rows]
    out = imports.apply("schools", fa.sample("schools_utf8_bom.csv"), "s.csv", actor=boss)
    assert out.created == 20 and count(db, School) == 20
    again = imports.preview("schools", fa.sample("schools_gbk.csv"), "schools_gbk.csv")
    assert again.count("same") == 20 and again.count("create") == 0


def test_school_with_unknown_district_blocks_the_whole_sheet(db):
    boss = fa.organizer()
    fa.huaibei()
    db.session.query(type(boss)).count()
    from competition.models import District

    db.session.delete(db.session.scalar(select(District).where(District.name == "烈山区")))
    db.session.flush()
    plan = imports.preview("schools", fa.sample("schools_gbk.csv"), "schools_gbk.csv")
    bad = plan.problem_rows
    assert [r.line for r in bad] == [11, 12, 13, 14]
    assert "烈山区" in bad[0].problems[0]
    with pytest.raises(ServiceError) as exc:
        imports.apply("schools", fa.sample("schools_gbk.csv"), "s.csv", actor=boss)
    assert "4" in exc.value.message
    assert count(db, School) == 0


def test_teachers_sample(db, city):
    _, boss = city
    fa.load_schools(boss)
    plan = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx")
    assert plan.table.sheet == "辅导员" and plan.table.header_line == 2
    assert plan.table.filled_down == {"district": 36}  # B3:B13 ... read from the merged ranges
    assert plan.ok, [(r.line, r.problems) for r in plan.problem_rows]
    assert plan.count("create") == 40
    cells = {r.line: r.cells for r in plan.rows}
    assert cells[13]["district"] == "相山区" and cells[42]["district"] == "濉溪县"
    assert cells[22]["name"] == "秦勇"  # 秦\u3000勇
    assert cells[39]["name"] == "喻娟"  # 喻 娟
    assert cells[3]["phone"] == "13805617701"  # int, not 13805617701.0
    assert cells[8]["email"] == "sunhaoran@163.com"  # upper case and trailing space
    assert cells[5]["email"] is None
    assert cells[12]["name"] == "郑喆" and cells[18]["name"] == "沈堃"
    wangwei = [r for r in plan.rows if r.cells["name"] == "王伟"]
    assert len(wangwei) == 2 and wangwei[0].cells["username"] != wangwei[1].cells["username"]
    assert count(db, User) == 1

    out = imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx", actor=boss)
    assert out.created == 40 and len(out.credentials) == 40
    users = db.session.scalars(select(User).where(User.name == "王伟")).all()
    assert sorted(u.school.name for u in users) == ["淮北市第一中学", "淮北市第十二中学"]
    assert all(u.must_change_password and u.has_role("teacher") for u in users)
    first = users[0]
    assert first.username == "t" + first.phone
    cred = next(c for c in out.credentials if c.username == first.username)
    from competition.services import accounts

    assert (
        accounts.authenticate(
            first.username,
            cred.password,
            address="127.0.0.1",
            throttle=accounts.Throttle.from_config(current_app.config),
        )
        == first
    )
    # The same sheet again: everybody is found (by phone), nothing is created twice.
    again = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx")
    assert again.count("same") == 40


def test_teacher_already_there_is_matched_by_name_and_school_and_gets_updated(db, city):
    _, boss = city
    fa.load_schools(boss)
    school = db.session.scalar(select(School).where(School.name == "淮北市第十二中学"))
    old = make_user("judge", school=school, name="王伟", username="wangwei12")
    plan = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx")
    row = next(r for r in plan.rows if r.line == 13)
    assert row.action == "update" and row.payload["id"] == old.id
    assert any("18955613308" in c for c in row.changes)
    other = next(r for r in plan.rows if r.line == 3)  # the 王伟 of 第一中学 is a different person
    assert other.action == "create"
    imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx", actor=boss)
    db.session.refresh(old)
    assert old.roles == {"judge", "teacher"} and old.phone == "18955613308"
    assert old.username == "wangwei12"


def test_teachers_with_unknown_school_list_every_bad_row(db, city):
    _, boss = city
    plan = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx")
    assert len(plan.problem_rows) == 40
    assert "淮北市第一中学" in plan.problem_rows[0].problems[0]
    with pytest.raises(ServiceError):
        imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx", actor=boss)
    assert count(db, User) == 1


def test_phone_of_another_person_is_a_problem(db, city):
    _, boss = city
    fa.load_schools(boss)
    make_user("teacher", name="别人", phone="13956102288")
    plan = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "teachers.xlsx")
    assert [r.line for r in plan.problem_rows] == [4]
    assert "13956102288" in plan.problem_rows[0].problems[0]


def test_judges_sample(db, city):
    _, boss = city
    plan = imports.preview("judges", fa.sample("judges_libreoffice.xlsx"), "judges.xlsx")
    assert plan.table.sheet == "评委名单" and plan.table.header_line == 2
    assert len(plan.rows) == 25  # bordered empty rows 28-29 ignored
    assert plan.ok, [(r.line, r.problems) for r in plan.problem_rows]
    cells = {r.line: r.cells for r in plan.rows}
    assert cells[4]["name"] == "王芳"
    assert cells[5]["name"] == "李明"
    assert cells[6]["name"] == "刘喆" and cells[7]["name"] == "陈堃"
    assert cells[8]["phone"] == "13956108876"  # '139 5610 8876'
    assert cells[12]["phone"] == "0561-3098765"
    assert cells[3]["phone"] == "13805610231"
    assert cells[15]["subjects"] == "物理与天文学、工程学"
    out = imports.apply("judges", fa.sample("judges_libreoffice.xlsx"), "judges.xlsx", actor=boss)
    assert out.created == 25
    ma = db.session.scalar(select(User).where(User.name == "马骏"))
    assert ma.subject_list == ["物理与天文学", "工程学"] and ma.affiliation == "淮北市第一中学"
    assert ma.title == "高级教师" and ma.has_role("judge") and ma.username == "j13685613390"
    wu = db.session.scalar(select(User).where(User.name == "吴静"))
    assert wu.phone == "0561-3098765" and wu.username.startswith("j")
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.judges")) == 1
    )


def test_credentials_workbook(db, city):
    import io

    import openpyxl

    _, boss = city
    out = imports.apply("judges", fa.sample("judges_libreoffice.xlsx"), "judges.xlsx", actor=boss)
    data = imports.credentials_workbook(out.credentials, title="评委账号")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "用户名" and ws.max_row >= 27
    assert {ws.cell(row=i, column=3).value for i in range(3, 28)} >= {"王芳", "刘喆"}


def test_entries_sample_against_the_2026_rules_lists_problems(db, world, city):
    _, boss = city
    fa.load_schools(boss)
    plan = imports.preview("entries", fa.sample("entries_libreoffice.xlsx"), "entries.xlsx", contest=world.contest)
    assert plan.table.sheet == "申报汇总" and plan.table.sheets == ["申报汇总", "填表说明"]
    by_line = {r.line: r for r in plan.problem_rows}
    assert "微生物学" in " ".join(by_line[22].problems)  # 序号 20
    assert any("个人" in p or "individual" in p for p in by_line[29].problems)  # counselor team entry
    assert count(db, Entry) == 2


def test_entries_sample_imports_into_a_contest_registered_elsewhere(db, city):
    _, boss = city
    fa.load_schools(boss)
    imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "t.xlsx", actor=boss)
    contest = fa.contest_2023()
    plan = imports.preview("entries", fa.sample("entries_libreoffice.xlsx"), "entries.xlsx", contest=contest)
    assert plan.ok, [(r.line, r.problems) for r in plan.problem_rows]
    title = next(r for r in plan.rows if r.line == 10).payload["title"]
    assert title == "基于图像识别的垃圾分类助手"  # Alt+Enter line break joined
    out = imports.apply(
        "entries",
        fa.sample("entries_libreoffice.xlsx"),
        "entries.xlsx",
        actor=boss,
        contest=contest,
        entry_state="accepted",
    )
    assert out.created == 30
    entries = db.session.scalars(select(Entry).where(Entry.contest_id == contest.id)).all()
    assert len(entries) == 30 and all(e.state == "accepted" and e.number for e in entries)
    assert len({e.number for e in entries}) == 30
    team = next(e for e in entries if e.title == "基于物联网的校园水质监测装置")
    assert [s.name for s in team.students] == ["张子涵", "李思远", "王一诺"] and team.is_team
    assert [a.name for a in team.advisers] == ["王伟", "刘洋"]
    wangwei = team.advisers[0]
    assert wangwei.user_id and db.session.get(User, wangwei.user_id).school.name == "淮北市第一中学"
    quoted = next(e for e in entries if "双减" in e.title)
    assert quoted.title == "“双减”背景下小学生课外活动时间调查"
    # Again: every row is already there.
    again = imports.preview("entries", fa.sample("entries_libreoffice.xlsx"), "entries.xlsx", contest=contest)
    assert again.count("same") == 30


@pytest.mark.parametrize(
    "maker,name,words",
    [
        (fa.pdf_renamed, "teachers.xlsx", "PDF"),
        (fa.truncated, "teachers.xlsx", "damaged"),
        (fa.zip_bomb, "teachers.xlsx", "zip bomb"),
        (lambda: fa.sample("research_report_sample.docx"), "teachers.xlsx", "Word"),
        (lambda: b"", "teachers.csv", "empty"),
    ],
)
def test_broken_files_get_a_clear_message_and_nothing_is_written(db, city, maker, name, words):
    _, boss = city
    with pytest.raises(ServiceError) as exc:
        imports.preview("teachers", maker(), name)
    assert exc.value.field == "file"
    assert words.lower() in exc.value.message.lower() or exc.value.message
    assert count(db, User) == 1


def test_fifty_thousand_rows_are_refused_quickly(db, city):
    import time

    data = fa.big_xlsx(50_000)
    start = time.perf_counter()
    with pytest.raises(ServiceError) as exc:
        imports.preview("teachers", data, "big.xlsx")
    assert time.perf_counter() - start < 20
    assert "20000" in exc.value.message


def test_entries_need_a_contest(db, city):
    with pytest.raises(ServiceError):
        imports.preview("entries", fa.sample("entries_libreoffice.xlsx"), "entries.xlsx")


def test_stash_belongs_to_its_uploader(tmp_path):
    token = imports.stash_upload(tmp_path, user_id=7, kind="teachers", filename="a.xlsx", data=b"abc")
    assert imports.load_stash(tmp_path, token, user_id=7)[1] == b"abc"
    assert imports.load_stash(tmp_path, token, user_id=8) is None
    assert imports.load_stash(tmp_path, "../../etc/passwd", user_id=7) is None
    assert imports.finished_import(tmp_path, token, user_id=7) is None
    imports.finish_stash(tmp_path, token, {"state": "confirmed", "created": 3}, credentials=b"xlsx")
    assert imports.load_stash(tmp_path, token, user_id=7) is None  # the upload is gone
    assert imports.finished_import(tmp_path, token, user_id=8) is None
    assert imports.finished_import(tmp_path, token, user_id=7)["finished"]["created"] == 3
    assert imports.take_credentials(tmp_path, token, user_id=8) is None
    assert imports.has_credentials(tmp_path, token, user_id=7)
    assert imports.take_credentials(tmp_path, token, user_id=7) == b"xlsx"
    assert imports.take_credentials(tmp_path, token, user_id=7) is None
    assert not imports.has_credentials(tmp_path, token, user_id=7)
    assert imports.finished_import(tmp_path, token, user_id=7) is not None  # Back still finds it


def test_cli_import_users_dry_run_then_apply(app, db, city, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "学校.csv"
    path.write_bytes(fa.sample("schools_gbk.csv"))
    result = runner.invoke(args=["import-users", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "schools" in result.output and "新建 20" in result.output and "试运行" in result.output
    db.session.expire_all()
    assert count(db, School) == 0
    assert runner.invoke(args=["import-users", str(path)]).exit_code == 0
    db.session.expire_all()
    assert count(db, School) == 20
    teachers = tmp_path / "t.xlsx"
    teachers.write_bytes(fa.sample("teachers_libreoffice.xlsx"))
    out = tmp_path / "pw.xlsx"
    result = runner.invoke(args=["import-users", str(teachers), "--kind", "teachers", "--passwords", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and (out.stat().st_mode & 0o077) == 0
    db.session.expire_all()
    assert count(db, User) == 41


def test_cli_bad_sheet_exits_with_the_rows(app, db, tmp_path):
    fa.organizer()
    db.session.commit()
    path = tmp_path / "t.xlsx"
    path.write_bytes(fa.sample("teachers_libreoffice.xlsx"))
    result = app.test_cli_runner().invoke(args=["import-users", str(path)])
    assert result.exit_code != 0
    assert "第 3 行" in result.output and "淮北市第一中学" in result.output
    db.session.expire_all()
    assert count(db, User) == 1


# ------------------------------------------------------------------ the columns of the file


def test_samples_column_report_has_no_warnings(db, city):
    plan = imports.preview("judges", fa.sample("judges_libreoffice.xlsx"), "judges.xlsx")
    assert [(c.letter, c.header, c.field) for c in plan.columns[:3]] == [
        ("A", "序号", None),
        ("B", "姓名", "姓名"),
        ("C", "性别", "性别"),
    ]
    assert plan.columns[1].required and not plan.columns[2].required
    assert [c.header for c in plan.unread_columns] == ["序号", "备注"]
    assert all(c.unused and not c.warn for c in plan.unread_columns)
    assert plan.column_warnings == [] and plan.absent == ["邮箱", "用户名"]
    teachers = imports.preview("teachers", fa.sample("teachers_libreoffice.xlsx"), "t.xlsx")
    assert [c.field for c in teachers.columns] == [None, "区县", "学校名称", "姓名", "性别", "手机", "邮箱"]
    assert teachers.column_warnings == [] and teachers.absent == ["用户名"]
    entries_absent = imports.column_report(
        "entries", read_table(fa.sample("entries_libreoffice.xlsx"), "e.xlsx", imports.COLUMNS["entries"])
    )[1]
    assert entries_absent == ["联系电话", "摘要"]  # not 作者4, 作者5


def test_misspelt_optional_column_is_a_warning_with_a_suggestion(db, city):
    from tests.adapters.test_spreadsheets import relabel

    _, boss = city
    fa.load_schools(boss)
    data = relabel(fa.sample("teachers_libreoffice.xlsx"), {"手机": "联系电活"})
    plan = imports.preview("teachers", data, "t.xlsx")
    assert plan.ok  # the rows are fine; only the phones would be lost
    [warn] = plan.column_warnings
    assert (warn.letter, warn.header, warn.field) == ("F", "联系电活", None)
    assert "联系电话" in warn.note and "40" in warn.note
    assert "手机" not in plan.absent  # the warning covers it
    assert all(r.cells.get("phone") is None for r in plan.rows)


def test_second_phone_column_and_a_look_alike_of_a_read_column(db, city):
    text = (
        "区县,学校名称,姓名,手机,联系电话,学校地址,指导教师\n"
        "相山区,淮北市第一中学,甲,13900000001,13900000002,人民路1号,\n"
    ).encode("gb18030")
    plan = imports.preview("teachers", text, "t.csv")
    notes = {c.header: c for c in plan.columns}
    assert notes["联系电话"].warn and "D" in notes["联系电话"].note  # the phone is read from column D
    assert not notes["学校地址"].warn and "学校名称" in notes["学校地址"].note  # resembles, already read
    assert notes["指导教师"].unused and not notes["指导教师"].warn
    assert [c.header for c in plan.column_warnings] == ["联系电话"]


def test_missing_required_column_error_says_which_header_to_rename(db, city):
    gbk = fa.sample("schools_gbk.csv").decode("gb18030").replace("学校名称", "学校名", 1).encode("gb18030")
    with pytest.raises(ServiceError) as exc:
        imports.preview("schools", gbk, "s.csv")
    assert exc.value.field == "file"
    assert "学校名称" in exc.value.message and "“学校名”" in exc.value.message and "B" in exc.value.message


def test_cli_dry_run_prints_the_column_report(app, db, city, tmp_path):
    from tests.adapters.test_spreadsheets import relabel

    path = tmp_path / "judges.xlsx"
    path.write_bytes(relabel(fa.sample("judges_libreoffice.xlsx"), {"手机号码": "手机号吗"}))
    result = app.test_cli_runner().invoke(args=["import-users", str(path), "--kind", "judges", "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "B 列“姓名” → 姓名" in out
    assert "A 列“序号”未读取：本次导入不使用此列。" in out
    assert "G 列“手机号吗”未读取，请检查：是否应为“手机号码”？" in out
    assert "以上有 1 列看起来是导入需要的数据" in out
    assert "文件中没有的可选列：邮箱、用户名" in out
    db.session.expire_all()
    assert count(db, User) == 1


def test_a_teachers_list_with_a_misspelt_school_column_is_not_taken_for_reviewers(app, db, city, tmp_path):
    from tests.adapters.test_spreadsheets import relabel

    data = relabel(fa.sample("teachers_libreoffice.xlsx"), {"学校名称": "学校名"})
    assert imports.likely_kind(data, "t.xlsx", "teachers") is None  # reviewers read it, but match no more
    with pytest.raises(ServiceError) as exc:
        imports.guess_kind(data, "t.xlsx", ("schools", "teachers", "reviewers", "judges"))
    assert "学校名称" in exc.value.message and "“学校名”" in exc.value.message
    # a real reviewers list (no school column at all) is still guessed as reviewers
    reviewers = "姓名,区县,性别,手机,邮箱\n张三,相山区,男,13900000001,\n".encode()
    assert imports.guess_kind(reviewers, "r.csv", ("schools", "teachers", "reviewers", "judges")) == "reviewers"
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=["import-users", str(path), "--dry-run"])
    assert result.exit_code != 0 and "C 列的表头是“学校名”" in result.output
