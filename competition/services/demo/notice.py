"""The 2025 science film festival (HB2025-YX), on public notice (公示) now, with one objection
filed online from the notice page and not settled yet: the organizer settles it live at the
objections desk. Built through the real services, small (two dozen films) to keep seeding fast."""

from __future__ import annotations

import random
from datetime import timedelta

from ...extensions import db
from ...models import Contest, Objection, utcnow
from .. import results
from .city import SEED, City
from .entries import EntryMaker, make_contest, make_entries, set_windows
from .files import DemoFiles
from .finished import judge_past_contest
from .rulings import file_objection, objection_by, rank_and_settle_ties

NOTICE_SETTINGS = {"ranking_group_by": ["stage"]}  # 小学组 / 初中组 / 高中组, as the festival ranks films


def seed_contest_on_notice(city: City, maker: EntryMaker, files: DemoFiles, rng: random.Random) -> Contest:
    """Judged, ranked and published three days ago; the notice runs four more days."""
    contest = make_contest("film", "closed", code="HB2025-YX", year=2025)
    contest.settings = {**(contest.settings or {}), **NOTICE_SETTINGS}
    set_windows(contest, opens=-120, closes=-75, judging=(-60, -20))
    entries = make_entries(maker, contest, 24, states=[("accepted", 1.0)])
    judge_past_contest(contest, city, maker, rng, entries, within_days=30, seed=SEED + 7, n_judges=10)
    organizer = city.organizers[0]
    rank_and_settle_ties(contest, organizer)
    results.lock(contest, actor=organizer)
    run = results.publish(contest, actor=organizer)
    now = utcnow()
    run.computed_at = now - timedelta(days=5)
    run.locked_at = now - timedelta(days=4)
    run.published_at = now - timedelta(days=3)
    run.notice_ends_at = run.published_at + timedelta(days=int(contest.settings_view.notice_days))
    open_objection(contest, city, files)
    db.session.flush()
    return contest


def open_objection(contest: Contest, city: City, files: DemoFiles) -> Objection:
    """A parent objects to the best film on the notice: filed yesterday, waiting at the desk."""
    best = max(
        (r for r in results.results_of(contest) if r.final_award and r.entry.number),
        key=lambda r: r.score or 0,
    )
    filing = objection_by(
        city,
        "person",
        "淮北市相山区人民路小学",
        best.entry.number or "",
        "该影片中的部分延时摄影镜头与网络上已发布的科普视频画面相同，疑似未注明来源直接使用，请核查素材来源。",
    )
    uploads = [
        ("identity_document", "身份证明.jpg", files.jpeg),
        ("evidence", "画面对比截图.pdf", files.pdf("异议证据")),
    ]
    objection = file_objection(contest, filing, uploads, files)
    objection.received_at = utcnow() - timedelta(days=1, hours=2)
    return objection
