"""The organizer's objections desk through the real database and storage: the list, settling
with the withdrawal in one step, the finality of a finding and its audited correction, and the
location taken out of an objection's photos."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competition.adapters import images
from competition.adapters.storage import get_storage
from competition.domain.objections import Finding, ObjectionFiling
from competition.extensions import db
from competition.models import AuditEvent, ObjectionFile
from competition.models.base import utcnow
from competition.services import ServiceError, objections
from competition.services import results as results_service
from tests.adapters.test_images import phone_photo, png_with_location, scan
from tests.factories.accounts import sample
from tests.factories.results import on_notice as notice_world
from tests.factories.teacher import files_on_disk

FACTS = "该项目研究报告第3页的数据与2021年外省获奖作品完全一致，附两份报告的对照页。"


@pytest.fixture()
def on_notice(world, db):
    w = notice_world(world)
    w.r_team.nominated = True  # CX2026-XS-001: 一等奖 and nominated to the province
    db.session.commit()
    return w


def file(w, *, kind="person", number="CX2026-XS-001", uploads=None):
    filing = ObjectionFiling(
        kind=kind,
        name="王芳" if kind == "person" else "李强",
        unit="淮北市第一中学" if kind == "person" else "淮北市科技馆",
        phone="13905610001",
        entry_number=number,
        facts=FACTS,
    )
    role = "identity_document" if kind == "person" else "sealed_letter"
    if uploads is None:
        uploads = [objections.Upload(role, "证明.jpg", io.BytesIO(sample("photo_sample.jpg")))]
    return objections.file_online(w.contest, filing, uploads, storage=get_storage())


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_founded_objection_withdraws_award_and_nomination_in_one_step(on_notice, client) -> None:
    w = on_notice
    obj = file(w)
    db.session.commit()
    assert (w.r_team.final_award, w.r_team.final_nominated) == ("一等奖", True)
    objections.settle(obj, Finding("upheld", "经核查，研究报告数据系抄袭。", withdraw=True), actor=w.organizer)
    db.session.commit()
    db.session.expire_all()
    assert obj.outcome == "upheld" and obj.resolution == "经核查，研究报告数据系抄袭。"
    assert obj.resolved_by_id == w.organizer.id and obj.resolved_at is not None
    # both gone: no award, no nomination
    assert w.r_team.withdrawn and w.r_team.final_award is None and w.r_team.final_nominated is False
    [settled] = events("objection.settle")
    assert settled.actor_id == w.organizer.id and settled.object_id == obj.id
    assert settled.after == {"outcome": "upheld", "resolution": "经核查，研究报告数据系抄袭。", "withdrawn": True}
    [withdrawal] = events("results.withdraw")
    assert (
        withdrawal.object_id == w.r_team.id
        and withdrawal.reason == f"异议 {obj.receipt} 属实：经核查，研究报告数据系抄袭。"
    )
    assert withdrawal.before["nominated"] is True and withdrawal.after["withdrawn"] is True
    # the notice: the outcome, nothing of the filer or of the reasoning
    notice = client.get(f"/notice/{w.contest.code}").get_data(as_text=True)
    outcomes = notice[notice.index("异议处理结果") :]
    assert "CX2026-XS-001 校园雨水回收装置：" in " ".join(outcomes.split())
    assert "异议属实，已撤销奖项" in outcomes
    for private in ("王芳", "13905610001", "淮北市第一中学", "抄袭", obj.receipt):
        assert private not in notice
    assert "校园雨水回收装置</td>" not in notice  # no longer among the awarded entries


def test_a_settled_finding_is_final_and_changes_only_by_a_correction_with_its_reason(on_notice) -> None:
    w = on_notice
    obj = file(w)
    objections.settle(obj, Finding("dismissed", "数据系作者本人早期成果，不构成抄袭。"), actor=w.organizer)
    assert not w.r_team.withdrawn
    with pytest.raises(ServiceError) as err:  # settling again: refused, pointing to the correction
        objections.settle(obj, Finding("upheld", "改为属实。"), actor=w.organizer)
    assert "结论不可直接修改" in err.value.message and err.value.field == "finding"
    with pytest.raises(ServiceError):  # the old entry point keeps the rule
        objections.settle(obj, Finding("upheld", "改为属实。"), actor=w.organizer)
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.correct(
            obj, Finding("upheld", "复核发现数据确系抄袭。", withdraw=True), actor=w.organizer, reason=""
        )
    assert err.value.problems == [("reason", "请写明更正处理结论的原因。")]
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.correct(
            obj, Finding("dismissed", "数据系作者本人早期成果，不构成抄袭。"), actor=w.organizer, reason="复核"
        )
    assert err.value.problems[0][0] == "finding" and "没有任何改动" in err.value.problems[0][1]
    assert obj.outcome == "dismissed" and events("objection.correct") == []

    objections.correct(
        obj, Finding("upheld", "复核发现数据确系抄袭。", withdraw=True), actor=w.organizer, reason="收到原作者来函"
    )
    db.session.commit()
    assert obj.outcome == "upheld" and w.r_team.withdrawn and not w.r_team.final_nominated
    [correction] = events("objection.correct")
    assert correction.reason == "收到原作者来函"
    assert correction.before == {"outcome": "dismissed", "resolution": "数据系作者本人早期成果，不构成抄袭。"}
    assert correction.after == {"outcome": "upheld", "resolution": "复核发现数据确系抄袭。", "withdrawn": True}
    [row] = objections.desk(w.contest).objections
    assert [(c.outcome_before, c.outcome_after, c.reason, c.by) for c in row.corrections] == [
        ("dismissed", "upheld", "收到原作者来函", w.organizer.name)
    ]


def test_a_withdrawal_needs_a_founded_finding_and_an_award_to_take(on_notice) -> None:
    w = on_notice
    obj = file(w)
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.settle(obj, Finding("dismissed", "不属实。", withdraw=True), actor=w.organizer)
    assert err.value.problems == [("withdraw", "只有异议属实才能撤销奖项，请取消勾选。")]
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.settle(obj, Finding("", ""), actor=w.organizer)
    assert [f for f, _m in err.value.problems] == ["finding", "reasoning"]
    results_service.withdraw_award(w.r_team, actor=w.organizer, reason="另案撤销")
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.settle(obj, Finding("upheld", "属实。", withdraw=True), actor=w.organizer)
    assert err.value.problems == [("withdraw", "该项目已没有可撤销的奖项或推荐资格。")]
    assert obj.outcome is None and events("objection.settle") == []


def test_one_received_during_the_notice_is_settled_after_it_ended(on_notice) -> None:
    w = on_notice
    obj = file(w)
    run = results_service.get_run(w.contest)
    run.notice_ends_at = utcnow() - timedelta(hours=2)  # the notice is over, the results not final
    db.session.commit()
    desk = objections.desk(w.contest)
    assert desk.notice_ended and desk.closed is None and desk.counts["open"] == 1
    objections.settle(obj, Finding("upheld", "属实。", withdraw=True), actor=w.organizer)
    assert w.r_team.withdrawn and obj.outcome == "upheld"
    results_service.finalize(w.contest, actor=w.organizer)
    db.session.commit()
    # final: nothing is settled or corrected any more
    assert objections.desk(w.contest).closed == "本赛事结果已定稿并冻结。"
    with pytest.raises(ServiceError) as err:
        objections.correct(obj, Finding("dismissed", "改判。"), actor=w.organizer, reason="复核")
    assert "已定稿" in err.value.message and obj.outcome == "upheld"


def test_the_desk_lists_every_objection_with_its_files_and_counts_by_state(on_notice) -> None:
    w = on_notice
    person = file(w, uploads=None)
    unit = file(
        w,
        kind="unit",
        number="CX2026-XS-002",
        uploads=[
            objections.Upload("sealed_letter", "异议书.pdf", io.BytesIO(sample("research_report_sample.pdf"))),
            objections.Upload("evidence", "对照.png", io.BytesIO(sample("diagram_sample.png"))),
        ],
    )
    objections.settle(unit, Finding("dismissed", "不属实。"), actor=w.organizer)
    desk = objections.desk(w.contest)
    assert desk.counts == {"all": 2, "open": 1, "upheld": 0, "dismissed": 1}
    a, b = desk.objections
    assert (a.receipt, a.filer_kind, a.name, a.unit, a.contact) == (
        person.receipt,
        "person",
        "王芳",
        "淮北市第一中学",
        "13905610001",
    )
    assert (a.entry_number, a.award, a.nominated, a.state, a.can_withdraw) == (
        "CX2026-XS-001",
        "一等奖",
        True,
        "open",
        True,
    )
    assert [(f.role, f.name, f.kind) for f in a.files] == [("identity_document", "证明.jpg", "jpg")]
    assert (b.filer_kind, b.name, b.unit, b.state, b.resolved_by) == (
        "unit",
        "李强",
        "淮北市科技馆",
        "dismissed",
        w.organizer.name,
    )
    assert [(f.role, f.kind) for f in b.files] == [("sealed_letter", "pdf"), ("evidence", "png")]
    assert [o.id for o in objections.desk(w.contest, "open").objections] == [person.id]
    assert [o.id for o in objections.desk(w.contest, "dismissed").objections] == [unit.id]
    assert objections.desk(w.contest, "nonsense").state is None


def test_an_objections_photos_lose_their_location_before_they_are_stored(on_notice) -> None:
    w = on_notice
    jpeg = phone_photo()  # the sample phone photo with GPS tags in EXIF and again in XMP
    assert images.location_of(jpeg)  # it does carry the place
    obj = file(
        w,
        uploads=[
            objections.Upload("identity_document", "身份证.jpg", io.BytesIO(jpeg)),
            objections.Upload("evidence", "现场.png", io.BytesIO(png_with_location())),
        ],
    )
    db.session.commit()
    photo, png = obj.files
    stored = get_storage().read_bytes(photo.storage_key)
    assert images.location_of(stored) == {} and b"GPSLatitude" not in stored
    assert scan(stored) == scan(jpeg)  # the image itself untouched
    assert photo.size == len(stored) and photo.sha256 == hashlib.sha256(stored).hexdigest()
    assert images.location_of(get_storage().read_bytes(png.storage_key)) == {}
    # the copies with the location are not kept: one stored file per ObjectionFile
    assert db.session.scalar(select(func.count()).select_from(ObjectionFile)) == 2
    assert len(files_on_disk()) == 2


def test_a_correction_to_not_founded_gives_back_the_award_and_nomination_exactly(on_notice, client) -> None:
    w = on_notice
    w.r_team.override_award, w.r_team.override_reason = "二等奖", "评委会复议"  # a change by hand, kept too
    db.session.commit()
    as_they_were = (w.r_team.final_award, w.r_team.final_nominated, w.r_team.award, w.r_team.override_award)
    assert as_they_were == ("二等奖", True, "一等奖", "二等奖")
    obj = file(w)
    objections.settle(obj, Finding("upheld", "经核查，研究报告数据系抄袭。", withdraw=True), actor=w.organizer)
    db.session.commit()
    assert w.r_team.withdrawn and w.r_team.final_award is None and w.r_team.final_nominated is False
    [row] = objections.desk(w.contest).objections
    assert row.can_reinstate and not row.can_withdraw

    # giving back needs the finding reversed
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.correct(obj, Finding("upheld", "补充核查记录。", reinstate=True), actor=w.organizer, reason="补充")
    assert err.value.problems == [("reinstate", "只有将结论更正为不属实，才能恢复已撤销的奖项，请取消勾选。")]
    objections.correct(
        obj,
        Finding("dismissed", "原作者来函确认数据系本组同学早期成果，不构成抄袭。", reinstate=True),
        actor=w.organizer,
        reason="收到原作者澄清函",
    )
    db.session.commit()
    db.session.expire_all()
    assert not w.r_team.withdrawn and w.r_team.withdrawn_reason is None
    assert (w.r_team.final_award, w.r_team.final_nominated, w.r_team.award, w.r_team.override_award) == as_they_were
    # the audit log: the withdrawal and the return, the result before the one equal to it after the other
    [withdrawal] = events("results.withdraw")
    [back] = events("results.reinstate")
    assert back.before == withdrawal.after and back.after == withdrawal.before
    assert back.reason == f"异议 {obj.receipt} 更正为不属实：原作者来函确认数据系本组同学早期成果，不构成抄袭。"
    [correction] = events("objection.correct")
    assert correction.reason == "收到原作者澄清函" and correction.after["reinstated"] is True
    assert correction.before["outcome"] == "upheld" and correction.after["outcome"] == "dismissed"
    [row] = objections.desk(w.contest).objections
    assert not row.can_reinstate and row.can_withdraw and [c.reinstated for c in row.corrections] == [True]
    # given back once: a second time there is nothing to give back
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.correct(obj, Finding("dismissed", "再次确认。", reinstate=True), actor=w.organizer, reason="复核")
    assert [f for f, _m in err.value.problems] == ["reinstate"]
    assert len(events("results.reinstate")) == 1
    # the notice and the receipt: the outcome, nothing of the filer, the reasoning or the reason
    notice = " ".join(client.get(f"/notice/{w.contest.code}").get_data(as_text=True).split())
    assert "CX2026-XS-001 校园雨水回收装置：经更正，异议不属实，已恢复奖项" in notice
    assert "校园雨水回收装置</td>" in notice  # among the awarded entries again
    for private in ("王芳", "13905610001", "抄袭", "澄清", obj.receipt):  # its school is the entry's, shown
        assert private not in notice
    status = objections.status_of(obj.receipt or "")
    assert status is not None and status.outcome == "dismissed" and status.award_reinstated


def test_only_what_this_objection_withdrew_is_given_back(on_notice) -> None:
    w = on_notice
    obj = file(w)
    objections.settle(obj, Finding("upheld", "属实，但另案处理。"), actor=w.organizer)
    results_service.withdraw_award(w.r_team, actor=w.organizer, reason="另案撤销")  # by hand, not by it
    db.session.commit()
    [row] = objections.desk(w.contest).objections
    assert not row.can_reinstate
    with pytest.raises(objections.ObjectionProblems) as err:
        objections.correct(obj, Finding("dismissed", "复核不属实。", reinstate=True), actor=w.organizer, reason="复核")
    assert err.value.problems == [("reinstate", "本异议没有撤销过仍处于撤销状态的奖项或推荐资格，无可恢复。")]
    db.session.rollback()
    assert w.r_team.withdrawn and events("results.reinstate") == [] and obj.outcome == "upheld"
