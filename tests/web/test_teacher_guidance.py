"""The teacher's guidance: every problem named at once, links to where each is fixed, deleting a
draft, entries left behind by the deadline, an application form printed too early, resubmitting
without a change, and a file whose name lies about what it is."""

import io
import subprocess
from datetime import timedelta

from competition.extensions import db
from competition.models import AuditEvent, Entry, utcnow
from competition.services import submissions
from competition.services.application_form import application_form_html
from tests import factories as f
from tests.factories.teacher import DIAGRAM_PNG, attach, form_data, ready_entry, requirement, upload


def test_the_form_names_every_problem_at_once(client, world, login_as):
    """A missing title used to hide the bad phone numbers until the title was fixed."""
    login_as(world.teacher1)
    section = f.section(world.contest, "XS")
    data = form_data(
        None, section=str(section.id), title="", contact_phone="12345", **{"advisers-0-phone": "abc-phone"}
    )
    resp = client.post(f"/teacher/entries/new?contest={world.contest.id}", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "请填写项目名称" in page
    assert "联系电话“12345”格式不正确" in page
    assert "指导教师 1：电话号码“abc-phone”格式不正确" in page
    assert page.count("请填写项目名称") == 2  # once in the summary, once at the field: not twice each
    assert db.session.query(Entry).filter_by(contact_phone="12345").count() == 0


def test_a_long_pasted_abstract_is_kept_whole_and_measured(client, world, login_as):
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}/edit").get_data(as_text=True)
    assert 'data-count-max="3000"' in page
    textarea = page[page.index("<textarea") : page.index("</textarea>")]
    assert "maxlength" not in textarea  # the browser does not cut a paste off silently
    text = "水" * 3001
    resp = client.post(f"/teacher/entries/{world.entry1.id}/edit", data=form_data(world.entry1, abstract=text))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert text in page and "最多 3000 字，现有 3001 字" in page
    # Line breaks count once, as the counter in the browser counts them.
    ok = "\r\n".join(["水" * 999] * 3)  # 2997 characters and 2 line breaks
    assert (
        client.post(f"/teacher/entries/{world.entry1.id}/edit", data=form_data(world.entry1, abstract=ok)).status_code
        == 302
    )
    assert db.session.get(Entry, world.entry1.id).abstract == ok.replace("\r\n", "\n")


def test_each_missing_item_links_to_where_it_is_fixed(client, world, login_as):
    world.entry1.abstract = None
    world.entry1.data_confirmed = False
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    edit = f"/teacher/entries/{world.entry1.id}/edit"
    assert f'href="{edit}#abstract" class="link-danger">未填写项目摘要。' in page
    assert f'href="{edit}#confirm" class="link-danger">请确认姓名' in page
    assert 'href="#materials" class="link-danger">缺少材料：研究报告。' in page


def test_a_draft_can_be_deleted_and_frees_nothing_else(client, world, login_as):
    attach(world.entry1, "report")
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "删除此草稿" in page and "data-confirm=" in page
    resp = client.post(f"/teacher/entries/{world.entry1.id}/delete")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/teacher/")
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.state == "withdrawn" and len(entry.attachments) == 1  # kept for the organizer
    listing = client.get("/teacher/").get_data(as_text=True)
    assert "已删除：校园雨水回收装置" in listing  # the flash message
    assert f"/teacher/entries/{entry.id}" not in listing
    assert db.session.query(AuditEvent).filter_by(action="entry.discard", object_id=entry.id).count() == 1
    # gone from the teacher's hands: nothing more can be done with it
    assert client.post(f"/teacher/entries/{entry.id}/delete").status_code == 404
    assert client.post(f"/teacher/entries/{entry.id}/submit").status_code == 404
    assert db.session.get(Entry, entry.id).state == "withdrawn"


def test_a_deleted_drafts_urls_answer_404(client, world, login_as):
    """The page of a deleted draft stayed reachable, labelled 已撤销."""
    att = attach(world.entry1, "report")
    req = requirement(world.entry1, "report")
    db.session.commit()
    login_as(world.teacher1)
    assert client.post(f"/teacher/entries/{world.entry1.id}/delete").status_code == 302
    base = f"/teacher/entries/{world.entry1.id}"
    for url in (base, f"{base}/edit", f"{base}/application-form.pdf", f"/files/{att.id}"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert "已撤销" not in resp.get_data(as_text=True)
    for url in (
        f"{base}/edit",
        f"{base}/submit",
        f"{base}/withdraw",
        f"{base}/delete",
        f"{base}/attachments/{att.id}/delete",
    ):
        assert client.post(url, data=form_data(world.entry1)).status_code == 404, url
    resp = client.post(
        f"{base}/materials/{req.id}",
        data={"file": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 404
    entry = db.session.get(Entry, world.entry1.id)
    assert entry.state == "withdrawn" and len(entry.attachments) == 1 and entry.title == "校园雨水回收装置"
    # The reviewer of the district never saw the draft and does not now.
    login_as(world.reviewer1)
    assert client.get(f"/review/entries/{world.entry1.id}").status_code == 404
    assert client.get(f"/files/{att.id}").status_code == 404
    # The organizer still can: the row, its files and its history are kept for them.
    login_as(world.organizer)
    assert client.get(f"/review/entries/{world.entry1.id}").status_code == 200


def test_a_submitted_entry_cannot_be_deleted(client, world, login_as):
    ready_entry(world.entry1)
    login_as(world.teacher1)
    client.post(f"/teacher/entries/{world.entry1.id}/submit")
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "删除此草稿" not in page
    resp = client.post(f"/teacher/entries/{world.entry1.id}/delete", follow_redirects=True)
    assert "已提交的项目请先撤回" in resp.get_data(as_text=True)
    assert db.session.get(Entry, world.entry1.id).state == "submitted"


def test_only_the_schools_teachers_may_delete_a_draft(client, world, login_as):
    login_as(world.teacher2)
    assert client.post(f"/teacher/entries/{world.entry1.id}/delete").status_code == 404
    login_as(world.reviewer1)
    assert client.post(f"/teacher/entries/{world.entry1.id}/delete").status_code == 403
    assert db.session.get(Entry, world.entry1.id).state == "draft"


def test_a_draft_left_behind_by_the_deadline_says_so(client, world, login_as):
    world.contest.submission_closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login_as(world.teacher1)
    listing = client.get("/teacher/").get_data(as_text=True)
    assert "截止前未提交" in listing and "可以提交" not in listing
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "截止前未提交" in page and "不参加本次比赛" in page
    assert "缺少的材料/信息（" not in page and "删除此草稿" not in page
    assert client.post(f"/teacher/entries/{world.entry1.id}/delete").status_code == 302
    assert db.session.get(Entry, world.entry1.id).state == "draft"


def pdf_text(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_an_incomplete_application_form_is_marked_for_checking_only(client, world, login_as, tmp_path):
    world.entry1.abstract = None
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "仅供核对" in page
    text = pdf_text(tmp_path, client.get(f"/teacher/entries/{world.entry1.id}/application-form.pdf").data)
    assert "请勿签字盖章" in text and "未填写项目摘要" in text
    assert "仅供核对" in application_form_html(world.entry1, gaps=["x"])  # the watermark, drawn at a slant
    assert "缺少材料" not in text  # the scan of this very form is not asked for on it
    ready_entry(world.entry1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "仅供核对" not in page
    text = pdf_text(tmp_path, client.get(f"/teacher/entries/{world.entry1.id}/application-form.pdf").data)
    assert "请勿签字盖章" not in text and "校园雨水回收装置" in text
    assert "仅供核对" not in application_form_html(world.entry1)


def test_a_complete_individual_form_fits_on_two_pages(client, world, login_as, tmp_path):
    """Every page must be signed: the data on one page, the province's 确认事宜 page (applicant's and
    guardian's signatures) with the declaration and the school's stamp on the second, no third page
    that holds only the stamp box."""
    from competition.models import Adviser

    entry = ready_entry(world.entry1)
    entry.abstract = "利用校园屋顶收集雨水，过滤后用于绿化灌溉。" * 8
    entry.advisers.append(Adviser(position=0, name="张喆", gender="女", unit="淮北市第一中学", phone="13900000000"))
    db.session.commit()
    login_as(world.teacher1)
    text = pdf_text(tmp_path, client.get(f"/teacher/entries/{entry.id}/application-form.pdf").data)
    pages = text.split("\f")[:-1]
    assert len(pages) == 2 and "第 2 页，共 2 页" in pages[1]
    assert "确认事宜" in pages[1].replace(" ", "") and "学校盖章" in pages[1] and "监护人签名" in pages[1]


def test_resubmitting_without_a_change_is_questioned(client, world, login_as):
    entry = ready_entry(world.entry1)
    entry.state = "returned"
    entry.review_reason = "申报书缺少学校盖章"
    entry.resubmit_by = utcnow() + timedelta(days=3)
    entry.reviewed_at = utcnow()
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{entry.id}").get_data(as_text=True)
    assert "还没有任何修改" in page and "确定不作修改直接重新提交吗" in page
    form_att = next(a for a in entry.attachments if a.requirement.code == "form")
    client.post(f"/teacher/entries/{entry.id}/attachments/{form_att.id}/delete")
    upload(client, entry.id, requirement(entry, "form").id, DIAGRAM_PNG, "盖章后.png")
    page = client.get(f"/teacher/entries/{entry.id}").get_data(as_text=True)
    assert "还没有任何修改" not in page and "请确认已按上面的审查意见修改" in page
    assert submissions.changed_since_review(db.session.get(Entry, entry.id))


def test_a_text_file_named_pdf_is_explained(client, world, login_as):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    resp = client.post(
        f"/teacher/entries/{world.entry1.id}/materials/{req.id}",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO("这不是PDF\n".encode() * 50), "研究报告.pdf")},
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "“研究报告.pdf”的文件名是 .pdf，但内容并不是 PDF 文件" in page and "导出为 PDF" in page
    # a file with no name the system knows keeps the general message
    resp = client.post(
        f"/teacher/entries/{world.entry1.id}/materials/{req.id}",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"plain text" * 50), "notes.txt")},
    )
    assert resp.status_code == 400 and "的文件类型无法接受" in resp.get_data(as_text=True)


def test_small_files_are_shown_in_kb(client, world, login_as):
    attach(world.entry1, "report")
    db.session.commit()
    login_as(world.teacher1)
    page = client.get(f"/teacher/entries/{world.entry1.id}").get_data(as_text=True)
    assert "98 KB" in page and "0.1 MB" not in page


def test_a_title_alone_saves_even_with_the_prefilled_student_row(client, world, login_as):
    """The new-entry form fills in the school of the first student; that row, untouched, is empty."""
    login_as(world.teacher1)
    section = f.section(world.contest, "XS")
    resp = client.post(
        f"/teacher/entries/new?contest={world.contest.id}",
        data={
            "section": str(section.id),
            "title": "先占个位",
            "students-0-name": "",
            "students-0-gender": "",
            "students-0-grade": "",
            "students-0-school_name": "淮北市第一中学",
            "students-0-birth_date": "",
        },
    )
    assert resp.status_code == 302
    assert db.session.query(Entry).filter_by(title="先占个位").one().students == []


def test_the_list_shows_awards_once_results_are_public(client, world, login_as):
    from competition.models import Result

    world.entry1.state = "accepted"
    db.session.add(
        Result(
            contest_id=world.contest.id, entry_id=world.entry1.id, group_key="XS|初中", method="mean", award="一等奖"
        )
    )
    world.contest.state = "results"  # ranked, not yet public
    db.session.commit()
    login_as(world.teacher1)
    assert "一等奖" not in client.get("/teacher/").get_data(as_text=True)
    world.contest.state = "published"
    db.session.commit()
    page = client.get("/teacher/").get_data(as_text=True)
    assert 'award-badge">一等奖' in page and 'href="/teacher/certificates"' not in page.split("</nav>", 1)[1]
    world.contest.state = "final"
    db.session.commit()
    page = client.get("/teacher/").get_data(as_text=True)
    assert 'award-badge">一等奖' in page and 'href="/teacher/certificates"' in page.split("</nav>", 1)[1]
    result = db.session.query(Result).one()
    result.withdrawn = True
    db.session.commit()
    assert "award-badge" not in client.get("/teacher/").get_data(as_text=True)
