"""The demo's entry points: load it all, tell whether it is there, list its accounts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...models import Assignment, District, ScoreSheet, User
from .city import SEED, City
from .entries import EntryMaker, make_contest, make_entries, review_entries, set_windows
from .files import DemoFiles
from .finished import finish_contest, seed_finished_contest
from .judging import judge_round
from .notice import seed_contest_on_notice

MARKER_DISTRICT = "相山区"


@dataclass
class DemoAccount:
    username: str
    role: str
    where: str


def demo_present() -> bool:
    return db.session.scalar(select(District).where(District.name == MARKER_DISTRICT)) is not None


def seed_demo(base_url: str | None = None) -> list[DemoAccount]:
    """Load the whole demo (the caller commits); does nothing if it is already there. ``base_url``
    is the address the certificates' QR codes encode (PUBLIC_BASE_URL)."""
    if demo_present():
        return demo_accounts()
    rng = random.Random(SEED)
    city = City(rng)
    city.build()
    files = DemoFiles()
    maker = EntryMaker(city, files, rng)

    # The science film festival: open for submissions.
    film = make_contest("film", "open")
    set_windows(film, opens=-30, closes=20, judging=(25, 35))
    make_entries(maker, film, 60, states=[("draft", 0.35), ("submitted", 0.65)])

    # The invention contest: closed, in format review.
    invention = make_contest("invention", "closed")
    set_windows(invention, opens=-50, closes=-3, judging=(5, 15))
    entries = make_entries(
        maker,
        invention,
        90,
        states=[("draft", 0.05), ("submitted", 0.55), ("accepted", 0.25), ("returned", 0.12), ("rejected", 0.03)],
    )
    review_entries(city, [e for e in entries if e.state == "submitted"], rng, maker.targets)

    # The 2026 innovation contest: judging.
    innovation = make_contest("innovation", "closed")
    set_windows(innovation, opens=-75, closes=-20, judging=(-4, 10))
    entries = make_entries(
        maker,
        innovation,
        110,
        states=[("accepted", 0.95), ("rejected", 0.03), ("draft", 0.02)],
        sections_weights={"XS": 6, "FD": 1},
    )
    review_entries(city, [e for e in entries if e.state == "submitted"], rng, maker.targets)
    innovation.state = "judging"
    judge_round(innovation, city, rng, final_share=0.6, draft_share=0.15, idle_judges=2, seed=SEED)

    finished = seed_finished_contest(city=city, maker=maker, rng=rng)
    finish_contest(finished, city, files, rng, base_url=base_url)
    seed_contest_on_notice(city, maker, files, rng)
    _judges_logged_in()
    db.session.flush()
    return demo_accounts()


def _judges_logged_in() -> None:
    """A judge who saved a sheet logged in to do it: the last login is just before the last save."""
    last_save = dict(
        db.session.execute(
            select(Assignment.judge_id, func.max(ScoreSheet.updated_at))
            .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .group_by(Assignment.judge_id)
        ).all()
    )
    for judge_id, saved in last_save.items():
        user = db.session.get(User, judge_id)
        assert user is not None  # the judge of an assignment
        if user.last_login_at is None or user.last_login_at < saved - timedelta(hours=8):
            user.last_login_at = saved - timedelta(minutes=40)


ROLE_ORDER = {"organizer": 0, "reviewer": 1, "judge": 2, "teacher": 3}


def demo_accounts() -> list[DemoAccount]:
    users = db.session.scalars(select(User).where(User.username.not_like("%@%")).order_by(User.username)).all()
    rows = []
    for u in users:
        role = min(u.roles, key=lambda r: ROLE_ORDER.get(r, 9)) if u.roles else ""
        if u.school:
            where = u.school.name
        elif u.district:
            where = u.district.name
        elif role == "reviewer":
            where = "全市"
        else:
            where = u.affiliation or "淮北市科学技术协会"
        rows.append(DemoAccount(username=u.username, role=role, where=where))
    rows.sort(key=lambda a: (ROLE_ORDER.get(a.role, 9), a.username))
    return rows
