"""Rows for export and report tests: a judged, ranked contest with results, score sheets and
stored materials (made through the real models and the real storage)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from competition.adapters.storage import get_storage
from competition.extensions import db
from competition.models import (
    Assignment,
    Attachment,
    Result,
    ScoreSheet,
    utcnow,
)
from tests.factories import make_entry, make_user, section

PDF_BYTES = b"%PDF-1.4\n% test report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPG_BYTES = b"\xff\xd8\xff\xe0" + b"JFIF-test-photo" * 100


def make_result(
    contest,
    entry,
    *,
    score: float,
    rank: int,
    award: str | None = None,
    nominated: bool = False,
    reason: str | None = None,
    **fields,
) -> Result:
    result = Result(
        contest_id=contest.id,
        entry_id=entry.id,
        group_key=f"{entry.section.code}|{entry.stage}",
        method="trimmed_mean",
        n_judges=5,
        raw_mean=fields.pop("raw_mean", score - 0.5),
        trimmed_mean=fields.pop("trimmed_mean", score - 0.25),
        score=score,
        rank=rank,
        award=award,
        nominated=nominated,
        nomination_reason=reason,
        **fields,
    )
    db.session.add(result)
    db.session.flush()
    return result


def store_attachment(
    entry, requirement_code: str | None, name: str, data: bytes, kind: str, *, uploaded_at=None
) -> Attachment:
    stored = get_storage().save_stream(io.BytesIO(data))
    req = None
    if requirement_code:
        req = next(m for m in entry.section.materials if m.code == requirement_code)
    att = Attachment(
        entry_id=entry.id,
        requirement_id=req.id if req else None,
        original_name=name,
        storage_key=stored.key,
        file_kind=kind,
        content_type={"pdf": "application/pdf", "jpg": "image/jpeg"}.get(kind, "application/octet-stream"),
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=uploaded_at or utcnow(),
    )
    db.session.add(att)
    db.session.flush()
    return att


def build_ranked(w) -> SimpleNamespace:
    """On top of tests.factories.build_world(): four accepted, numbered entries with results
    (two nominated), one judged round with score sheets, and stored materials."""
    c = w.contest
    r = SimpleNamespace(contest=c)
    r.team = make_entry(
        c,
        w.s1,
        teacher=w.teacher1,
        state="accepted",
        number="CX2026-XS-001",
        stage="初中",
        title="校园雨水回收与再利用装置",
        contact_phone="13800000001",
        students=[
            {"name": "张小明", "gender": "男", "grade": "八年级"},
            {"name": "李小红", "gender": "女", "grade": "七年级"},
        ],
        advisers=[{"name": "张老师", "gender": "女", "phone": "13900000001"}, {"name": "周老师", "gender": "男"}],
    )
    r.evil = make_entry(
        c,
        w.s3,
        teacher=w.teacher3,
        state="accepted",
        number="CX2026-XS-002",
        stage="高中",
        title='=HYPERLINK("http://x")',
        contact_phone="-1",
        students=[{"name": "@王五", "gender": "男", "grade": "高一"}],
    )
    r.plain = make_entry(
        c,
        w.s2,
        teacher=w.teacher2,
        state="accepted",
        number="CX2026-XS-003",
        stage="初中",
        title="教室二氧化碳浓度监测",
    )
    r.unranked = make_entry(
        c, w.s2, teacher=w.teacher2, state="accepted", number="CX2026-XS-004", stage="小学", title="蚂蚁的觅食路线"
    )
    r.counselor = make_entry(
        c,
        w.s1,
        teacher=w.teacher1,
        section_code="FD",
        state="accepted",
        number="CX2026-FD-001",
        stage="初中",
        subject="科教方案类",
        title="校园气象站科学课程方案",
        students=[],
    )
    r.res_team = make_result(
        c, r.team, score=91.236, rank=1, award="一等奖", nominated=True, reason="初中组第1名，占初中名额"
    )
    r.res_evil = make_result(
        c, r.evil, score=88.5, rank=1, award="一等奖", nominated=True, reason="高中组第1名，占高中名额"
    )
    r.res_plain = make_result(c, r.plain, score=80.0, rank=2, award="二等奖")
    r.res_counselor = make_result(
        c, r.counselor, score=85.0, rank=1, award="一等奖", override_nominated=True, override_reason="专家组推荐"
    )

    # Round 1 score sheets: judge1 final on two entries, judge2 a draft and one not started.
    rnd = next(x for x in c.rounds if x.number == 1)
    crit = {cr.code: cr for cr in rnd.rubric_for(section(c, "XS").id).criteria}
    r.round = rnd
    r.criteria = crit

    def sheet(judge, entry, values, comment, state="final"):
        a = Assignment(round_id=rnd.id, judge_id=judge.id, entry_id=entry.id, published=True)
        db.session.add(a)
        db.session.flush()
        if values is None:
            return a
        scores = {str(crit[k].id): v for k, v in values.items()}
        db.session.add(
            ScoreSheet(
                assignment_id=a.id,
                state=state,
                scores=scores,
                total=float(sum(values.values())),
                comment=comment,
                submitted_at=utcnow() if state == "final" else None,
            )
        )
        db.session.flush()
        return a

    sheet(w.judge2, r.team, {"novelty": 36, "science": 27, "practical": 18, "selfmade": 9}, "选题贴近生活，数据翔实。")
    sheet(w.judge2, r.evil, {"novelty": 30, "science": 25.5, "practical": 15, "selfmade": 8}, "=1+1 评语")
    sheet(w.judge1, r.plain, {"novelty": 20, "science": 20}, "未完成", state="draft")
    sheet(w.judge1, r.team, None, "")

    # Materials: a report, two photos and a file without a requirement.
    from datetime import timedelta

    t0 = utcnow()
    r.report = store_attachment(r.team, "report", "我的研究报告.pdf", PDF_BYTES, "pdf", uploaded_at=t0)
    r.photo1 = store_attachment(
        r.team, "photos", "IMG_001.JPG", JPG_BYTES, "jpg", uploaded_at=t0 + timedelta(seconds=1)
    )
    r.photo2 = store_attachment(
        r.team, "photos", "IMG_002.jpg", JPG_BYTES[::-1], "jpg", uploaded_at=t0 + timedelta(seconds=2)
    )
    r.evil_report = store_attachment(r.evil, "report", "report.pdf", PDF_BYTES + b"evil", "pdf")
    db.session.commit()
    return r


def make_organizer_and_others(w):
    """The roles that must be refused on exports, besides anonymous."""
    return [w.teacher1, w.judge1, w.reviewer1, make_user("teacher", "judge", school=w.s2)]
