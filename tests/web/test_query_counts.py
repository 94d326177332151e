"""Query counts of the busiest pages: a contest ten times as large costs no more queries (no N+1).

Each page is measured on a small contest and on one ten times as large, built alike (same
schools, judges, materials and sheet states in turn), and the counts must be equal.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from competition.extensions import db
from competition.models import Objection, ObjectionFile
from competition.models.base import utcnow
from competition.services import objections
from competition.services import results as results_service
from tests.factories import judging as fj
from tests.factories import make_contest, make_entry, make_school, make_user
from tests.factories.results import judged_contest
from tests.fixtures.database import QueryCount

SMALL, LARGE = 3, 30


def judging_contest(world, n: int, code: str) -> SimpleNamespace:
    """A contest in judging with ``n`` accepted entries (each from its own school, with students,
    advisers, a report and a photo), all assigned to judge1 and two more judges; judge1's sheets
    are in turn submitted, a draft, and not started."""
    c = SimpleNamespace()
    c.contest = make_contest("innovation", state="judging", code=code)
    c.round = fj.round_of(c.contest, 1)
    others = [make_user("judge", name=f"{code}评委{k}") for k in range(2)]
    fj.add_judges(c.round, [world.judge1, *others])
    c.assignments = []
    for i in range(n):
        school = make_school(world.d1, f"{code}学校{i:02d}")
        entry = make_entry(
            c.contest,
            school,
            state="accepted",
            title=f"{code}作品{i:02d}",
            number=f"{code}-XS-{i + 1:03d}",
            advisers=[{"name": f"导师{i}", "unit": "某校"}],
        )
        fj.attach(entry)
        fj.attach(entry, name="照片.jpg", kind="jpg", content_type="image/jpeg", requirement_code=None)
        mine = fj.assign(c.round, world.judge1, entry)
        c.assignments.append(mine)
        if i % 3 == 0:
            fj.sheet(mine, fj.full_scores(), state="final")
        elif i % 3 == 1:
            fj.sheet(mine, {"novelty": 20}, comment="还差两项")
        for judge in others:
            fj.sheet(fj.assign(c.round, judge, entry), fj.full_scores(i % 5), state="final")
    return c


def measure(count_queries, client, url: str, expect: str) -> QueryCount:
    with count_queries() as count:
        page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and expect in html, url
    return count


def same_statements(small: QueryCount, large: QueryCount) -> str:
    """The statements the large contest sent more often than the small one, for the failure."""
    extra = [s for s in dict.fromkeys(large.statements) if large.statements.count(s) > small.statements.count(s)]
    return "sent more often on the large contest:\n" + "\n".join(s[:200] for s in extra)


@pytest.fixture()
def judge_client(world, login_as):
    small = judging_contest(world, SMALL, "QS")
    large = judging_contest(world, LARGE, "QL")
    return SimpleNamespace(small=small, large=large, client=login_as(world.judge1))


def test_judges_list_does_not_grow_with_entries(judge_client, count_queries) -> None:
    j = judge_client
    small = measure(count_queries, j.client, f"/judge/?contest={j.small.contest.id}", "QS作品02")
    large = measure(count_queries, j.client, f"/judge/?contest={j.large.contest.id}", "QL作品29")
    print(f"judge list: {small()} queries for {SMALL} entries, {large()} for {LARGE}")
    assert large() == small(), same_statements(small, large)


def test_scoring_page_does_not_grow_with_entries(judge_client, count_queries) -> None:
    j = judge_client
    # the draft (second entry) of each contest: its sheet, criteria, materials and progress
    small = measure(count_queries, j.client, f"/judge/a/{j.small.assignments[1].id}", "还差两项")
    large = measure(count_queries, j.client, f"/judge/a/{j.large.assignments[1].id}", "还差两项")
    print(f"scoring page: {small()} queries for {SMALL} entries, {large()} for {LARGE}")
    assert large() == small(), same_statements(small, large)


def ranked(world, n: int, code: str):
    """A ranked contest of ``n`` entries, each from its own school."""
    totals = [[90 - i % 40 + d for d in (-1, 0, 1)] for i in range(n)]
    schools = [make_school(world.d1, f"{code}学校{i:02d}") for i in range(n)]
    c = judged_contest(world, totals, code=code, schools=schools)
    results_service.run_ranking(c.contest, actor=world.organizer)
    return c


def test_results_page_does_not_grow_with_entries(world, login_as, count_queries) -> None:
    small_contest = ranked(world, SMALL, "RQS")
    large_contest = ranked(world, LARGE, "RQL")
    client = login_as(world.organizer)
    url = "/organizer/contests/{}/results"
    small = measure(count_queries, client, url.format(small_contest.contest.id), "CX-XS-003")
    large = measure(count_queries, client, url.format(large_contest.contest.id), "CX-XS-030")
    print(f"results page: {small()} queries for {SMALL} entries, {large()} for {LARGE}")
    assert large() == small(), same_statements(small, large)


def with_objections(world, n: int, code: str):
    """``ranked`` and published, with an objection to each entry (person and unit in turn, each
    with a file); every third one settled, and the first of those corrected."""
    c = ranked(world, n, code)
    results_service.lock(c.contest, actor=world.organizer)
    results_service.publish(c.contest, actor=world.organizer, contact="市科协 0561-3000000")
    for i, entry in enumerate(c.entries):
        o = Objection(
            contest_id=c.contest.id,
            entry_id=entry.id,
            submitter_name=f"提出人{i}",
            submitter_contact="13905610001",
            content="该项目研究报告与外省获奖作品雷同，附对照页。",
            received_at=utcnow(),
            receipt=f"{code}-YY-{i:04d}",
            filer_kind=("person", "unit")[i % 2],
            filer_unit=f"单位{i}",
            files=[
                ObjectionFile(
                    role="evidence",
                    original_name=f"证据{i}.pdf",
                    storage_key=f"k{i}",
                    file_kind="pdf",
                    size=1,
                    sha256="0" * 64,
                )
            ],
        )
        db.session.add(o)
        db.session.flush()
        if i % 3 == 0:
            objections.settle(o, objections.Finding("dismissed", "不属实。"), actor=world.organizer)
            if i == 0:
                objections.correct(o, objections.Finding("upheld", "属实。"), actor=world.organizer, reason="复核")
    db.session.commit()
    return c


def test_objections_page_does_not_grow_with_objections(world, login_as, count_queries) -> None:
    small_contest = with_objections(world, SMALL, "OQS")
    large_contest = with_objections(world, LARGE, "OQL")
    client = login_as(world.organizer)
    url = "/organizer/contests/{}/objections"
    small = measure(count_queries, client, url.format(small_contest.contest.id), "OQS-YY-0002")
    large = measure(count_queries, client, url.format(large_contest.contest.id), "OQL-YY-0029")
    print(f"objections page: {small()} queries for {SMALL} objections, {large()} for {LARGE}")
    assert large() == small(), same_statements(small, large)
