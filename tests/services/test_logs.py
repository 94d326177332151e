"""The services that change much at once log it at INFO on their module's logger: who, which
contest and how many (a ranking run, publishing, finalizing, imports). Backups: tests/test_backup.py."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from competition.services import ServiceError, imports
from competition.services import results as svc
from tests.factories import accounts as fa
from tests.factories.results import judged_contest

TEN = [[90 - 3 * i + d for d in (-1, 0, 1)] for i in range(10)]


@pytest.fixture()
def info(caplog):
    """The INFO messages of one competition.* logger."""
    caplog.set_level(logging.INFO, logger="competition")

    def messages(logger: str) -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.INFO]

    return messages


def test_ranking_publishing_and_finalizing_are_logged(world, db, info) -> None:
    c = judged_contest(world, TEN, code="LOG1", settings={"nomination_quota": 2})
    by = f"by=organizer (#{world.organizer.id})"
    svc.run_ranking(c.contest, actor=world.organizer, method="trimmed_mean")
    assert info("competition.services.results") == [
        f"ranking run: contest=LOG1 {by} method=trimmed_mean entries=10 scores=30 ties=0 components=1"
    ]
    svc.lock(c.contest, actor=world.organizer)
    run = svc.publish(c.contest, actor=world.organizer)
    standing = svc.results_of(c.contest)
    awards, nominated = sum(1 for r in standing if r.final_award), sum(1 for r in standing if r.final_nominated)
    assert awards > 0 and nominated > 0
    published = info("competition.services.results")[1]
    assert published == (
        f"results published: contest=LOG1 {by} entries=10 awards={awards} nominated={nominated} "
        f"notice_ends_at={run.notice_ends_at.isoformat()}"
    )
    svc.finalize(c.contest, actor=world.organizer, now=run.notice_ends_at + timedelta(hours=1))
    assert info("competition.services.results")[2] == (
        f"results final: contest=LOG1 {by} entries=10 awards={awards} nominated={nominated} early=no"
    )


def test_refused_publishing_logs_nothing(world, db, info) -> None:
    c = judged_contest(world, TEN, code="LOG2")
    svc.run_ranking(c.contest, actor=None)
    assert info("competition.services.results")[0].startswith("ranking run: contest=LOG2 by=system ")
    with pytest.raises(ServiceError):
        svc.publish(c.contest, actor=world.organizer)  # not locked
    assert len(info("competition.services.results")) == 1


def test_imports_are_logged_with_contest_and_counts(db, info) -> None:
    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    imports.apply("teachers", fa.sample("teachers_libreoffice.xlsx"), "教师名单.xlsx", actor=boss)
    contest = fa.contest_2023()
    out = imports.apply(
        "entries",
        fa.sample("entries_libreoffice.xlsx"),
        "entries.xlsx",
        actor=boss,
        contest=contest,
        entry_state="accepted",
    )
    schools, teachers, entries = info("competition.services.imports")
    by = f"by=boss (#{boss.id})"
    assert schools.startswith(f"import of schools: contest=- {by} file=schools_gbk.csv rows=")
    assert teachers.startswith(f"import of teachers: contest=- {by} file=教师名单.xlsx rows=")
    assert entries == (
        f"import of entries: contest={contest.code} {by} file=entries.xlsx rows=30 created=30 updated=0 unchanged=0"
    )
    assert out.created == 30
