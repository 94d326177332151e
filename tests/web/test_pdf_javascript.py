"""PDFs with JavaScript are refused at upload, naming the file; clean PDFs (also the real office-made
samples) are accepted. The test PDFs are built with pikepdf, with compressed object streams so
that a byte search would not find the script."""

from __future__ import annotations

import io

import pikepdf
import pytest

from competition.adapters.pdf_safety import has_javascript
from competition.extensions import db
from competition.models import Attachment
from tests.factories import SAMPLES
from tests.factories.teacher import files_on_disk, requirement, upload


def _js_action(pdf):
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))


def _open_action(pdf):
    pdf.Root.OpenAction = _js_action(pdf)


def _name_tree(pdf):
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("start"), _js_action(pdf)]))
    )


def _page_aa(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=_js_action(pdf))


def _clean(pdf):
    pdf.Root.Names = pikepdf.Dictionary()  # names, but no scripts


def build_pdf(modify) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    modify(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


@pytest.mark.parametrize("modify", [_open_action, _name_tree, _page_aa])
def test_scripts_are_found_inside_compressed_object_streams(modify):
    data = build_pdf(modify)
    assert b"app.alert" not in data  # a byte search would miss it
    assert has_javascript(io.BytesIO(data))


@pytest.mark.parametrize(
    "name", ["research_report_sample.pdf", "cups-default-testpage.pdf", "shared-mime-info-spec.pdf"]
)
def test_real_office_pdfs_are_clean(name):
    assert not has_javascript(io.BytesIO((SAMPLES / name).read_bytes()))


def test_a_pdf_that_mentions_javascript_in_its_text_is_clean():
    def text(pdf):
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (/JavaScript /JS app.alert) Tj ET")

    assert not has_javascript(io.BytesIO(build_pdf(text)))


@pytest.mark.parametrize("modify", [_open_action, _name_tree, _page_aa])
def test_upload_of_a_pdf_with_javascript_is_refused_naming_the_file(client, world, login_as, modify):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    resp = upload(client, world.entry1.id, req.id, build_pdf(modify), "研究报告.pdf")
    page = resp.get_data(as_text=True)
    assert "“研究报告.pdf”含有 JavaScript 脚本" in page
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []


@pytest.mark.parametrize("data", [build_pdf(_clean), (SAMPLES / "research_report_sample.pdf").read_bytes()])
def test_upload_of_a_clean_pdf_is_accepted(client, world, login_as, data):
    login_as(world.teacher1)
    req = requirement(world.entry1, "report")
    assert upload(client, world.entry1.id, req.id, data, "报告.pdf").status_code == 302
    assert db.session.query(Attachment).one().file_kind == "pdf"
