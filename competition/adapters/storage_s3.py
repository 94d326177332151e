"""Uploads in an S3-compatible object store (AWS S3, MinIO, Ceph RGW ...), so several hosts share them.

Chosen with ``STORAGE_BACKEND=s3``; the settings are ``S3_BUCKET`` (required), ``S3_PREFIX``,
``S3_ENDPOINT_URL``, ``S3_REGION``, ``S3_ACCESS_KEY_ID`` and ``S3_SECRET_ACCESS_KEY`` (without
keys boto3's own chain is used: environment, instance role).

Objects are named ``<prefix>/<key>``. An object appears only when its upload is complete (a
single PUT, or the completion of a multipart upload), so a crash mid upload leaves no object
under a real key, only an unfinished multipart upload, which `sweep_partials` aborts.

Nothing is held whole in memory: uploads go through boto3's transfer manager in parts of
`PART_SIZE`, and `open` returns a seekable reader that streams ranged GETs (the file checks seek
around in a PDF or an MP4).
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from typing import BinaryIO

from .storage import CHUNK, KEY_RE, Storage, StoredFile, TooLarge

PART_SIZE = 8 * 1024 * 1024


class _CheckedReader:
    """Hashes and counts what the upload reads; raises TooLarge past the limit (the transfer then
    aborts its multipart upload, so nothing is kept). No seek: boto3 reads it once, in order."""

    def __init__(self, fileobj: BinaryIO, max_size: int | None):
        self.fileobj = fileobj
        self.max_size = max_size
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fileobj.read(size)
        self.size += len(data)
        if self.max_size is not None and self.size > self.max_size:
            raise TooLarge(self.max_size)
        self.digest.update(data)
        return data


class _RangeReader(io.RawIOBase):
    """A seekable view of one object: reads stream from one GET until a seek moves elsewhere."""

    def __init__(self, client, bucket: str, name: str, size: int):
        self.client, self.bucket, self.name, self.size = client, bucket, name, size
        self.pos = 0
        self.body = None
        self.body_pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.pos = base + offset
        return self.pos

    def readinto(self, buffer) -> int:
        if self.pos >= self.size or len(buffer) == 0:
            return 0
        if self.body is None or self.body_pos != self.pos:
            self._drop_body()
            answer = self.client.get_object(Bucket=self.bucket, Key=self.name, Range=f"bytes={self.pos}-")
            self.body, self.body_pos = answer["Body"], self.pos
        data = self.body.read(min(len(buffer), self.size - self.pos))
        if not data:
            raise OSError(f"object {self.name} ended at {self.pos} of {self.size} bytes")
        buffer[: len(data)] = data
        self.pos += len(data)
        self.body_pos = self.pos
        return len(data)

    def _drop_body(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None

    def close(self) -> None:
        self._drop_body()
        super().close()


class S3Storage(Storage):
    def __init__(self, config, client=None):
        import boto3
        from boto3.s3.transfer import TransferConfig

        def setting(name):  # environment values may have been read as JSON numbers
            value = config.get(name)
            return str(value) if value not in (None, "") else None

        self.bucket = setting("S3_BUCKET")
        if not self.bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        prefix = (setting("S3_PREFIX") or "").strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = client or boto3.client(
            "s3",
            endpoint_url=setting("S3_ENDPOINT_URL"),
            region_name=setting("S3_REGION"),
            aws_access_key_id=setting("S3_ACCESS_KEY_ID"),
            aws_secret_access_key=setting("S3_SECRET_ACCESS_KEY"),
        )
        # A few parts in memory at once, whatever the file's size.
        self.transfer = TransferConfig(multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=2)
        self.transfer.max_in_memory_upload_chunks = 2  # s3transfer's setting; boto3's init lacks it

    def _name(self, key: str) -> str:
        return self.prefix + self.check_key(key)

    def save_stream(self, fileobj: BinaryIO, *, max_size: int | None = None) -> StoredFile:
        reader = _CheckedReader(fileobj, max_size)
        key = self.new_key()
        self.client.upload_fileobj(reader, self.bucket, self._name(key), Config=self.transfer)
        return StoredFile(key=key, size=reader.size, sha256=reader.digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        name = self._name(key)
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if _not_found(exc):
                raise FileNotFoundError(name) from None
            raise
        return io.BufferedReader(_RangeReader(self.client, self.bucket, name, head["ContentLength"]), CHUNK)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))  # a missing object is fine

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            name = self._name(key)
        except ValueError:
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if _not_found(exc):
                return False
            raise
        return True

    def listing(self) -> Iterator[tuple[str, float]]:
        """(key, time stored) of every stored object (for backups and orphan sweeps)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if KEY_RE.match(key):
                    yield key, item["LastModified"].timestamp()

    def keys(self) -> list[str]:
        return sorted(key for key, _stored in self.listing())

    def sweep_partials(self, older_than_seconds: int = 3600) -> int:
        """Abort multipart uploads that died mid-way; returns how many were aborted."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"].timestamp() < cutoff:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    removed += 1
        return removed


def _not_found(exc) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")
