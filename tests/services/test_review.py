"""Format review service: numbering, returning, rejecting, conflicts, scope, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.i18n.timeutil import utc_to_local
from competition.models import AuditEvent, Entry, utcnow
from competition.services import ServiceError, review
from tests import factories as f


def _future_local(days=7):
    return utc_to_local(utcnow() + timedelta(days=days)).replace(tzinfo=None, second=0, microsecond=0)


def _submitted(world, school=None, section_code="XS", **kw):
    return f.make_entry(world.contest, school or world.s1, state="submitted", section_code=section_code, **kw)


def test_accept_numbers_from_contest_pattern_and_audits(world, db):
    e1, e2 = _submitted(world), _submitted(world)
    review.accept(e1.id, actor=world.reviewer1)
    review.accept(e2.id, actor=world.reviewer1)
    db.session.commit()
    assert (e1.state, e1.number, e1.number_seq) == ("accepted", "CX2026-XS-001", 1)
    assert e2.number == "CX2026-XS-002"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == e1.id)).one()
    assert event.action == "entry.accept" and event.actor_id == world.reviewer1.id
    assert event.before == {"state": "submitted", "number": None}
    assert event.after == {"state": "accepted", "number": "CX2026-XS-001"}


def test_sequence_is_per_section_and_never_reused(world, db):
    xs = _submitted(world)
    fd = _submitted(world, section_code="FD", students=[], subject="科教方案类")
    review.accept(xs.id, actor=world.organizer)
    review.accept(fd.id, actor=world.organizer)
    assert fd.number == "CX2026-FD-001"
    # The organizer takes the acceptance back: the number is retired, not given to the next entry.
    review.return_entry(xs.id, actor=world.organizer, reason="缺少申报书", resubmit_by_local=_future_local())
    assert xs.number is None and xs.state == "returned"
    nxt = _submitted(world)
    review.accept(nxt.id, actor=world.organizer)
    assert nxt.number == "CX2026-XS-002"
    xs.state = "submitted"  # the school resubmits
    review.accept(xs.id, actor=world.organizer)
    assert xs.number == "CX2026-XS-003"


def test_pattern_without_section_skips_numbers_taken_by_other_sections(world, db):
    world.contest.settings = {**world.contest.settings, "entry_number_pattern": "{year}-{seq:03d}"}
    xs = _submitted(world)
    fd = _submitted(world, section_code="FD", students=[], subject="科教方案类")
    review.accept(xs.id, actor=world.organizer)
    review.accept(fd.id, actor=world.organizer)
    assert {xs.number, fd.number} == {"2026-001", "2026-002"}


def test_return_needs_reason_and_future_date(world, db):
    e = _submitted(world)
    with pytest.raises(ServiceError) as exc:
        review.return_entry(e.id, actor=world.reviewer1, reason="  ", resubmit_by_local=_future_local())
    assert exc.value.field == "reason"
    with pytest.raises(ServiceError) as exc:
        review.return_entry(e.id, actor=world.reviewer1, reason="照片不清晰", resubmit_by_local=_future_local(days=-1))
    assert exc.value.field == "resubmit_by"
    assert e.state == "submitted"
    when = _future_local(3)
    review.return_entry(e.id, actor=world.reviewer1, reason="照片不清晰", resubmit_by_local=when)
    assert e.review_reason == "照片不清晰"
    assert utc_to_local(e.resubmit_by).replace(tzinfo=None) == when


def test_reject_records_reason(world, db):
    e = _submitted(world)
    review.reject(e.id, actor=world.reviewer1, reason="不符合参赛条件")
    db.session.commit()
    assert (e.state, e.review_reason, e.number) == ("rejected", "不符合参赛条件", None)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == e.id)).one()
    assert event.reason == "不符合参赛条件" and event.after["state"] == "rejected"


def test_second_reviewer_gets_clear_message_and_nothing_doubles(world, db):
    e = _submitted(world)
    version = e.version
    review.accept(e.id, actor=world.reviewer1, expected_version=version)
    db.session.commit()
    with pytest.raises(ServiceError) as exc:
        review.accept(e.id, actor=world.organizer, expected_version=version)
    assert "相山审查员" in exc.value.message or "Nothing was changed" in exc.value.message
    db.session.rollback()
    with pytest.raises(ServiceError):
        review.reject(e.id, actor=world.organizer, reason="x", expected_version=version)
    db.session.rollback()
    db.session.refresh(e)
    assert e.number == "CX2026-XS-001" and e.state == "accepted"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == e.id)).all()
    assert len(events) == 1


def test_stale_version_is_refused_even_when_state_allows(world, db):
    e = _submitted(world)
    with pytest.raises(ServiceError):
        review.accept(e.id, actor=world.reviewer1, expected_version=e.version + 5)
    assert e.state == "submitted"


def test_reviewer_outside_district_and_closed_review_refused(world, db):
    e = _submitted(world, school=world.s3)
    with pytest.raises(ServiceError):
        review.accept(e.id, actor=world.reviewer1)
    world.contest.state = "judging"
    with pytest.raises(ServiceError):
        review.accept(e.id, actor=world.reviewer2)
    assert e.state == "submitted"


def test_only_organizer_takes_back_acceptance(world, db):
    e = _submitted(world)
    review.accept(e.id, actor=world.reviewer1)
    with pytest.raises(ServiceError):
        review.return_entry(e.id, actor=world.reviewer1, reason="x", resubmit_by_local=_future_local())
    review.return_entry(e.id, actor=world.organizer, reason="资料有误", resubmit_by_local=_future_local())
    assert e.state == "returned"


def test_queue_scope_filters_order_and_counts(world, db):
    old = _submitted(world, title="早提交")
    old.submitted_at = utcnow() - timedelta(days=3)
    new = _submitted(world, school=world.s2, title="晚提交", stage="小学", subject="物质科学")
    review.accept(_submitted(world).id, actor=world.organizer)
    f.make_entry(world.contest, world.s1)  # draft: never in the queue
    rows, total, counts = review.queue(world.reviewer1, review.QueueFilters())
    assert [r.title for r in rows] == ["早提交", "晚提交"] and total == 2
    assert counts == {"submitted": 2, "returned": 0, "accepted": 1, "rejected": 0}
    rows, _total, counts = review.queue(world.reviewer2, review.QueueFilters())
    assert [r.id for r in rows] == [world.entry3.id] and counts["accepted"] == 0
    rows, _total, _c = review.queue(world.organizer, review.QueueFilters(stage="小学"))
    assert [r.id for r in rows] == [new.id]
    rows, _t, _c = review.queue(world.organizer, review.QueueFilters(school_id=world.s3.id))
    assert [r.id for r in rows] == [world.entry3.id]
    rows, _t, _c = review.queue(world.organizer, review.QueueFilters(district_id=world.d1.id, state=None))
    assert len(rows) == 3
    # An unscoped reviewer sees every district.
    unscoped = f.make_user("reviewer", username="rev-all")
    assert review.queue(unscoped, review.QueueFilters())[1] == 3
    # Contests outside format review drop out of the queue.
    world.contest.state = "judging"
    assert review.queue(world.organizer, review.QueueFilters())[1] == 0


def test_bulk_accept_skips_what_it_may_not_touch(world, db):
    a, b = _submitted(world), _submitted(world, school=world.s2)
    accepted, problems = review.bulk_accept([a.id, b.id, world.entry3.id, 99999], actor=world.reviewer1)
    db.session.commit()
    assert sorted(e.id for e in accepted) == sorted([a.id, b.id])
    assert len(problems) == 2
    assert db.session.get(Entry, world.entry3.id).state == "submitted"
    # A second run changes nothing and says why.
    accepted, problems = review.bulk_accept([a.id], actor=world.reviewer1)
    assert accepted == [] and len(problems) == 1
