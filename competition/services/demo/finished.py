"""The 2025 innovation contest (HB2025-CX), taken to the end through the real services."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ...extensions import db
from ...models import Assignment, Certificate, Contest, Entry, Round, ScoreSheet
from .city import SEED, City
from .entries import EntryMaker, make_contest, make_entries, review_entries
from .files import DemoFiles
from .judging import judge_round
from .rulings import (
    backdate_objections,
    decide_small_groups,
    nominate_past_district_cap,
    rank_and_settle_ties,
    settle_objections,
)

# The province's quota rules as the 2025 contest set them (Huaibei's real numbers are 30
# recommended of the innovation contest, 10 of 46 invention winners): 25 places, Anhui's shares
# per 学段 rounded half up (中专 its own stage with its own share), caps per school and per 区县,
# and the minimum scores for 一等奖 and for a nomination.
FINISHED_SETTINGS = {
    "nomination_quota": 25,
    "nomination_levels": ["一等奖", "二等奖"],
    "nomination_stage_shares": {"小学": 0.10, "初中": 0.20, "高中": 0.40, "中专": 0.10},
    "nomination_share_rounding": "half_up",
    "nomination_school_cap": 2,
    "nomination_district_cap": 3,
    "nomination_min_score": 80.0,
    "award_min_scores": {"一等奖": 80.0},
    "award_min_group_size": 3,
    "vocational_own_stage": True,
}


def seed_finished_contest(*, city: City, maker: EntryMaker, rng: random.Random, count: int = 78) -> Contest:
    """The 2025 innovation contest (HB2025-CX): all entries accepted, every sheet final, state `results`.

    Ranking, awards and certificates are added on top of this later.
    """
    contest = make_contest("innovation", "closed", code="HB2025-CX", year=2025)
    contest.settings = {**(contest.settings or {}), **FINISHED_SETTINGS}
    entries = make_entries(
        maker, contest, count, states=[("accepted", 1.0)], sections_weights={"XS": 4, "FD": 1}, vocational=2
    )
    judge_past_contest(contest, city, maker, rng, entries, within_days=20, seed=SEED + 2025, n_judges=18)
    db.session.flush()
    return contest


def judge_past_contest(
    contest: Contest,
    city: City,
    maker: EntryMaker,
    rng: random.Random,
    entries: list[Entry],
    *,
    within_days: float,
    seed: int,
    n_judges: int,
) -> None:
    """A past contest's entries submitted in the last `within_days` of its window (the work
    finished before), accepted, every sheet final and saved in its judging window: state `results`."""
    closes = contest.submission_closes_at
    assert closes is not None  # the shipped definition has its windows
    for e in entries:
        e.submitted_at = closes - timedelta(days=rng.uniform(1, within_days))
        maker.date_work(e, contest)
    review_entries(city, entries, rng, maker.targets)
    judge_round(contest, city, rng, final_share=1.0, draft_share=0.0, idle_judges=0, seed=seed, n_judges=n_judges)
    into_judging_window(contest, rng)
    contest.rounds[0].state = "closed"
    contest.state = "results"


def into_judging_window(contest: Contest, rng: random.Random) -> None:
    """A past contest's sheets were saved in its own judging window, not in the last days."""
    start, end = contest.judging_opens_at, contest.judging_closes_at
    assert start is not None and end is not None  # the shipped definition has its windows
    span = max((end - start).total_seconds(), 3600)
    sheets = db.session.scalars(
        select(ScoreSheet).join(Assignment).join(Round).where(Round.contest_id == contest.id)
    ).all()
    for sheet in sheets:
        sheet.updated_at = start + timedelta(seconds=rng.uniform(0, span))
        if sheet.submitted_at is not None:
            sheet.submitted_at = sheet.updated_at


def finish_contest(
    contest: Contest, city: City, files: DemoFiles, rng: random.Random, *, base_url: str | None = None
) -> None:
    """Take the 2025 contest to the end as an organizer would, through the real services: rank,
    settle ties at cut lines, decide the small groups' awards and one nomination past a district's
    cap, lock, publish for the public notice, settle the objections filed online (all backdated so
    the notice has ended), finalize, record some provincial outcomes and issue the certificates."""
    from .. import certificates, reports, results

    organizer = city.organizers[0]

    rank_and_settle_ties(contest, organizer)
    decide_small_groups(contest, organizer)
    nominate_past_district_cap(contest, organizer)
    results.lock(contest, actor=organizer)
    run = results.publish(contest, actor=organizer)
    settled = settle_objections(contest, city, files)
    # The whole run moves into the contest's own year, after its judging closed:
    # ranked < locked < published < notice ended < final < certificates issued.
    days = int(contest.settings_view.notice_days)
    closed = contest.judging_closes_at
    assert closed is not None  # the shipped definition has its windows
    published = closed + timedelta(days=4)
    notice_ends = published + timedelta(days=days)
    run.computed_at = closed + timedelta(days=2)
    run.locked_at = closed + timedelta(days=3)
    run.published_at = published
    run.notice_ends_at = notice_ends
    backdate_objections(settled, published)
    final_at = notice_ends + timedelta(hours=20)
    results.finalize(contest, actor=organizer, now=final_at)
    nominated = [e for e, _r in reports.nominated_entries(contest)]
    outcomes = {}
    for entry in nominated:
        outcomes[entry.id] = rng.choices(["省一等奖", "省二等奖", "省三等奖", "未获奖"], [2, 3, 3, 1])[0]
    if outcomes:
        reports.record_provincial_outcomes(contest, outcomes, organizer)
    certificates.issue(contest, organizer, reason="成绩定稿后颁发（演示数据）", base_url=base_url)
    issued_at = final_at + timedelta(days=2)
    for cert in db.session.scalars(select(Certificate).where(Certificate.contest_id == contest.id)):
        cert.issued_at = issued_at  # printed as the certificate's date
