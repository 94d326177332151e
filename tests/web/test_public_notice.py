"""The public notice page (公示): no login, published contests only, no personal data by default."""

from __future__ import annotations

from competition.services import results as svc
from tests.factories.results import judged_contest

TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


def published(world, db, **settings):
    c = judged_contest(world, TEN, settings={"nomination_quota": 1, **settings})
    svc.run_ranking(c.contest, actor=world.organizer)
    svc.lock(c.contest, actor=world.organizer)
    svc.publish(c.contest, actor=world.organizer)
    db.session.commit()
    return c


def test_lists_number_title_school_award_and_nomination(world, client, db) -> None:
    c = published(world, db)
    resp = client.get(f"/notice/{c.contest.code}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "CX-XS-001" in html and "作品01" in html and "淮北市第一中学" in html and "一等奖" in html
    assert "推荐参加上一级比赛" in html and "公示期" in html
    assert "作品07" not in html  # no award, not listed
    assert "13800000000" not in html and "学生01" not in html and "女" not in html and "八年级" not in html
    assert "90.00" not in html  # no scores


def test_names_only_when_the_contest_allows(world, client, db) -> None:
    c = published(world, db, notice_show_names=True)
    html = client.get(f"/notice/{c.contest.code}").get_data(as_text=True)
    assert "学生01" in html and "13800000000" not in html and "八年级" not in html


def test_withdrawn_awards_disappear(world, client, db) -> None:
    c = published(world, db)
    first = svc.results_of(c.contest)[0]
    svc.withdraw_award(first, actor=world.organizer, reason="抄袭")
    db.session.commit()
    html = client.get(f"/notice/{c.contest.code}").get_data(as_text=True)
    assert "作品01" not in html and "作品02" in html


def test_only_published_or_final_contests(world, client, db) -> None:
    c = judged_contest(world, TEN)
    svc.run_ranking(c.contest, actor=world.organizer)
    db.session.commit()
    assert client.get(f"/notice/{c.contest.code}").status_code == 404
    svc.lock(c.contest, actor=world.organizer)
    db.session.commit()
    assert client.get(f"/notice/{c.contest.code}").status_code == 404
    assert client.get("/notice/NOSUCH").status_code == 404
    svc.publish(c.contest, actor=world.organizer)
    db.session.commit()
    assert client.get(f"/notice/{c.contest.code}").status_code == 200


def test_search_narrows_the_list_and_says_so(world, client, db) -> None:
    c = published(world, db)
    url = f"/notice/{c.contest.code}"
    html = client.get(url).get_data(as_text=True)
    assert "共 6 项获奖作品。" in html and 'name="q"' in html
    html = client.get(url, query_string={"q": " 作品02 "}).get_data(as_text=True)
    assert "作品02" in html and "作品01" not in html
    assert "共 6 项获奖作品，其中 1 项与“作品02”相符。" in html and "显示全部" in html
    html = client.get(url, query_string={"q": "CX-XS-003"}).get_data(as_text=True)  # by number, any case
    assert "作品03" in html and "作品02" not in html
    html = client.get(url, query_string={"q": "第二中学 作品"}).get_data(as_text=True)  # every word must match
    assert "作品02" in html and "作品05" in html and "作品01" not in html
    html = client.get(url, query_string={"q": "不存在的作品"}).get_data(as_text=True)
    assert "没有与“不存在的作品”相符的获奖作品" in html
    html = client.get(url, query_string={"q": "学生01"}).get_data(as_text=True)  # names are not searchable when hidden
    assert "作品01" not in html


def test_search_by_name_when_names_are_shown(world, client, db) -> None:
    c = published(world, db, notice_show_names=True)
    html = client.get(f"/notice/{c.contest.code}", query_string={"q": "学生01"}).get_data(as_text=True)
    assert "作品01" in html and "作品02" not in html


def test_phone_layout_and_contact(world, client, db) -> None:
    c = published(world, db, notice_contact="市科协青少年部 0561-3000000")
    html = client.get(f"/notice/{c.contest.code}").get_data(as_text=True)
    assert "异议受理：</strong> 市科协青少年部 0561-3000000" in html
    assert 'class="notice-title"' in html and 'data-label="学校"' in html  # stacked on narrow screens
    assert "<title>获奖结果公示 · " in html


def test_a_final_notice_says_whether_the_notice_ran_out_or_was_cut_short(world, client, db) -> None:
    from datetime import timedelta

    c = published(world, db)
    run = svc.get_run(c.contest)
    svc.finalize(c.contest, actor=world.organizer, reason="颁奖典礼提前")
    db.session.commit()
    html = client.get(f"/notice/{c.contest.code}").get_data(as_text=True)
    assert "提前确定最终结果" in html and "公示期已结束" not in html and "现已期满" not in html
    # a notice that ran its full period says so
    run.finalized_at = run.notice_ends_at + timedelta(hours=1)
    db.session.commit()
    html = client.get(f"/notice/{c.contest.code}").get_data(as_text=True)
    assert "现已期满" in html and "提前" not in html
