"""The storage interface, content sniffing and the file checks, on real sample files."""

import hashlib
import io
import struct
import zlib

import pytest
from pypdf import PdfReader, PdfWriter

from competition.adapters import storage as st
from tests.factories import SAMPLES

PDF = SAMPLES / "research_report_sample.pdf"
DOCX = SAMPLES / "research_report_sample.docx"
XLSX = SAMPLES / "judges_libreoffice.xlsx"
JPG = SAMPLES / "photo_sample.jpg"
PNG = SAMPLES / "diagram_sample.png"


def mp4_bytes(payload: bytes = b"\0" * 64) -> bytes:
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    return box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41") + box(b"moov", box(b"mvhd", b"\0" * 100)) + box(b"mdat", payload)


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    )


def every_file(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture()
def local(tmp_path):
    return st.LocalStorage(tmp_path / "uploads")


def test_save_open_delete_round_trip(local):
    data = PDF.read_bytes()
    saved = local.save_stream(io.BytesIO(data))
    assert st.KEY_RE.match(saved.key)
    assert saved.size == len(data)
    assert saved.sha256 == hashlib.sha256(data).hexdigest()
    assert local.exists(saved.key)
    with local.open(saved.key) as fh:
        assert fh.read() == data
    assert local.keys() == [saved.key]
    assert local.local_path(saved.key).is_relative_to(local.root)
    local.delete(saved.key)
    assert not local.exists(saved.key)
    local.delete(saved.key)  # deleting twice is harmless


def test_every_save_gets_a_new_random_key(local):
    keys = {local.save_stream(io.BytesIO(b"same")).key for _ in range(5)}
    assert len(keys) == 5


def test_too_large_keeps_nothing(local):
    with pytest.raises(st.TooLarge):
        local.save_stream(io.BytesIO(b"x" * (3 * st.CHUNK + 1)), max_size=3 * st.CHUNK)
    assert every_file(local.root) == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../../x", "", "A" * 32, "0" * 31, None])
def test_keys_from_outside_are_refused(local, key):
    with pytest.raises(ValueError):
        local.open(key)
    assert local.exists(key) is False


def test_partials_of_dead_uploads_are_swept(local):
    local.partial_dir.mkdir(parents=True)
    old = local.partial_dir / "x.part"
    old.write_bytes(b"half")
    assert local.sweep_partials(older_than_seconds=-1) == 1
    assert not old.exists()


def test_the_backend_comes_from_the_config(tmp_path):
    assert isinstance(st.storage_for({"UPLOAD_FOLDER": str(tmp_path)}), st.LocalStorage)
    custom = st.storage_for({"STORAGE_BACKEND": "tests.adapters.test_storage.MemoryStorage", "UPLOAD_FOLDER": "x"})
    assert isinstance(custom, MemoryStorage)
    saved = custom.save_stream(io.BytesIO(b"abc"))
    assert custom.read_bytes(saved.key) == b"abc"


class MemoryStorage(st.Storage):
    """A second backend, to prove the interface is enough."""

    def __init__(self, config):
        self.blobs = {}

    def save_stream(self, fileobj, *, max_size=None):
        data = fileobj.read()
        key = self.new_key()
        self.blobs[key] = data
        return st.StoredFile(key, len(data), hashlib.sha256(data).hexdigest())

    def open(self, key):
        return io.BytesIO(self.blobs[self.check_key(key)])

    def delete(self, key):
        self.blobs.pop(key, None)

    def exists(self, key):
        return key in self.blobs


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
        assert st.inspect_file(fh) == kind


def test_a_renamed_file_is_what_its_bytes_say():
    # The name never enters: a .docx renamed to .pdf is still a docx.
    assert st.sniff_kind(io.BytesIO(DOCX.read_bytes())) == "docx"


def test_plain_zip_and_mp4():
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert st.inspect_file(io.BytesIO(buf.getvalue())) == "zip"
    assert st.inspect_file(io.BytesIO(mp4_bytes())) == "mp4"


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
    with pytest.raises(st.BadContent) as err:
        st.inspect_file(io.BytesIO(data))
    assert err.value.reason == reason


def test_pdf_with_too_many_pages_is_refused():
    with open(PDF, "rb") as fh, pytest.raises(st.BadContent) as err:
        st.inspect_file(fh, max_pdf_pages=1)
    assert err.value.reason == "too_many_pages"


def test_password_protected_pdf_is_refused():
    writer = PdfWriter(clone_from=PdfReader(PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(st.BadContent) as err:
        st.inspect_file(io.BytesIO(buf.getvalue()))
    assert err.value.reason == "encrypted"


def test_image_pixel_limit_is_a_setting():
    with open(JPG, "rb") as fh:
        assert st.inspect_file(fh, max_image_pixels=1600 * 1200) == "jpg"
        with pytest.raises(st.BadContent):
            st.inspect_file(fh, max_image_pixels=1000)


@pytest.mark.parametrize(
    "raw,shown",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("C:\\Users\\王芳\\研究报告.pdf", "研究报告.pdf"),
        ("<script>x</script>.pdf", "script_.pdf"),
        ("a\x00b\r\n.pdf", "a_b__.pdf"),
        ("..", "file"),
        ("", "file"),
        (None, "file"),
    ],
)
def test_display_names_carry_no_path(raw, shown):
    assert st.display_name(raw) == shown
