"""Certificate rules without the app: recipients, stable numbers, Chinese dates, fitting text."""

from datetime import date

import pytest

from competition.domain import certificates as rules
from competition.domain.certificates import AwardedEntry, Existing, Options, Person


def entry(eid, award="一等奖", students=1, advisers=1, section="XS", **kw):
    return AwardedEntry(
        entry_id=eid,
        award=award,
        title=f"项目{eid}",
        section_code=section,
        section_name="学生科技创新成果",
        school_id=kw.pop("school_id", 1),
        school_name=kw.pop("school_name", "淮北市第一中学"),
        stage="初中",
        subject="物理与天文学",
        students=tuple(
            Person(eid * 10 + i, f"学生{eid}-{i}", school_name=kw.get("student_school")) for i in range(students)
        ),
        advisers=tuple(Person(eid * 10 + i, f"老师{eid}-{i}", unit="淮北市第一中学") for i in range(advisers)),
        **{k: v for k, v in kw.items() if k != "student_school"},
    )


PATTERN = "{year}-{contest}-{section}-{seq:04d}"


def number_all(planned, existing=None, taken=(), pattern=PATTERN):
    return rules.assign_numbers(planned, existing or {}, pattern, year=2026, contest="HB", taken=taken)


def test_one_certificate_per_team_member_and_adviser():
    planned = rules.plan([entry(1, students=3, advisers=2)], Options())
    assert [p.kind for p in planned] == ["student"] * 3 + ["adviser"] * 2
    assert [p.recipient_key for p in planned] == ["student:10", "student:11", "student:12", "adviser:10", "adviser:11"]
    assert "members" not in planned[0].data  # a member's certificate does not change when a teammate's does
    assert planned[3].data["members"] == ["学生1-0", "学生1-1", "学生1-2"]
    assert planned[3].data["name"] == "老师1-0" and planned[3].data["school"] == "淮北市第一中学"


def test_team_certificate_when_not_per_member_and_no_advisers():
    planned = rules.plan([entry(1, students=2, advisers=1)], Options(per_team_member=False, advisers=False))
    assert [(p.kind, p.recipient_key, p.data["name"]) for p in planned] == [("team", "team:1", "学生1-0、学生1-1")]


def test_no_award_no_certificate_and_group_and_counselor_entries():
    group = AwardedEntry(
        entry_id=5,
        award="二等奖",
        title="t",
        section_code="SJ",
        section_name="实践活动",
        school_id=1,
        school_name="一中",
        group_name="八年级（3）班科技小组",
    )
    counselor = AwardedEntry(
        entry_id=6,
        award="三等奖",
        title="t",
        section_code="FD",
        section_name="辅导员",
        school_id=1,
        school_name="一中",
        section_kind="counselor",
        author_name="张老师",
    )
    planned = rules.plan([entry(1, award=""), group, counselor], Options())
    assert [(p.kind, p.data["name"]) for p in planned] == [("author", "张老师"), ("group", "八年级（3）班科技小组")]


def test_print_order_is_section_award_entry_member():
    planned = rules.plan(
        [entry(2, award="二等奖", award_order=1), entry(1, award="一等奖", award_order=0)], Options(advisers=False)
    )
    assert [p.entry_id for p in planned] == [1, 2]


def test_organizing_units_need_the_minimum_number_of_awards():
    entries = [entry(i, school_id=1 if i < 4 else 2, school_name="一中" if i < 4 else "二中") for i in range(1, 6)]
    planned = rules.plan(entries, Options(units="school", unit_min_awards=3, advisers=False))
    units = [p for p in planned if p.kind == "school"]
    assert [(p.recipient_key, p.data["award"], p.section_code) for p in units] == [("school:1", "优秀组织单位", "DW")]
    assert Options.from_setting({"schools": True}).units == "school"
    assert Options.from_setting({"schools": "district"}).units == "district"
    assert Options.from_setting({}).units is None


def test_numbers_follow_the_pattern_per_section_scope():
    planned = rules.plan([entry(1, advisers=0), entry(2, advisers=0, section="FD")], Options())
    numbered = number_all(planned)
    assert sorted(n.number for n in numbered) == ["2026-HB-FD-0001", "2026-HB-XS-0001"]
    one_counter = number_all(planned, pattern="HB{year}-{seq:05d}")
    assert [n.number for n in one_counter] == ["HB2026-00001", "HB2026-00002"]


def test_regenerating_keeps_numbers_and_new_recipients_come_after_the_highest():
    first = number_all(rules.plan([entry(1, students=2, advisers=0)], Options()))
    existing = {n.planned.recipient_key: Existing(n.number, n.seq, n.scope) for n in first}
    second = number_all(
        rules.plan([entry(3, students=1, advisers=0), entry(1, students=2, advisers=0)], Options()),
        existing,
        taken=existing.values(),
    )
    by_key = {n.planned.recipient_key: n for n in second}
    assert by_key["student:10"].number == "2026-HB-XS-0001" and not by_key["student:10"].is_new
    assert by_key["student:11"].number == "2026-HB-XS-0002"
    assert by_key["student:30"].number == "2026-HB-XS-0003" and by_key["student:30"].is_new


def test_revoked_numbers_are_never_reused():
    scope = rules.number_scope(PATTERN, {"year": 2026, "contest": "HB", "section": "XS"})
    revoked = Existing("2026-HB-XS-0007", 7, scope, revoked=True)
    numbered = number_all(rules.plan([entry(1, advisers=0)], Options()), {"student:10": revoked}, taken=[revoked])
    assert numbered[0].number == "2026-HB-XS-0008" and numbered[0].is_new


def test_a_number_already_taken_under_another_pattern_is_skipped():
    taken = [Existing("2026-HB-XS-0001", 1, "legacy")]
    numbered = number_all(rules.plan([entry(1, advisers=0)], Options()), taken=taken)
    assert numbered[0].number == "2026-HB-XS-0002"


def test_printed_changes():
    assert rules.printed_changes({"name": "张三", "award": "一等奖"}, {"name": "张叁", "award": "一等奖"}) == {
        "name": ("张三", "张叁")
    }
    assert rules.printed_changes({"name": "张三", "entry_number": "1"}, {"name": "张三", "entry_number": "2"}) == {}


@pytest.mark.parametrize(
    "d, text",
    [
        (date(2023, 5, 20), "二〇二三年五月二十日"),
        (date(2026, 1, 1), "二〇二六年一月一日"),
        (date(2010, 10, 31), "二〇一〇年十月三十一日"),
        (date(2024, 12, 15), "二〇二四年十二月十五日"),
    ],
)
def test_chinese_dates(d, text):
    assert rules.chinese_date(d) == text


@pytest.mark.parametrize(
    "n, text",
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (39, "三十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
    ],
)
def test_chinese_numbers(n, text):
    assert rules.chinese_number(n) == text


def test_contest_heading_adds_the_edition_only_when_missing():
    assert (
        rules.contest_heading("2026年淮北市第三十九届青少年科技创新大赛", 39)
        == "2026年淮北市第三十九届青少年科技创新大赛"
    )
    assert rules.contest_heading("淮北市青少年科技创新大赛", 39) == "第三十九届淮北市青少年科技创新大赛"
    assert rules.contest_heading("淮北市青少年科技创新大赛", None) == "淮北市青少年科技创新大赛"


def test_fit_step_shrinks_long_text_first_then_wraps():
    scales = (1.0, 0.8, 0.6)
    assert rules.fit_step("张三", em_per_line=10, max_lines=1, scales=scales) == 0
    assert rules.fit_step("一" * 12, em_per_line=10, max_lines=1, scales=scales) == 1
    assert rules.fit_step("一" * 16, em_per_line=10, max_lines=1, scales=scales) == 2
    assert rules.fit_step("一" * 60, em_per_line=10, max_lines=1, scales=scales) == 2
    assert rules.text_width("ab") < rules.text_width("一二")


def test_file_names_are_safe():
    assert rules.file_name("2026-HB-XS-0001", "张喆", "一等奖") == "2026-HB-XS-0001_张喆_一等奖.pdf"
    assert rules.file_name("2026/HB", 'a:b*"c', "二等奖") == "2026-HB_a-b-c_二等奖.pdf"


def test_file_names_drop_what_old_stored_names_hold():
    """Names stored before the input checks: C0/C1 controls, noncharacters, bidi override,
    zero-width space, a line break; and a 2,000-character name."""
    name = "张\x1b\x08\x85喆\uffff\ufdd0\u202e\u200b\n同学"
    assert rules.file_name("2026-HB-XS-0001", name, "一等奖\x9b") == "2026-HB-XS-0001_张喆 同学_一等奖.pdf"
    long = rules.file_name("2026-HB-XS-0002", "\u202e" + "王" * 2000, "二等奖")
    assert long == "2026-HB-XS-0002_" + "王" * 40 + "_二等奖.pdf"
