"""查验证书: checking a certificate by its number and the recipient's name, without the QR code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, Certificate
from competition.services import certificates as service
from tests.factories.certificates import issued_world

NOT_FOUND = "没有与该编号和姓名相符的证书"
VALID = "真实有效"


@pytest.fixture()
def issued(world):
    w = issued_world(world)
    w.zhou = next(c for c in w.certs if c.recipient_name == "周子涵")
    w.rare = next(c for c in w.certs if c.recipient_name == "刘𠇔")
    return w


def check(client, number, name):
    return client.post("/verify", data={"number": number, "name": name})


def test_form_is_public_and_explains_itself(issued, client):
    page = client.get("/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("查验证书", "证书编号", "获奖者姓名", "noindex", 'method="post"'):
        assert text in html
    assert NOT_FOUND not in html and VALID not in html


def test_genuine_certificate_shows_what_it_prints(issued, client):
    cert = issued.rare
    resp = check(client, cert.number, "刘𠇔")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for text in (
        VALID,
        "刘𠇔",
        cert.data["school"],
        cert.data["title"],
        "二等奖",
        issued.contest.full_name,
        cert.number,
        "颁发日期",
        service.rules.chinese_date(service.certificate_date(issued.contest, cert)),
    ):
        assert text in html
    # Only this certificate: no other recipient of the contest appears.
    for other in issued.certs:
        if other.recipient_name != "刘𠇔":
            assert other.recipient_name not in html and other.number not in html


def test_number_tolerates_case_width_spaces_and_dashes_and_name_its_spaces(issued, client):
    number = issued.zhou.number  # e.g. 2025-C1-XS-0001
    full_width = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in number)
    for typed in (number.lower(), f"  {number} ", full_width, number.replace("-", "—"), number.replace("-", " - ")):
        html = check(client, typed, " 周子涵　").get_data(as_text=True)
        assert VALID in html and "周子涵" in html, typed


def test_wrong_name_and_wrong_number_get_the_same_answer(issued, client):
    cert = issued.zhou
    wrong_name = check(client, cert.number, "周子")
    wrong_number = check(client, cert.number[:-1] + "9", "周子涵")
    nothing = check(client, "XX-0000", "无此人")
    bodies = []
    for resp in (wrong_name, wrong_number, nothing):
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        assert NOT_FOUND in html and VALID not in html and "撤销" not in html
        # What was typed is kept; nothing of the certificate shows.
        assert cert.data["title"] not in html and issued.contest.full_name not in html
        bodies.append(re.sub(r'value="[^"]*"', "", html))
    assert bodies[0] == bodies[1] == bodies[2]  # the answer does not depend on which part was wrong
    # Another recipient's name with this number is "not found" too (no cross-matching).
    assert NOT_FOUND in check(client, cert.number, "吴浩然").get_data(as_text=True)


def test_missing_fields_say_what_is_missing_and_keep_the_other(issued, client):
    html = check(client, "", "周子涵").get_data(as_text=True)
    assert "请填写证书上印的证书编号" in html and 'value="周子涵"' in html and NOT_FOUND not in html
    html = check(client, issued.zhou.number, "  ").get_data(as_text=True)
    assert "请填写证书上印的获奖者姓名" in html and issued.zhou.number in html


def test_revoked_certificate_says_so_and_points_to_its_replacement(issued, client):
    cert = issued.rare
    service.revoke(cert, issued.organizer, "获奖等级调整")
    db.session.commit()
    html = check(client, cert.number, "刘𠇔").get_data(as_text=True)
    assert "已被撤销" in html and "获奖等级调整" in html and VALID not in html
    # The award comes back (higher): the recipient gets a new certificate under a new number.
    issued.r_rare.award = "一等奖"
    db.session.commit()
    service.issue(issued.contest, issued.organizer)
    db.session.commit()
    new = db.session.scalar(
        select(Certificate).where(Certificate.recipient_key == cert.recipient_key, Certificate.revoked.is_(False))
    )
    assert new.number != cert.number
    html = check(client, cert.number, "刘𠇔").get_data(as_text=True)
    assert "已被撤销" in html and f"已由证书 {new.number}（一等奖）替代" in html
    assert VALID in check(client, new.number, "刘𠇔").get_data(as_text=True)
    # The QR code of the revoked paper says the same.
    assert new.number in client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)


def test_corrected_name_old_paper_shows_the_old_revision(issued, client):
    cert = issued.zhou
    service.correct(cert, issued.organizer, name="周梓涵", reason="家长反映姓名有误")
    db.session.commit()
    old = check(client, cert.number, "周子涵").get_data(as_text=True)
    assert "旧版本" in old and "周子涵" in old and VALID not in old
    new = check(client, cert.number, "周梓涵").get_data(as_text=True)
    assert VALID in new and "周梓涵" in new and "第 2 版" in new and "周子涵" not in new


def test_team_certificate_answers_to_each_member(issued, client):
    contest = issued.contest
    contest.settings = {
        **(contest.settings or {}),
        "certificate": {**service.settings_of(contest), "per_team_member": False},
    }
    db.session.commit()
    db.session.execute(Certificate.__table__.delete())
    db.session.commit()
    service.issue(contest, issued.organizer)
    db.session.commit()
    team = db.session.scalar(select(Certificate).where(Certificate.kind == "team"))
    for name in ("周子涵", "吴浩然", "周子涵、吴浩然"):
        assert VALID in check(client, team.number, name).get_data(as_text=True), name
    assert NOT_FOUND in check(client, team.number, "张明").get_data(as_text=True)  # the adviser has their own


def test_adviser_certificate(issued, client):
    adviser = next(c for c in issued.certs if c.kind == "adviser" and c.recipient_name == "王㛃")
    html = check(client, adviser.number, "王㛃").get_data(as_text=True)
    assert VALID in html and "指导教师" in html


def test_same_number_in_two_contests_shows_only_the_named_one(issued, client):
    from tests import factories

    other = factories.make_contest(code="HB-OTHER", full_name="淮北市另一项竞赛")
    db.session.add(
        Certificate(
            contest_id=other.id,
            kind="student",
            recipient_key="student:999999",
            number=issued.zhou.number,
            seq=1,
            verification_code="other-code-1",
            data={"name": "孙悟空", "award": "一等奖", "title": "另一项目"},
            recipient_name="孙悟空",
            award="一等奖",
        )
    )
    db.session.commit()
    html = check(client, issued.zhou.number, "孙悟空").get_data(as_text=True)
    assert "淮北市另一项竞赛" in html and "周子涵" not in html and html.count(VALID) == 1
    html = check(client, issued.zhou.number, "周子涵").get_data(as_text=True)
    assert "淮北市另一项竞赛" not in html and "孙悟空" not in html


def test_nothing_is_audited_or_written(issued, client):
    before = db.session.scalar(select(db.func.count(AuditEvent.id)))
    check(client, issued.zhou.number, "周子涵")
    check(client, issued.zhou.number, "错误")
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == before


def test_links_to_the_form(issued, client):
    assert 'href="/verify"' in client.get(f"/verify/{issued.zhou.verification_code}").get_data(as_text=True)
    assert 'href="/verify"' in client.get("/verify/no-such-code").get_data(as_text=True)


def test_lookup_uses_the_number_index(issued, app):
    """EXPLAIN names the index on certificate.number (SQLite and PostgreSQL)."""
    from sqlalchemy import text

    dialect = db.engine.dialect.name
    sql = "SELECT id FROM certificate WHERE number IN ('A', 'b')"
    if dialect == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table would be scanned anyway
        plan = " ".join(r[0] for r in db.session.execute(text("EXPLAIN " + sql)))
    else:
        plan = " ".join(str(r[-1]) for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    db.session.rollback()
    assert "ix_certificate_number" in plan


def test_form_needs_its_csrf_token(issued, app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    resp = check(client, issued.zhou.number, "周子涵")
    assert resp.status_code == 400 and VALID not in resp.get_data(as_text=True)
    page = client.get("/verify").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*? value="([^"]+)"', page).group(1)
    resp = client.post("/verify", data={"csrf_token": token, "number": issued.zhou.number, "name": "周子涵"})
    assert resp.status_code == 200 and VALID in resp.get_data(as_text=True)


def test_lookup_is_rate_limited(issued, tmp_root, database_url):
    """A second app with rate limiting on (the shared limiter is switched off again afterwards)."""
    from competition import create_app
    from competition.extensions import limiter
    from tests.conftest import make_test_config

    limited = create_app(make_test_config(tmp_root, database_url, RATELIMIT_ENABLED=True))
    try:
        c = limited.test_client()
        assert all(check(c, "", "张三").status_code == 200 for _ in range(12))  # nothing looked up, not counted
        statuses = [check(c, f"2025-XX-XS-{i:04d}", "张三").status_code for i in range(11)]
        assert statuses[:10] == [200] * 10 and statuses[10] == 429
        refused = check(c, issued.zhou.number, "周子涵")  # even a right guess now
        html = refused.get_data(as_text=True)
        assert refused.status_code == 429 and "查验次数过多" in html and VALID not in html
        assert 'value="周子涵"' in html and issued.zhou.number in html  # the form keeps what was typed
        assert c.get("/verify").status_code == 200  # the form itself still opens
    finally:
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()
