"""Objections filed online from the notice page, through the real database and storage."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competition.adapters.storage import get_storage
from competition.domain.objections import Finding, ObjectionFiling
from competition.extensions import db
from competition.models import AuditEvent, Objection, ObjectionFile
from competition.models.base import utcnow
from competition.services import ServiceError, objections
from competition.services import results as results_service
from tests.factories.accounts import sample
from tests.factories.results import on_notice as notice_world

FACTS = "该项目研究报告第3页的数据与2021年外省获奖作品完全一致，附两份报告的对照页。"


@pytest.fixture()
def on_notice(world, db):
    return notice_world(world)


def person(**changes) -> ObjectionFiling:
    base = ObjectionFiling(
        kind="person",
        name="王芳",
        unit="淮北市第一中学",
        phone="13905610001",
        entry_number="CX2026-XS-001",
        facts=FACTS,
    )
    return replace(base, **changes)


def upload(role: str, name: str = "photo_sample.jpg", data: bytes | None = None) -> objections.Upload:
    return objections.Upload(role, name, io.BytesIO(sample(name) if data is None else data))


def file(w, filing, uploads):
    return objections.file_online(w.contest, filing, uploads, storage=get_storage())


def test_a_person_files_and_gets_a_receipt(on_notice) -> None:
    w = on_notice
    obj = file(
        w,
        person(entry_number=" cx2026-xs-001 "),
        [upload("identity_document"), upload("evidence", "research_report_sample.pdf")],
    )
    db.session.commit()
    assert obj.receipt.startswith(f"{w.contest.code}-YY-") and len(obj.receipt) == len(w.contest.code) + 12
    assert obj.entry_id == w.team.id and obj.filer_kind == "person" and obj.filer_unit == "淮北市第一中学"
    assert obj.submitter_name == "王芳" and obj.submitter_contact == "13905610001" and obj.content == FACTS
    assert [(f.role, f.file_kind) for f in obj.files] == [("identity_document", "jpg"), ("evidence", "pdf")]
    assert all(get_storage().exists(f.storage_key) for f in obj.files)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "objection.file_online")).one()
    assert event.actor_id is None and event.after["receipt"] == obj.receipt
    # the receipt shows the status, nothing personal
    status = objections.status_of(obj.receipt.lower().replace("-yy-", " -YY- "))
    assert status is not None and status.entry_number == "CX2026-XS-001" and status.outcome is None
    assert "王芳" not in repr(status) and "13905610001" not in repr(status)
    assert objections.status_of("HB-YY-NOSUCH") is None and objections.status_of("") is None


def test_a_unit_needs_its_sealed_letter(on_notice) -> None:
    w = on_notice
    unit = person(kind="unit", name="李强", unit="淮北市科技馆")
    with pytest.raises(objections.ObjectionProblems) as err:
        file(w, unit, [upload("identity_document")])
    assert [f for f, _m in err.value.problems] == ["sealed_letter"]
    obj = file(w, unit, [upload("sealed_letter", "research_report_sample.pdf")])
    assert obj.filer_kind == "unit" and [f.role for f in obj.files] == ["sealed_letter"]


def test_anonymous_wrong_or_unknown_entries_are_refused_and_nothing_is_kept(on_notice) -> None:
    w = on_notice
    with pytest.raises(objections.ObjectionProblems) as err:
        file(w, person(name="", phone="123"), [])
    assert [f for f, _m in err.value.problems] == ["name", "phone", "identity_document"]
    assert "实名" in err.value.problems[0][1] or "匿名" in err.value.problems[0][1]
    # the entry without an award is not on the notice; neither is a number that does not exist
    for number in ("CX2026-XS-004", "CX2026-XS-999"):
        with pytest.raises(objections.ObjectionProblems) as err:
            file(w, person(entry_number=number), [upload("identity_document")])
        assert err.value.problems == [("entry_number", f"公示名单中没有编号为 {number} 的项目。")]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Objection)) == 0


def test_a_file_that_is_not_what_it_says_is_refused(on_notice) -> None:
    w = on_notice
    with pytest.raises(ServiceError) as err:
        file(w, person(), [upload("identity_document", "report.pdf", b"MZ\x90\x00 not a pdf at all")])
    assert err.value.field == "identity_document" and "report.pdf" in err.value.message
    with pytest.raises(ServiceError) as err:  # a Word file is evidence, never an identity document
        file(w, person(), [upload("identity_document", "research_report_sample.docx")])
    assert "PDF / JPG / PNG" in err.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ObjectionFile)) == 0


def test_late_and_early_objections_are_refused(on_notice) -> None:
    w = on_notice
    run = results_service.get_run(w.contest)
    run.notice_ends_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(ServiceError) as err:
        file(w, person(), [upload("identity_document")])
    assert "公示已于" in err.value.message and "不予受理" in err.value.message
    w.contest.state = "results"  # not (yet) on notice
    run.notice_ends_at = utcnow() + timedelta(days=3)
    with pytest.raises(ServiceError) as err:
        file(w, person(), [upload("identity_document")])
    assert "未在公示期" in err.value.message


def test_the_notice_shows_settled_outcomes_without_personal_data(on_notice) -> None:
    w = on_notice
    obj = file(w, person(), [upload("identity_document")])
    assert objections.public_outcomes(w.contest) == []  # being looked into
    objections.settle(obj, Finding("upheld", "经核实，王芳反映属实。"), actor=w.organizer)
    results_service.withdraw_award(w.r_team, actor=w.organizer, reason="异议属实，撤销奖项")
    [shown] = objections.public_outcomes(w.contest)
    assert (shown.entry_number, shown.outcome, shown.award_withdrawn) == ("CX2026-XS-001", "upheld", True)
    assert "王芳" not in repr(shown)
    assert objections.status_of(obj.receipt).award_withdrawn is True
