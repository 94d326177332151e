"""The teacher's pages: every route, every refusal, and that nothing typed or uploaded is lost."""

import io
import os
import tracemalloc
from datetime import timedelta

import pytest

from competition.extensions import db
from competition.models import Attachment, AuditEvent, Entry, utcnow
from tests import factories as f
from tests.factories.teacher import (
    DIAGRAM_PNG,
    PHOTO_JPG,
    REPORT_DOCX,
    REPORT_PDF,
    attach,
    files_on_disk,
    form_data,
    ready_entry,
    requirement,
    upload,
)


def routes(entry_id, att_id=1, req_id=1):
    return [
        ("get", "/teacher/"),
        ("get", "/teacher/entries/new?contest=1"),
        ("post", "/teacher/entries/new?contest=1"),
        ("get", f"/teacher/entries/{entry_id}"),
        ("get", f"/teacher/entries/{entry_id}/edit"),
        ("post", f"/teacher/entries/{entry_id}/edit"),
        ("post", f"/teacher/entries/{entry_id}/materials/{req_id}"),
        ("post", f"/teacher/entries/{entry_id}/attachments/{att_id}/delete"),
        ("post", f"/teacher/entries/{entry_id}/submit"),
        ("post", f"/teacher/entries/{entry_id}/withdraw"),
        ("get", f"/teacher/entries/{entry_id}/application-form.pdf"),
    ]


def entry_routes(entry_id, att_id, req_id):
    return [r for r in routes(entry_id, att_id, req_id) if "/entries/" in r[1] and "new" not in r[1]]


def test_anonymous_users_are_sent_to_log_in(client, world):
    for method, url in routes(world.entry1.id):
        resp = getattr(client, method)(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url


@pytest.mark.parametrize("who", ["reviewer1", "judge1", "organizer"])
def test_other_roles_cannot_use_the_teacher_pages(client, world, login_as, who):
    login_as(getattr(world, who))
    for method, url in routes(world.entry1.id):
        assert getattr(client, method)(url).status_code == 403, url


def test_a_teacher_of_another_school_gets_404_on_everything(client, world, login_as):
    att = attach(world.entry1, "report")
    req = requirement(world.entry1, "report")
    db.session.commit()
    login_as(world.teacher2)
    for method, url in entry_routes(world.entry1.id, att.id, req.id):
        data = (
            {"file": (io.BytesIO(REPORT_PDF.read_bytes()), "x.pdf")} if "materials" in url else form_data(world.entry1)
        )
        resp = getattr(client, method)(url, data=data) if method == "post" else client.get(url)
        assert resp.status_code == 404, url  # another school's entry answers as a missing one
    assert db.session.query(Attachment).count() == 1
    assert db.session.get(Entry, world.entry1.id).state == "draft"
    assert db.session.get(Entry, world.entry1.id).title == "校园雨水回收装置"


def test_guessing_ids_gives_404(client, world, login_as):
    login_as(world.teacher1)
    for method, url in entry_routes(99999, 99999, 99999):
        assert getattr(client, method)(url).status_code == 404, url
    # an attachment or material of another entry, reached through one's own entry
    other = attach(f.make_entry(world.contest, world.s3, teacher=world.teacher3), "report")
    db.session.commit()
    assert client.post(f"/teacher/entries/{world.entry1.id}/attachments/{other.id}/delete").status_code == 404
    fd_req = requirement(f.make_entry(world.contest, world.s1, section_code="FD"), "report")
    db.session.commit()
    resp = upload(client, world.entry1.id, fd_req.id, REPORT_PDF)
    assert resp.status_code == 404
    assert db.session.get(Attachment, other.id) is not None


def test_the_list_shows_only_our_schools_entries(client, world, login_as):
    login_as(world.teacher1)
    page = client.get("/teacher/").get_data(as_text=True)
    assert "校园雨水回收装置" in page and "濉溪土壤调查" not in page
    assert "草稿" in page and "新建申报" in page and "北京时间" in page
    assert "缺少" in page or "项" in page
    assert "还剩" in page


def test_html_in_a_title_is_shown_escaped(client, world, login_as):
    world.entry1.title = '<script>alert("x")</script><b>粗体</b>'
    db.session.commit()
    login_as(world.teacher1)
    for url in ("/teacher/", f"/teacher/entries/{world.entry1.id}", f"/teacher/entries/{world.entry1.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<b>粗体</b>" not in page
        assert "&lt;script&gt;" in page or "&lt;b&gt;" in page


def test_choose_a_section_then_create_a_draft(client, world, login_as):
    login_as(world.teacher1)
    choose = client.get(f"/teacher/entries/new?contest={world.contest.id}").get_data(as_text=True)
    assert "学生科技创新成果" in choose and "科技辅导员科技教育创新成果" in choose
    section = f.section(world.contest, "XS")
    page = client.get(f"/teacher/entries/new?contest={world.contest.id}&section={section.id}").get_data(as_text=True)
    assert "基本信息" in page and "作者" in page and "指导教师" in page and "淮北市第一中学" in page
    data = form_data(None, section=str(section.id), title="新的项目")
    resp = client.post(f"/teacher/entries/new?contest={world.contest.id}", data=data)
    assert resp.status_code == 302
    entry = db.session.query(Entry).filter_by(title="新的项目").one()
    assert entry.school_id == world.s1.id and entry.created_by_id == world.teacher1.id and entry.state == "draft"
    assert [(s.name, s.gender, s.grade, s.school_name) for s in entry.students] == [
        ("王芳", "女", "八年级", "淮北市第一中学")
    ]
    assert entry.advisers[0].phone == "13900000000" and entry.data_confirmed
    assert db.session.query(AuditEvent).filter_by(action="entry.create", object_id=entry.id).count() == 1
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "草稿已保存" in page and "缺少的材料/信息" in page and "研究报告" in page


def test_a_draft_needs_only_a_title(client, world, login_as):
    login_as(world.teacher1)
    section = f.section(world.contest, "XS")
    resp = client.post(
        f"/teacher/entries/new?contest={world.contest.id}", data={"section": str(section.id), "title": "只有标题"}
    )
    assert resp.status_code == 302
    assert db.session.query(Entry).filter_by(title="只有标题").one().students == []


def test_missing_title_keeps_everything_typed_and_saves_nothing(client, world, login_as):
    login_as(world.teacher1)
    section = f.section(world.contest, "XS")
    data = form_data(
        None,
        section=str(section.id),
        title="",
        abstract="我写了很长的摘要",
        **{"students-3-name": "李堃", "students-3-grade": "八年级", "students-3-school_name": "淮北市第一中学"},
    )
    resp = client.post(f"/teacher/entries/new?contest={world.contest.id}", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "草稿未保存" in page and "请填写项目名称" in page
    for kept in ("我写了很长的摘要", "王芳", "李堃", "13900000000", "0561-3098765", "2025-12-01"):
        assert kept in page, kept
    assert db.session.query(Entry).count() == 2


def test_a_failed_edit_keeps_the_input_and_the_uploaded_files(client, world, login_as):
    attach(world.entry1, "report")
    db.session.commit()
    files_before = files_on_disk()
    login_as(world.teacher1)
    data = form_data(
        world.entry1,
        title="改过的名称",
        **{
            "students-1-name": "甲",
            "students-1-gender": "男",
            "students-1-grade": "八年级",
            "students-2-name": "乙",
            "students-2-gender": "男",
            "students-2-grade": "八年级",
            "students-3-name": "丙",
            "students-3-gender": "男",
            "students-3-grade": "八年级",
            "is_team": "1",
        },
    )
    resp = client.post(f"/teacher/entries/{world.entry1.id}/edit", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "本类别最多填写 3 名学生" in page
    assert "改过的名称" in page and "丙" in page
    assert "research_report_sample.pdf" in page  # the uploaded file is listed and kept
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.title == "校园雨水回收装置" and len(entry.students) == 1
    assert files_on_disk() == files_before and len(entry.attachments) == 1


def test_bad_values_are_named_field_by_field(client, world, login_as):
    login_as(world.teacher1)
    data = form_data(
        world.entry1,
        contact_phone="打电话给我",
        completed_on="2025-13-45",
        subject="物质科学",
        **{"advisers-0-phone": "abc"},
    )
    resp = client.post(f"/teacher/entries/{world.entry1.id}/edit", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "打电话给我" in page and "abc" in page and "2025-13-45" in page
    resp = client.post(
        f"/teacher/entries/{world.entry1.id}/edit",
        data=form_data(world.entry1, contact_phone="打电话给我", subject="物质科学", **{"advisers-0-phone": "abc"}),
    )
    page = resp.get_data(as_text=True)
    assert "联系电话“打电话给我”格式不正确" in page
    assert "不设“物质科学”学科" in page
    assert "指导教师 1：电话号码“abc”格式不正确" in page


def test_rows_removed_in_the_browser_leave_gaps_that_are_fine(client, world, login_as):
    login_as(world.teacher1)
    data = form_data(
        world.entry1,
        is_team="1",
        **{
            "students-0-name": "王芳",
            "students-4-name": "李明",
            "students-4-gender": "男",
            "students-4-grade": "八年级",
            "students-4-school_name": "淮北市第一中学",
            "students-7-name": "",
            "students-7-gender": "",
        },
    )
    assert client.post(f"/teacher/entries/{world.entry1.id}/edit", data=data).status_code == 302
    assert [s.name for s in db.session.get(Entry, world.entry1.id).students] == ["王芳", "李明"]


def test_counselor_form_has_no_student_rows(client, world, login_as):
    login_as(world.teacher1)
    section = f.section(world.contest, "FD")
    page = client.get(f"/teacher/entries/new?contest={world.contest.id}&section={section.id}").get_data(as_text=True)
    assert "本类别的作者是您本人" in page
    data = form_data(None, section=str(section.id), subject="科教方案类", title="教学方案")
    assert client.post(f"/teacher/entries/new?contest={world.contest.id}", data=data).status_code == 302
    entry = db.session.query(Entry).filter_by(title="教学方案").one()
    assert entry.students == [] and entry.advisers == []


def test_upload_a_real_pdf_then_delete_it(client, world, login_as):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    resp = upload(client, world.entry1.id, req.id, REPORT_PDF)
    assert resp.status_code == 302
    att = db.session.query(Attachment).one()
    assert att.file_kind == "pdf" and att.original_name == "research_report_sample.pdf"
    assert len(files_on_disk()) == 1
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "research_report_sample.pdf" in page
    resp = client.post(f"/teacher/entries/{world.entry1.id}/attachments/{att.id}/delete")
    assert resp.status_code == 302
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []


def upload_photos(client, entry, files):
    req = requirement(entry, "photos")
    return client.post(
        f"/teacher/entries/{entry.id}/materials/{req.id}",
        content_type="multipart/form-data",
        data={"file": [(io.BytesIO(path.read_bytes()), name) for path, name in files]},
    )


def test_several_photos_in_one_upload(client, world, login_as):
    login_as(world.teacher1)
    resp = upload_photos(client, world.entry1, [(PHOTO_JPG, "1.jpg"), (DIAGRAM_PNG, "2.png")])
    assert resp.status_code == 302
    assert sorted(a.file_kind for a in db.session.query(Attachment)) == ["jpg", "png"]


def test_photos_are_stored_without_the_place_they_were_taken(client, world, login_as):
    import hashlib

    from competition.adapters import images
    from competition.adapters.storage import get_storage
    from tests.adapters.test_images import phone_photo, png_with_location, scan

    login_as(world.teacher1)
    original = phone_photo()
    req = requirement(world.entry1, "photos")
    resp = client.post(
        f"/teacher/entries/{world.entry1.id}/materials/{req.id}",
        content_type="multipart/form-data",
        data={"file": [(io.BytesIO(original), "实验现场.jpg"), (io.BytesIO(png_with_location()), "示意图.png")]},
    )
    assert resp.status_code == 302
    att, png = sorted(db.session.query(Attachment), key=lambda a: a.file_kind)
    stored = get_storage().read_bytes(att.storage_key)
    assert images.location_of(stored) == {} and scan(stored) == scan(original)
    assert att.size == len(stored) and att.sha256 == hashlib.sha256(stored).hexdigest()
    assert att.original_name == "实验现场.jpg"
    assert images.location_of(get_storage().read_bytes(png.storage_key)) == {}
    assert len(files_on_disk()) == 2  # the copies with the location are gone
    # what judges and reviewers download is that stored copy
    login_as(world.organizer)
    assert images.location_of(client.get(f"/files/{att.id}").data) == {}


def test_one_bad_file_in_a_batch_keeps_none(client, world, login_as):
    login_as(world.teacher1)
    resp = upload_photos(client, world.entry1, [(PHOTO_JPG, "1.jpg"), (REPORT_PDF, "假照片.jpg")])
    assert resp.status_code == 400
    assert "假照片.jpg" in resp.get_data(as_text=True)
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []


def test_a_docx_disguised_as_pdf_is_refused(client, world, login_as):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    resp = upload(client, world.entry1.id, req.id, REPORT_DOCX, filename="研究报告.pdf")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "“研究报告.pdf”实际是 DOCX 文件" in page and "只接受 PDF 格式" in page and "20 MB" in page
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []
    assert db.session.query(AuditEvent).filter_by(action="attachment.upload").count() == 0


def test_an_oversized_file_is_refused_with_the_limit(client, world, login_as):
    req = requirement(world.entry1, "report")
    req.max_size_mb = 0
    db.session.commit()
    login_as(world.teacher1)
    resp = upload(client, world.entry1.id, req.id, REPORT_PDF)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "research_report_sample.pdf" in page and "0 MB" in page and "PDF" in page
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []


def test_a_traversal_filename_stores_nothing_outside_and_is_shown_safely(client, world, login_as, app, tmp_path):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    resp = upload(client, world.entry1.id, req.id, REPORT_PDF, filename="../../../../tmp/<b>evil.pdf")
    assert resp.status_code == 302
    att = db.session.query(Attachment).one()
    assert att.original_name == "_b_evil.pdf"
    root = os.path.realpath(app.config["UPLOAD_FOLDER"])
    assert all(os.path.realpath(p).startswith(root + os.sep) for p in files_on_disk())
    # where the name's "../" would lead from the upload folder
    assert not os.path.exists(os.path.join(root, "../../../../tmp/<b>evil.pdf"))
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "<b>evil" not in page and "_b_evil.pdf" in page


def test_no_file_chosen(client, world, login_as):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    resp = client.post(f"/teacher/entries/{world.entry1.id}/materials/{req.id}", data={})
    assert resp.status_code == 400 and "请选择要上传的文件" in resp.get_data(as_text=True)


def test_submit_an_incomplete_entry_says_what_is_missing(client, world, login_as):
    login_as(world.teacher1)
    resp = client.post(f"/teacher/entries/{world.entry1.id}/submit", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "项目未提交" in page and "缺少材料：研究报告" in page
    assert db.session.get(Entry, world.entry1.id).state == "draft"


def test_submit_withdraw_and_submit_again(client, world, login_as):
    ready_entry(world.entry1)
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "信息和材料已齐全" in page
    resp = client.post(f"/teacher/entries/{world.entry1.id}/submit", follow_redirects=True)
    assert "项目已提交" in resp.get_data(as_text=True)
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.state == "submitted" and entry.submitted_at is not None
    # a submitted entry is read-only
    assert client.post(f"/teacher/entries/{world.entry1.id}/edit", data=form_data(entry, title="改")).status_code == 302
    assert db.session.get(Entry, world.entry1.id).title == "校园雨水回收装置"
    uploaded = db.session.query(Attachment).count()
    assert uploaded == sum(m.required for m in entry.section.materials)
    resp = upload(client, world.entry1.id, requirement(entry, "photos").id, PHOTO_JPG)
    assert resp.status_code == 400 and db.session.query(Attachment).count() == uploaded
    resp = client.post(f"/teacher/entries/{world.entry1.id}/withdraw", follow_redirects=True)
    assert "撤回为草稿" in resp.get_data(as_text=True)
    assert db.session.get(Entry, world.entry1.id).state == "draft"
    client.post(f"/teacher/entries/{world.entry1.id}/submit")
    actions = [
        e.action for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("entry.%")).order_by(AuditEvent.id)
    ]
    assert actions == ["entry.submit", "entry.withdraw", "entry.submit"]


def test_submit_after_the_deadline_is_refused(client, world, login_as):
    ready_entry(world.entry1)
    world.contest.submission_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "已过截止时间" in page
    resp = client.post(f"/teacher/entries/{world.entry1.id}/submit", follow_redirects=True)
    assert "已过截止时间" in resp.get_data(as_text=True)
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.state == "draft" and entry.submitted_at is None
    assert client.get(f"/teacher/entries/new?contest={world.contest.id}").status_code == 302


def test_the_returned_outcome_is_prominent_and_can_be_fixed(client, world, login_as):
    entry = ready_entry(world.entry1)
    entry.state = "returned"
    entry.review_reason = "申报书缺少学校盖章"
    entry.resubmit_by = utcnow() + timedelta(days=3)
    world.contest.state = "closed"
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{entry.id}").get_data(as_text=True)
    assert "退回修改" in page and "申报书缺少学校盖章" in page and "重新提交截止" in page
    form_att = next(a for a in entry.attachments if a.requirement.code == "form")
    assert client.post(f"/teacher/entries/{entry.id}/attachments/{form_att.id}/delete").status_code == 302
    assert upload(client, entry.id, requirement(entry, "form").id, DIAGRAM_PNG, "盖章后.png").status_code == 302
    client.post(f"/teacher/entries/{entry.id}/submit")
    assert db.session.get(Entry, entry.id).state == "submitted"
    assert db.session.query(AuditEvent).filter_by(action="entry.resubmit").count() == 1


def test_rejected_entries_show_the_reason(client, world, login_as):
    world.entry1.state = "rejected"
    world.entry1.review_reason = "不符合申报条件"
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "不符合申报条件" in page and "alert-danger" in page


def test_the_application_form_downloads_as_pdf(client, world, login_as):
    login_as(world.teacher1)
    resp = client.get(f"/teacher/entries/{world.entry1.id}/application-form.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    assert "attachment" in resp.headers["Content-Disposition"] and "UTF-8''" in resp.headers["Content-Disposition"]


@pytest.mark.slow
def test_a_500_mb_upload_is_streamed(client, world, login_as, tmp_path):
    """The whole path (multipart parsing, storage, sniffing) keeps memory flat."""
    from tests.adapters.test_storage import mp4_bytes

    big = tmp_path / "film.mp4"
    head = mp4_bytes(b"")
    size = 500 * 1024 * 1024 - 1024
    with open(big, "wb") as fh:
        fh.write(head[:-8])
        fh.write((size - len(head) + 8).to_bytes(4, "big") + b"mdat")
        fh.truncate(size)
    login_as(world.teacher1)
    req = requirement(world.entry1, "video")
    # the file is no playable video, so its length cannot be checked: tests/services/test_video_length.py does that
    req.max_duration_seconds = None
    db.session.commit()
    tracemalloc.start()
    try:
        with open(big, "rb") as fh:
            resp = client.post(
                f"/teacher/entries/{world.entry1.id}/materials/{req.id}",
                data={"file": (fh, "film.mp4")},
                content_type="multipart/form-data",
            )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert db.session.query(Attachment).one().size == size
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB"


def test_open_contests_come_first_on_the_teachers_list(world, login_as, db):
    """The contest the teacher can still work on is at the top, above finished ones."""
    from tests import factories

    world.contest.state = "final"
    world.entry1.state = "accepted"
    film = factories.make_contest("film")  # open, created after: listed last unless ordered
    db.session.commit()
    html = login_as(world.teacher1).get("/teacher/").get_data(as_text=True)
    assert html.index(film.full_name) < html.index(world.entry1.title)


def test_upload_page_limit_comes_from_the_settings(app, client, world, login_as, monkeypatch):
    """The view hands UPLOAD_MAX_PDF_PAGES to the service (which reads no configuration)."""
    login_as(world.teacher1)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PDF_PAGES", 0)
    req = requirement(world.entry1, "report")
    resp = upload(client, world.entry1.id, req.id, REPORT_PDF)
    assert resp.status_code == 400 and "页数过多" in resp.get_data(as_text=True)
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []
