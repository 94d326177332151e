"""What a file really is (competition.adapters.file_kinds): recognised by its bytes, refused when it does not open."""

import io

import pytest
from pypdf import PdfReader, PdfWriter

from competition.adapters import file_kinds as fk
from tests.adapters.test_storage import DOCX, JPG, PDF, PNG, XLSX, mp4_bytes, png_bomb
from tests.factories import SAMPLES


@pytest.mark.parametrize(
    "path,kind",
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (JPG, "jpg"),
        (PNG, "png"),
        (SAMPLES / "shared-mime-info-spec.pdf", "pdf"),
        (SAMPLES / "cups-default-testpage.pdf", "pdf"),
    ],
)
def test_real_files_are_recognised_by_content(path, kind):
    with open(path, "rb") as fh:
        assert fk.inspect_file(fh) == kind


def test_a_renamed_file_is_what_its_bytes_say():
    # The name never enters: a .docx renamed to .pdf is still a docx.
    assert fk.sniff_kind(io.BytesIO(DOCX.read_bytes())) == "docx"


def test_plain_zip_and_mp4():
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert fk.inspect_file(io.BytesIO(buf.getvalue())) == "zip"
    assert fk.inspect_file(io.BytesIO(mp4_bytes())) == "mp4"


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"MZ\x90\0 this is an exe", "unknown"),
        (b"<html><script>alert(1)</script></html>", "unknown"),
        (b"%PDF-1.7\n garbage that is not a pdf", "damaged"),
        (PDF.read_bytes()[:5000], "damaged"),
        (mp4_bytes()[:-10], "damaged"),
        (mp4_bytes()[:40], "damaged"),
        (b"PK\x03\x04 broken zip", "unknown"),
        (png_bomb(100_000, 100_000), "too_many_pixels"),
        (png_bomb(12_000, 11_000), "too_many_pixels"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "damaged"),
    ],
)
def test_bad_contents_are_refused(data, reason):
    with pytest.raises(fk.BadContent) as err:
        fk.inspect_file(io.BytesIO(data))
    assert err.value.reason == reason


def test_pdf_with_too_many_pages_is_refused():
    with open(PDF, "rb") as fh, pytest.raises(fk.BadContent) as err:
        fk.inspect_file(fh, max_pdf_pages=1)
    assert err.value.reason == "too_many_pages"


def test_password_protected_pdf_is_refused():
    writer = PdfWriter(clone_from=PdfReader(PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(fk.BadContent) as err:
        fk.inspect_file(io.BytesIO(buf.getvalue()))
    assert err.value.reason == "encrypted"


def test_image_pixel_limit_is_a_setting():
    with open(JPG, "rb") as fh:
        assert fk.inspect_file(fh, max_image_pixels=1600 * 1200) == "jpg"
        with pytest.raises(fk.BadContent):
            fk.inspect_file(fh, max_image_pixels=1000)
