"""The rules of one imported row, without a database: cleaning cells, checking a row, the username
of a new account, and why a header column is not read."""

from types import SimpleNamespace

from competition.domain import imports as rules


def templates(messages) -> list[str]:
    return [m.template for m in messages]


def test_identity_cells_lose_invisible_characters_and_other_cells_are_kept():
    values = {"name": "王\u200b芳", "school": "\ufeff淮北一中", "abstract": "见\u200b附件", "phone": None}
    rules.clean_identity_cells(values)
    assert values == {"name": "王芳", "school": "淮北一中", "abstract": "见\u200b附件", "phone": None}


def test_an_illegal_character_names_its_column_and_row():
    [problem] = rules.illegal_cells({"name": "王芳", "school": "一中\x1b"}, {"school": "学校名称"}, 7)
    assert problem.params["column"] == "学校名称" and problem.params["line"] == 7
    assert str(problem.params["char"]) == "control character U+001B"
    assert rules.illegal_cells({"name": "王芳", "n": 3}, {}, 2) == []


def test_contact_checks_phone_email_and_gender():
    assert rules.contact_problems({"phone": "13800000000", "gender": "女"}, email_valid=True) == []
    problems = rules.contact_problems({"phone": "12345", "email": "x@", "gender": "F"}, email_valid=False)
    assert [m.params for m in problems] == [{"phone": "12345"}, {"email": "x@"}, {"value": "F"}]


def test_title_is_required_and_at_most_200_characters():
    assert templates(rules.title_problems(None)) == ["The title is missing."]
    assert rules.title_problems("好" * 201)[0].params == {"n": 200}
    assert rules.title_problems("好" * 200) == []


def section(**overrides):
    values = dict(
        name="科技创新",
        stages=["小学", "初中"],
        team_allowed=True,
        individual_allowed=True,
        group_entry=False,
        max_team_size=3,
        advisers_allowed=True,
        max_advisers=2,
        subjects_for=lambda stage: ["物理", "化学"],
    )
    values.update(overrides)
    return SimpleNamespace(**values)


def entry(s=None, **overrides):
    values = dict(stage_text="初中", stage="初中", subject="物理", is_team=False, authors=["李明"], advisers=["王老师"])
    values.update(overrides)
    return templates(rules.entry_problems(s or section(), **values))


def test_a_clean_entry_row_has_no_problems():
    assert entry() == []


def test_stage_and_subject_must_be_open_in_the_section():
    assert entry(stage_text=None, stage=None) == ["The stage (学段) is missing."]
    assert entry(stage_text="高中", stage=None) == [
        "The stage “%(stage)s” is not open in %(section)s (allowed: %(names)s)."
    ]
    assert entry(subject=None) == ["The subject (学科) is missing."]
    assert entry(subject="生物") == ["Unknown subject “%(subject)s” for %(stage)s in %(section)s (allowed: %(names)s)."]


def test_team_authors_and_advisers_follow_the_section():
    assert entry(is_team=False, authors=["李明", "张华"]) == ["An individual entry has %(n)d authors."]
    assert entry(is_team=True, authors=["李明"]) == ["A team entry needs at least two authors."]
    assert entry(is_team=True, authors=["甲", "乙", "丙", "丁"]) == ["A team may have at most %(n)d members."]
    assert entry(section(team_allowed=False), is_team=True, authors=["甲", "乙"]) == [
        "%(section)s accepts individual entries only."
    ]
    assert entry(authors=[]) == ["No author is given."]
    assert entry(section(group_entry=True), authors=[]) == []
    assert entry(section(advisers_allowed=False)) == ["%(section)s has no advisers; leave 指导教师 empty."]
    assert entry(advisers=["甲", "乙", "丙"]) == ["At most %(n)d advisers are allowed."]


def test_first_seen_remembers_the_first_line_of_a_key():
    seen: dict = {}
    assert rules.first_seen(seen, "王芳", 2) is None
    assert rules.first_seen(seen, "王芳", 5) == 2
    assert rules.first_seen(seen, ("王芳", None), 6) is None  # an incomplete key is never a duplicate
    assert rules.first_seen(seen, "", 7) is None


def test_username_is_the_mobile_number_else_a_stable_code_and_unique():
    taken = {"t13800000000"}
    assert rules.username_for("teachers", {"phone": "13800000000"}, "一中", taken) == "t13800000000_2"
    assert "t13800000000_2" in taken
    code = rules.username_for("judges", {"name": "王芳", "phone": "0561-1234567"}, "淮北师大", set())
    assert code.startswith("j") and code[1:].isdigit()
    assert rules.username_for("judges", {"name": "王芳", "phone": "0561-1234567"}, "淮北师大", set()) == code
    assert rules.username_for("reviewers", {"username": "zhang"}, "", set()) == "zhang"


def header(text="", filled=0, same_as=None, suggestion=None, letter="C"):
    return SimpleNamespace(text=text, filled=filled, same_as=same_as, suggestion=suggestion, letter=letter)


def test_why_a_header_is_not_read():
    phone = SimpleNamespace(key="phone", aliases=("联系电话", "手机"))
    by_key = {"phone": phone}
    read = {"phone": header("联系电话", letter="B")}
    message, warn = rules.unread_note(header("", filled=3), by_key, {}, close=0.7)
    assert warn and message.params == {"n": 3}
    message, warn = rules.unread_note(header("手机", filled=2, same_as="phone"), by_key, read, close=0.7)
    assert warn and message.params["letter"] == "B" and message.params["field"] == "联系电话"
    assert rules.unread_note(header("手机", same_as="phone"), by_key, read, close=0.7)[1] is False
    close = SimpleNamespace(column=phone, ratio=0.8, alias="联系电话")
    assert rules.unread_note(header("联系电活", filled=4, suggestion=close), by_key, read, close=0.7)[1] is True
    assert rules.unread_note(header("联系电活", filled=4, suggestion=close), by_key, {}, close=0.7)[1] is True
    assert rules.unread_note(header("联系电活", suggestion=close), by_key, {}, close=0.7)[1] is False
    assert rules.unread_note(header("序号", filled=9), by_key, read, close=0.7) == (
        rules.unread_note(header("备注"), by_key, read, close=0.7)[0],
        False,
    )


def test_sentences_join_as_the_language_wants():
    assert rules.sentences(["文件无法读取。", "请另存为 xlsx。"]) == "文件无法读取。请另存为 xlsx。"
    assert rules.sentences(["Cannot read the file.", "Save it as xlsx."]) == "Cannot read the file. Save it as xlsx."
