"""The S3 backend against a real S3-speaking server (moto's, in this process), and the same
behaviour tests for the local backend beside it."""

import hashlib
import io
import socket
import tarfile
import uuid

import pytest
from moto.server import ThreadedMotoServer

from competition import create_app
from competition.adapters import storage as st
from competition.adapters.storage_s3 import PART_SIZE, S3Storage
from competition.extensions import db as _db
from competition.models import Attachment
from tests.conftest import IsolatedClient, make_test_config
from tests.factories.teacher import PHOTO_JPG, REPORT_PDF, files_on_disk, requirement, upload

BUCKET = "competition-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    S3Storage(s3_settings(url, "setup")).client.create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


def s3_settings(endpoint: str, prefix: str) -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_PREFIX": prefix,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret",
    }


@pytest.fixture()
def s3_config(s3_endpoint):
    """Settings of a bucket prefix of this test's own: tests see only their own objects."""
    return s3_settings(s3_endpoint, f"uploads-{uuid.uuid4().hex[:8]}/")


@pytest.fixture()
def s3(s3_config):
    return st.storage_for(s3_config)


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    if request.param == "local":
        return st.storage_for({"UPLOAD_FOLDER": str(tmp_path / "uploads")})
    return request.getfixturevalue("s3")


def multipart_uploads(storage) -> list:
    return storage.client.list_multipart_uploads(Bucket=BUCKET, Prefix=storage.prefix).get("Uploads", [])


def objects(storage) -> list[str]:
    return [o["Key"] for o in storage.client.list_objects_v2(Bucket=BUCKET, Prefix=storage.prefix).get("Contents", [])]


class Source:
    """A stream of `size` bytes made on the fly, recording the largest read asked of it."""

    def __init__(self, size: int):
        self.left = size
        self.largest = 0
        self.digest = hashlib.sha256()
        self.counter = 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size > 0, "the whole stream was asked for at once"
        self.largest = max(self.largest, size)
        n = min(size, self.left)
        data = bytes((self.counter + i) % 251 for i in range(min(n, 251))) * (n // 251 + 1)
        data = data[:n]
        self.counter += n
        self.left -= n
        self.digest.update(data)
        return data


def test_s3_is_a_short_name_and_the_prefix_names_the_objects(s3, s3_config):
    assert isinstance(s3, S3Storage)
    saved = s3.save_stream(io.BytesIO(b"abc"))
    assert objects(s3) == [s3_config["S3_PREFIX"] + saved.key]


def test_a_bucket_is_required():
    with pytest.raises(ValueError, match="S3_BUCKET"):
        st.storage_for({"STORAGE_BACKEND": "s3"})


def test_save_open_delete_round_trip(backend):
    data = REPORT_PDF.read_bytes()
    saved = backend.save_stream(io.BytesIO(data))
    assert st.KEY_RE.match(saved.key)
    assert (saved.size, saved.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert backend.exists(saved.key)
    with backend.open(saved.key) as fh:
        assert fh.read() == data
    assert backend.read_bytes(saved.key) == data
    assert backend.keys() == [saved.key]
    assert [key for key, _stored in backend.listing()] == [saved.key]
    backend.delete(saved.key)
    assert not backend.exists(saved.key) and backend.keys() == []
    backend.delete(saved.key)  # deleting twice is harmless
    with pytest.raises(FileNotFoundError):
        backend.open(saved.key)


def test_an_opened_file_seeks_as_the_file_checks_need(backend):
    data = REPORT_PDF.read_bytes()
    saved = backend.save_stream(io.BytesIO(data))
    with backend.open(saved.key) as fh:
        assert fh.seek(0, io.SEEK_END) == len(data)
        fh.seek(len(data) - 10)
        assert fh.read() == data[-10:]
        fh.seek(5)
        assert fh.read(20) == data[5:25]
        assert st.inspect_file(fh) == "pdf"


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../../x", "", "A" * 32, "0" * 31, None])
def test_keys_from_outside_are_refused(backend, key):
    with pytest.raises(ValueError):
        backend.open(key)
    with pytest.raises(ValueError):
        backend.delete(key)
    assert backend.exists(key) is False


@pytest.mark.parametrize("size,limit", [(3 * st.CHUNK + 1, 3 * st.CHUNK), (2 * PART_SIZE + 1, 2 * PART_SIZE)])
def test_too_large_keeps_nothing(backend, size, limit):
    # The second size is past the multipart threshold: its started upload must be aborted too.
    with pytest.raises(st.TooLarge):
        backend.save_stream(Source(size), max_size=limit)
    assert backend.keys() == []
    if isinstance(backend, S3Storage):
        assert objects(backend) == [] and multipart_uploads(backend) == []


def test_a_large_file_goes_up_and_comes_down_in_chunks(s3):
    size = 5 * PART_SIZE + 12345  # a multipart upload of six parts
    source = Source(size)
    saved = s3.save_stream(source)
    assert source.largest <= PART_SIZE  # read part by part, never whole
    assert (saved.size, saved.sha256) == (size, source.digest.hexdigest())
    gets = []
    s3.client.meta.events.register("before-call.s3.GetObject", lambda **kw: gets.append(kw["params"]))
    digest, reads = hashlib.sha256(), 0
    with s3.open(saved.key) as fh:
        while chunk := fh.read(st.CHUNK):
            assert len(chunk) <= st.CHUNK
            digest.update(chunk)
            reads += 1
    assert digest.hexdigest() == saved.sha256 and reads >= size // st.CHUNK
    assert len(gets) == 1  # one streamed GET, read piece by piece


def test_files_follow_the_transaction(db, backend):
    kept = backend.save_stream(io.BytesIO(b"kept"))
    st.keep_if_committed(db.session, backend, kept.key)
    db.session.commit()
    lost = backend.save_stream(io.BytesIO(b"lost"))
    st.keep_if_committed(db.session, backend, lost.key)
    db.session.rollback()
    assert backend.exists(kept.key) and not backend.exists(lost.key)

    st.delete_when_committed(db.session, backend, kept.key)
    db.session.rollback()
    assert backend.exists(kept.key)  # the deletion was rolled back
    st.delete_when_committed(db.session, backend, kept.key)
    db.session.commit()
    assert not backend.exists(kept.key)


def test_dead_multipart_uploads_are_swept(s3):
    name = s3.prefix + s3.new_key()
    s3.client.create_multipart_upload(Bucket=BUCKET, Key=name)
    # moto reports every upload as started in 2010, so that a young one is kept cannot be shown here.
    assert s3.sweep_partials(older_than_seconds=-1) == 1
    assert multipart_uploads(s3) == []


# ---------------------------------------------------------------------------------------------
# The app on S3


@pytest.fixture()
def s3_app(tmp_path, database_url, db, s3_config):
    app = create_app(make_test_config(tmp_path, database_url, **s3_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
    with app.app_context():
        _db.engine.dispose()


def logged_in(app, user):
    _db.session.commit()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


def test_a_teacher_uploads_and_downloads_through_the_entry_page(s3_app, world):
    storage = st.get_storage(s3_app)
    assert isinstance(storage, S3Storage)
    client = logged_in(s3_app, world.teacher1)
    entry_id = world.entry1.id
    resp = upload(client, entry_id, requirement(world.entry1, "report").id, REPORT_PDF)
    assert resp.status_code == 302
    resp = upload(client, entry_id, requirement(world.entry1, "photos").id, PHOTO_JPG)
    assert resp.status_code == 302
    report, photo = sorted(_db.session.query(Attachment), key=lambda a: a.file_kind != "pdf")
    assert (report.file_kind, photo.file_kind) == ("pdf", "jpg")
    # Both in the bucket, nothing on this host's disk; the photo's first copy (with its location) is gone.
    assert storage.keys() == sorted([report.storage_key, photo.storage_key])
    assert files_on_disk() == []
    page = client.get(f"/teacher/entries/{entry_id}").get_data(as_text=True)
    assert "research_report_sample.pdf" in page and f"/files/{report.id}" in page
    resp = client.get(f"/files/{report.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.get_data() == REPORT_PDF.read_bytes()
    resp = client.get(f"/files/{photo.id}?inline=1")
    assert resp.status_code == 200 and hashlib.sha256(resp.get_data()).hexdigest() == photo.sha256

    report_id, photo_key = report.id, photo.storage_key
    resp = client.post(f"/teacher/entries/{entry_id}/attachments/{report_id}/delete")
    assert resp.status_code == 302
    assert storage.keys() == [photo_key]
    assert client.get(f"/files/{report_id}").status_code == 404


def test_a_refused_upload_leaves_no_object(s3_app, world):
    storage = st.get_storage(s3_app)
    client = logged_in(s3_app, world.teacher1)
    resp = upload(client, world.entry1.id, requirement(world.entry1, "report").id, b"MZ\x90\0 an exe", "报告.pdf")
    assert resp.status_code in (200, 400) and "未保存" in resp.get_data(as_text=True)
    assert storage.keys() == [] and _db.session.query(Attachment).count() == 0


def test_the_sweep_removes_old_orphans_from_the_bucket(s3_app, world):
    from tests.factories.teacher import attach

    storage = st.get_storage(s3_app)
    in_use = attach(world.entry1, "report").storage_key
    _db.session.commit()
    orphan = storage.save_stream(io.BytesIO(b"%PDF-1.4\n"))
    dead = storage.client.create_multipart_upload(Bucket=BUCKET, Key=storage.prefix + storage.new_key())
    result = s3_app.test_cli_runner().invoke(args=["sweep-uploads", "--older-than", "-1"])
    assert result.exit_code == 0, result.output
    assert "1 个未完成" in result.output and "1 个没有任何记录" in result.output
    assert storage.keys() == [in_use] and multipart_uploads(storage) == []
    assert dead["UploadId"]
    young = storage.save_stream(io.BytesIO(b"young"))
    result = s3_app.test_cli_runner().invoke(args=["sweep-uploads"])
    assert result.exit_code == 0 and storage.exists(young.key)  # younger than an hour: kept
    assert not storage.exists(orphan.key)


def test_a_backup_carries_the_buckets_files_and_a_restore_refuses_clearly(s3_app, world, tmp_path):
    from tests.factories.teacher import attach

    key = attach(world.entry1, "report").storage_key
    _db.session.commit()
    archive = tmp_path / "s3.tar.gz"
    result = s3_app.test_cli_runner().invoke(args=["backup", "--out", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        member = f"uploads/{key[:2]}/{key}"
        assert tar.extractfile(member).read() == REPORT_PDF.read_bytes()
    result = s3_app.test_cli_runner().invoke(args=["restore", "--force", str(archive)])
    assert result.exit_code == 1
    assert "只能恢复到本地上传文件夹（STORAGE_BACKEND=local）" in result.output
    assert st.get_storage(s3_app).keys() == [key]  # nothing touched


def test_the_app_sweeps_the_bucket_by_itself(tmp_path, database_url, db, s3_config):
    from competition.jobs import maintenance

    app = create_app(make_test_config(tmp_path, database_url, SWEEP_INTERVAL_SECONDS=3600, **s3_config))
    try:
        storage = st.get_storage(app)
        young = storage.save_stream(io.BytesIO(b"%PDF-1.4\n"))  # may belong to a running upload
        storage.client.create_multipart_upload(Bucket=BUCKET, Key=storage.prefix + storage.new_key())
        assert app.test_client().get("/login").status_code == 200
        assert maintenance.sweeper_of(app).wait() == "swept"
        assert multipart_uploads(storage) == []  # moto dates it 2010: long dead
        assert storage.keys() == [young.key]
    finally:
        maintenance.sweeper_of(app).wait()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
