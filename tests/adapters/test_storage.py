"""The storage interface, the local backend and display names."""

import hashlib
import io
import struct
import zlib

import pytest

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
