"""The judges' messages through the real SMTP server and the message centre: assigned (with the
count and the due date in Beijing time), released, the round closed."""

from __future__ import annotations

from datetime import datetime

from competition.extensions import db
from competition.i18n.timeutil import local_to_utc
from competition.jobs import notify as job
from competition.models import Assignment, Notification, RoundJudge
from competition.services import judging
from tests.factories.judging import judging_world, planned


def _notes(kind, user):
    return db.session.scalars(
        db.select(Notification).where(Notification.kind == kind, Notification.user_id == user.id)
    ).all()


def test_publishing_tells_each_judge_the_count_and_the_due_date(world, smtp, login_as):
    j = judging_world(world)
    world.contest.judging_closes_at = local_to_utc(datetime(2027, 4, 30, 18, 0))
    world.judge1.email = "zhao@judges.example"
    db.session.commit()
    planned(world, j)
    job.wait_all()
    count = db.session.scalar(
        db.select(db.func.count(Assignment.id)).where(
            Assignment.judge_id == world.judge1.id, Assignment.round_id == j.round1.id
        )
    )
    assert count > 0
    (note,) = _notes("judge.assigned", world.judge1)
    assert f"{count} 件" in note.subject and "2027-04-30 18:00" in note.body
    (mail,) = [m for m in smtp.messages if m["To"] == "zhao@judges.example"]
    assert mail["Subject"] == note.subject
    assert "2027-04-30 18:00" in mail.get_body(("plain",)).get_content()
    assert f"http://contest.example/judge/?contest={world.contest.id}" in mail.get_body(("plain",)).get_content()
    client = login_as(world.judge1)
    answer = client.get(f"/messages/{note.id}")
    assert client.get(answer.headers["Location"]).status_code == 200
    # every judge with entries got exactly one message
    judges_with_work = set(db.session.scalars(db.select(Assignment.judge_id).where(Assignment.round_id == j.round1.id)))
    told = set(db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "judge.assigned")))
    assert told == judges_with_work


def test_releasing_a_judge_and_closing_the_round_tell_the_judges(world, smtp):
    j = judging_world(world)
    world.judge1.email = "zhao@judges.example"
    db.session.commit()
    planned(world, j)
    rj = db.session.scalars(
        db.select(RoundJudge).where(RoundJudge.round_id == j.round1.id, RoundJudge.judge_id == world.judge1.id)
    ).one()
    released = judging.release_round_judge(rj, actor=world.organizer, reason="生病")
    db.session.commit()
    (note,) = _notes("judge.released", world.judge1)
    assert f"{released} 件" in note.body
    judging.set_round_state(j.round1, "closed", actor=world.organizer)
    db.session.commit()
    job.wait_all()
    closed = db.session.scalars(db.select(Notification).where(Notification.kind == "round.closed")).all()
    panel = set(db.session.scalars(db.select(RoundJudge.judge_id).where(RoundJudge.round_id == j.round1.id)))
    assert {n.user_id for n in closed} >= panel and len(closed) == len({n.user_id for n in closed})
    subjects = sorted(m["Subject"] for m in smtp.messages if m["To"] == "zhao@judges.example")
    # judge1 kept nothing, so left the panel: told of the release, not of the closing
    told_closed = world.judge1.id in {n.user_id for n in closed}
    assert len(subjects) == 2 + told_closed and any(s.startswith("评审任务变更") for s in subjects)
    assert any(s.startswith("评审已结束") for s in subjects) == told_closed
    assert len(closed) >= 1 and all(n.subject.startswith("评审已结束") for n in closed)
