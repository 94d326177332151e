"""The submission workflow's service: drafts, materials, submit, withdraw, resubmit, audit."""

import io
from datetime import timedelta

import pytest

from competition.adapters.storage import get_storage
from competition.domain.eligibility import AdviserData, EntryData, PersonData
from competition.extensions import db
from competition.models import Attachment, AuditEvent, Entry, utcnow
from competition.services import ServiceError, submissions
from competition.services.submissions.transitions import _move
from tests import factories as f
from tests.factories.teacher import (
    DIAGRAM_PNG,
    PHOTO_JPG,
    REPORT_DOCX,
    REPORT_PDF,
    attach,
    complete,
    files_on_disk,
    ready_entry,
    requirement,
)


def entry_input(**changes):
    data = dict(
        title="雨水回收",
        abstract="摘要",
        stage="初中",
        subject="物理与天文学",
        completed_on=None,
        contact_phone="0561-3098765",
        data_confirmed=True,
        students=(PersonData(name="王芳", gender="女", grade="八年级", school_name="淮北市第一中学"),),
        advisers=(AdviserData(name="张老师", gender="男", unit="淮北市第一中学", phone="13900000000"),),
    )
    data.update(changes)
    return EntryData(**data)


def save(entry, section, *, world, contest=None, **changes):
    return submissions.save_draft(
        entry, entry_input(**changes), section_id=section.id, school=world.s1, actor=world.teacher1, contest=contest
    )


def events(action):
    return db.session.query(AuditEvent).filter_by(action=action).all()


def test_create_a_draft_with_only_a_title(world):
    section = f.section(world.contest, "XS")
    entry = submissions.save_draft(
        None,
        EntryData(title="只有标题"),
        section_id=section.id,
        school=world.s1,
        actor=world.teacher1,
        contest=world.contest,
    )
    assert entry.state == "draft" and entry.created_by_id == world.teacher1.id
    assert events("entry.create")[0].after["title"] == "只有标题"
    found = {p.field for p in submissions.problems(entry)}
    assert {"abstract", "stage", "students", "materials", "completed_on"} <= found


def test_a_draft_without_a_title_is_refused(world):
    section = f.section(world.contest, "XS")
    with pytest.raises(submissions.EntryProblems) as err:
        save(None, section, world=world, contest=world.contest, title="  ")
    assert err.value.errors[0][0] == "title"
    assert db.session.query(Entry).count() == 2


def test_update_replaces_students_and_records_what_changed(world):
    entry = world.entry1
    section = entry.section
    students = [
        PersonData(name="王芳", gender="女", grade="八年级", school_name="淮北市第一中学"),
        PersonData(name="李明", gender="男", grade="八年级", school_name="淮北市第一中学"),
    ]
    save(entry, section, world=world, is_team=True, students=tuple(students))
    assert [s.name for s in entry.students] == ["王芳", "李明"]
    assert entry.is_team and entry.students[0].stage == "初中"
    event = events("entry.update")[0]
    assert "students" in event.after and "title" in event.before


def test_counselor_sections_drop_students_and_advisers(world):
    section = f.section(world.contest, "FD")
    entry = save(None, section, world=world, contest=world.contest, subject="科教方案类")
    assert entry.students == [] and entry.advisers == [] and not entry.is_team


def test_the_section_cannot_change_while_materials_are_uploaded(world):
    entry = world.entry1
    attach(entry, "report")
    with pytest.raises(submissions.EntryProblems) as err:
        save(entry, f.section(world.contest, "FD"), world=world, students=(), advisers=())
    assert err.value.errors[0][0] == "section"


def test_a_section_of_another_contest_is_refused(world):
    other = f.make_contest("invention")
    with pytest.raises(submissions.EntryProblems):
        save(None, other.sections[0], world=world, contest=world.contest)


def test_no_new_drafts_once_the_contest_closed(world):
    world.contest.submission_closes_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(ServiceError):
        save(None, f.section(world.contest, "XS"), world=world, contest=world.contest)


def test_upload_is_stored_under_a_random_key_with_its_hash(world):
    attachment = attach(world.entry1, "report", REPORT_PDF)
    assert attachment.file_kind == "pdf" and attachment.content_type == "application/pdf"
    assert attachment.size == REPORT_PDF.stat().st_size
    assert get_storage().exists(attachment.storage_key)
    assert attachment.original_name == "research_report_sample.pdf"
    assert events("attachment.upload")[0].after["sha256"] == attachment.sha256


def test_a_docx_renamed_pdf_is_refused_and_nothing_is_left(world):
    with pytest.raises(ServiceError) as err:
        attach(world.entry1, "report", REPORT_DOCX, name="研究报告.pdf")
    assert "研究报告.pdf" in err.value.message and "DOCX" in err.value.message and "PDF" in err.value.message
    db.session.rollback()
    assert db.session.query(Attachment).count() == 0
    assert files_on_disk() == []


def test_oversized_upload_is_refused_with_the_limit(world):
    req = requirement(world.entry1, "report")
    req.max_size_mb = 0  # every non-empty file is too large
    with pytest.raises(ServiceError) as err:
        attach(world.entry1, "report", REPORT_PDF)
    assert "0 MB" in err.value.message and "research_report_sample.pdf" in err.value.message
    db.session.rollback()
    assert files_on_disk() == [] and db.session.query(Attachment).count() == 0


def test_a_real_pdf_with_the_wrong_extension_gets_the_right_one(world):
    attachment = attach(world.entry1, "report", REPORT_PDF, name="报告.docx")
    assert attachment.original_name == "报告.docx.pdf"


def test_max_files_per_material(world):
    attach(world.entry1, "form", PHOTO_JPG)
    with pytest.raises(ServiceError) as err:
        attach(world.entry1, "form", DIAGRAM_PNG)
    assert "1" in err.value.message


def test_rolled_back_upload_leaves_no_file(world):
    attach(world.entry1, "report", REPORT_PDF)
    db.session.rollback()
    assert files_on_disk() == []


def test_delete_attachment_removes_the_file_after_commit(world):
    attachment = attach(world.entry1, "report", REPORT_PDF)
    db.session.commit()
    key = attachment.storage_key
    submissions.delete_attachment(attachment, actor=world.teacher1)
    assert get_storage().exists(key)  # not before the deletion is committed
    db.session.commit()
    assert not get_storage().exists(key)
    assert events("attachment.delete")[0].before["name"] == "research_report_sample.pdf"


def test_submit_a_complete_entry(world):
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    assert entry.state == "submitted" and entry.submitted_at is not None and entry.version == 2
    event = events("entry.submit")[0]
    assert event.before == {"state": "draft"} and event.after["state"] == "submitted"
    assert event.actor_id == world.teacher1.id


def test_submit_an_incomplete_entry_lists_every_problem(world):
    with pytest.raises(submissions.EntryProblems) as err:
        submissions.submit(world.entry1, actor=world.teacher1)
    fields = {f for f, _t in err.value.errors}
    assert "materials" in fields and "completed_on" in fields
    assert any("研究报告" in t for _f, t in err.value.errors)
    db.session.rollback()
    assert db.session.get(Entry, world.entry1.id).state == "draft"


def test_submit_after_the_deadline_is_refused(world):
    entry = ready_entry(world.entry1)
    world.contest.submission_closes_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(ServiceError) as err:
        submissions.submit(entry, actor=world.teacher1)
    assert "截止" in err.value.message
    assert events("entry.submit") == []


def test_one_entry_per_student_per_contest(world):
    ready_entry(world.entry1)
    twin = world.entry1.students[0]
    other = f.make_entry(
        world.contest,
        world.s1,
        teacher=world.teacher1,
        students=[
            {
                "name": twin.name.replace("", " ").strip(),
                "gender": "男",
                "grade": twin.grade,
                "school_name": twin.school_name,
            }
        ],
    )
    submissions.submit(world.entry1, actor=world.teacher1)
    ready_entry(other)
    with pytest.raises(submissions.EntryProblems) as err:
        submissions.submit(other, actor=world.teacher1)
    assert any(world.entry1.title in t for _f, t in err.value.errors)


def test_one_counselor_entry_per_teacher(world):
    mine = f.make_entry(world.contest, world.s1, section_code="FD", teacher=world.teacher1, subject="科教方案类")
    ready = f.make_entry(
        world.contest,
        world.s1,
        section_code="FD",
        teacher=world.teacher1,
        subject="科教方案类",
        state="submitted",
        title="已报的方案",
    )
    complete(mine)
    attach(mine, "report")
    attach(mine, "form", PHOTO_JPG)
    with pytest.raises(submissions.EntryProblems) as err:
        submissions.submit(mine, actor=world.teacher1)
    assert any("已报的方案" in t for _f, t in err.value.errors)
    assert ready.state == "submitted"


def test_submitting_twice_is_refused(world):
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    with pytest.raises(ServiceError) as err:
        submissions.submit(entry, actor=world.teacher1)
    assert "已经提交" in err.value.message
    assert len(events("entry.submit")) == 1


def test_a_stale_copy_cannot_overwrite_a_newer_state(world, app):
    """Two tabs: the second submit sees a changed version and is refused."""
    entry = ready_entry(world.entry1)
    db.session.execute(Entry.__table__.update().where(Entry.id == entry.id).values(version=Entry.version + 1))
    with pytest.raises(ServiceError):
        _move(entry, "submitted", actor=world.teacher1, action="entry.submit")


def test_withdraw_back_to_draft_before_the_deadline(world):
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    submissions.withdraw(entry, actor=world.teacher1)
    assert entry.state == "draft" and entry.submitted_at is None
    assert events("entry.withdraw")[0].before == {"state": "submitted"}


def test_no_withdraw_after_review_started_or_after_the_deadline(world):
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    entry.reviewed_at = utcnow()
    with pytest.raises(ServiceError):
        submissions.withdraw(entry, actor=world.teacher1)
    entry.reviewed_at = None
    world.contest.submission_closes_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(ServiceError):
        submissions.withdraw(entry, actor=world.teacher1)


def test_a_returned_entry_is_fixed_and_resubmitted_until_its_date(world):
    entry = ready_entry(world.entry1)
    entry.state = "returned"
    entry.review_reason = "缺少签字"
    entry.resubmit_by = utcnow() + timedelta(days=2)
    world.contest.state = "closed"
    world.contest.submission_closes_at = utcnow() - timedelta(days=1)
    db.session.flush()
    assert submissions.is_editable(entry)
    submissions.submit(entry, actor=world.teacher1)
    assert entry.state == "submitted"
    assert events("entry.resubmit")[0].before == {"state": "returned"}


def test_a_returned_entry_after_its_date_is_closed(world):
    entry = ready_entry(world.entry1)
    entry.state = "returned"
    entry.resubmit_by = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert not submissions.is_editable(entry)
    with pytest.raises(ServiceError):
        submissions.submit(entry, actor=world.teacher1)
    with pytest.raises(ServiceError):
        attach(entry, "photos", PHOTO_JPG)


def test_submitted_entries_cannot_be_edited(world):
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    with pytest.raises(ServiceError):
        save(entry, entry.section, world=world)
    with pytest.raises(ServiceError):
        submissions.delete_attachment(entry.attachments[0], actor=world.teacher1)


def test_checklist_and_problems_for_many_entries(world):
    ready_entry(world.entry1)
    result = submissions.problems_by_entry([world.entry1, world.entry3])
    assert result == {world.entry1.id: []}  # entry3 is submitted: nothing to list
    parts = dict(submissions.checklist(submissions.problems(world.entry1)))
    assert all(parts.values())


def test_stream_is_read_in_chunks(world):
    class Counting(io.BytesIO):
        biggest = 0

        def read(self, n=-1):
            Counting.biggest = max(Counting.biggest, n)
            assert n != -1, "the whole file was read at once"
            return super().read(n)

    submissions.store_upload(
        world.entry1,
        requirement(world.entry1, "report"),
        Counting(REPORT_PDF.read_bytes()),
        "r.pdf",
        actor=world.teacher1,
    )
    assert 0 < Counting.biggest <= 1024 * 1024


def test_two_tabs_submitting_at_the_same_moment(app, world):
    """The race is decided by the database: exactly one submit wins, one audit event."""
    import threading

    from competition.models import User

    ready_entry(world.entry1)
    entry_id, teacher_id = world.entry1.id, world.teacher1.id
    barrier = threading.Barrier(2)
    results = []

    def tab():
        with app.app_context():
            try:
                entry = db.session.get(Entry, entry_id)
                user = db.session.get(User, teacher_id)
                barrier.wait(timeout=10)
                submissions.submit(entry, actor=user)
                db.session.commit()
                results.append("ok")
            except ServiceError as exc:
                db.session.rollback()
                results.append(exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results, key=lambda r: r != "ok")[0] == "ok" and results.count("ok") == 1, results
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).state == "submitted"
    assert db.session.query(AuditEvent).filter_by(action="entry.submit").count() == 1


def test_draft_problems_checks_without_saving(world):
    section = f.section(world.contest, "XS")
    found = submissions.draft_problems(entry_input(title=" ", contact_phone="12345"), section)
    assert {p.field for p in found} == {"title", "contact_phone"}
    assert db.session.query(Entry).count() == 2


def test_discard_a_returned_entry_frees_its_students(world):
    entry = ready_entry(world.entry1)
    submissions.submit(entry, actor=world.teacher1)
    entry.state = "returned"
    entry.resubmit_by = utcnow() + timedelta(days=2)
    db.session.flush()
    name = entry.students[0].name
    rival = f.make_entry(
        world.contest,
        world.s1,
        teacher=world.teacher1,
        students=[
            {
                "name": name,
                "gender": entry.students[0].gender,
                "grade": entry.students[0].grade,
                "school_name": entry.students[0].school_name,
            }
        ],
    )

    def holds_a_place(p):
        return p.field == "students" and "already an author" in p.template

    assert any(holds_a_place(p) for p in submissions.problems(rival))
    submissions.discard(entry, actor=world.teacher1)
    assert db.session.get(Entry, entry.id).state == "withdrawn"
    assert not any(holds_a_place(p) for p in submissions.problems(rival))
    with pytest.raises(ServiceError):
        submissions.discard(entry, actor=world.teacher1)
    assert [e.after["state"] for e in events("entry.discard")] == ["withdrawn"]
