"""Upload memory benchmark: a 500 MB video streamed through gunicorn to disk (issue 7).

Run: ``.venv/bin/python scripts/bench/upload_memory.py [--mb 500] [--db sqlite|postgresql]``.

1. A throw-away instance (SQLite file by default) with the innovation contest open and one
   teacher's draft entry; the app under gunicorn with the repo's gunicorn.conf.py on a free
   loopback port.
2. An MP4 stream of exactly ``--mb`` MiB (ftyp, moov, mdat boxes, which the upload check walks)
   is written to /tmp. The contest's video material takes MP4 up to 500 MB, and the limit is
   inclusive (``storage.save_stream`` refuses only what is longer than 500 x 1024 x 1024
   bytes), so a file of exactly that size is accepted.
3. The teacher logs in, opens the draft and uploads a 1 MB video on the same keep-alive
   connection (so the worker serving it has run the upload code once), deletes it, then
   uploads the big file, sent in 1 MiB pieces. Meanwhile every worker's resident memory
   (VmRSS in /proc/<pid>/status) is sampled every 10 ms; the peak (VmHWM) is read afterwards.
4. Prints the upload's time and rate, checks that the stored attachment has the file's size
   and SHA-256, and prints each worker's memory growth (peak during the upload minus the
   resident size just before) against the target: less than 50 MB.

The big file and the instance are deleted afterwards. Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load_data import database, open_app, seed  # noqa: E402
from load_files import CHUNK, write_mp4  # noqa: E402
from load_http import (  # noqa: E402
    CSRF_INPUT,
    HOST,
    Browser,
    Recorder,
    Run,
    Server,
    login,
    random_secret,
    status_kb,
)

TARGET_MB = 50.0
MIB = 1024 * 1024


class Sampler(threading.Thread):
    """The largest VmRSS seen per process while running."""

    def __init__(self, pids: list[int], every: float = 0.01):
        super().__init__(daemon=True)
        self.pids, self.every = pids, every
        self.peak = {pid: status_kb(pid, "VmRSS") for pid in pids}
        self.samples = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], status_kb(pid, "VmRSS"))
            self.samples += 1
            time.sleep(self.every)


def stream_upload(tab, path: str, csrf: str, file: Path, filename: str) -> tuple[int, str, float]:
    """POST ``file`` as multipart/form-data, sending it from disk in 1 MiB pieces on the tab's
    keep-alive connection; returns (status, location, seconds)."""
    boundary = "----bench" + uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + file.stat().st_size + len(tail)
    if tab.conn is None:
        tab.conn = http.client.HTTPConnection(HOST, tab.run.port, timeout=600)
    conn = tab.conn
    t0 = time.perf_counter()
    conn.putrequest("POST", path)
    for k, v in {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
        "X-Forwarded-For": tab.browser.address,
        "Cookie": "; ".join(f"{k}={v}" for k, v in tab.browser.cookies.items()),
    }.items():
        conn.putheader(k, v)
    conn.endheaders()
    conn.send(head)
    with open(file, "rb") as fh:
        for piece in iter(lambda: fh.read(CHUNK), b""):
            conn.send(piece)
    conn.send(tail)
    resp = conn.getresponse()
    body = resp.read()
    seconds = time.perf_counter() - t0
    if resp.status != 302:
        print(f"   answer: HTTP {resp.status} {body[:300]!r}")
    return resp.status, re.sub(r"^https?://[^/]+", "", resp.headers.get("Location") or ""), seconds


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for piece in iter(lambda: fh.read(CHUNK), b""):
            digest.update(piece)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=500, help="file size in MiB (the video limit is 500)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    big = Path(tempfile.gettempdir()) / f"bench-upload-{uuid.uuid4().hex[:8]}.mp4"
    small = tmp / "small.mp4"
    server = None
    try:
        with database(args.db, tmp) as url:
            app, ctx = open_app(tmp, url)
            from competition.extensions import db

            db.create_all()
            seeded = seed(1, 1, 1)
            teacher = seeded.teachers[0]
            db.session.remove()
            db.engine.dispose()

            size = int(args.mb * MIB)
            t0 = time.perf_counter()
            write_mp4(big, size)
            write_mp4(small, MIB)
            sha = sha256_of(big)
            print(
                f"file: {big} ({size:,} bytes = {size / MIB:g} MiB, MP4: ftyp, moov, mdat), "
                f"written in {time.perf_counter() - t0:.1f} s"
            )

            server = Server(
                "app",
                "competition:create_app()",
                {
                    "COMPETITION_INSTANCE_PATH": str(tmp / "instance"),
                    "COMPETITION_DATABASE_URL": url,
                    "COMPETITION_SECRET_KEY": random_secret(),
                    "COMPETITION_UPLOAD_FOLDER": str(tmp / "uploads"),
                    "COMPETITION_EXPORT_FOLDER": str(tmp / "exports"),
                    "COMPETITION_PROXY_FIX": "1",
                    "GUNICORN_LOGLEVEL": "warning",
                },
                tmp,
            ).start()
            print(
                f"gunicorn (gunicorn.conf.py): {server.settings()} on :{server.port}; "
                f"{args.db}; uploads in {tmp / 'uploads'}"
            )

            rec = Recorder()
            tab = Browser(Run(server.port, 3600, rec), "10.0.0.2").tab()
            if not login(tab, teacher.username, seeded.password):
                print(f"login failed: {rec.errors}")
                return 1
            entry_path = f"/teacher/entries/{teacher.entry_id}"
            upload_path = f"{entry_path}/materials/{teacher.requirements['video']}"
            page = tab.get("page", entry_path)
            csrf = CSRF_INPUT.search(page.text).group(1)
            # The same connection (so the same worker) runs the upload code once with a small file.
            status, _loc, _s = stream_upload(tab, upload_path, csrf, small, "热身.mp4")
            page = tab.get("page", entry_path)
            for action in re.findall(rf'action="({entry_path}/attachments/\d+/delete)"', page.text):
                tab.post_form("delete", action, {"csrf_token": csrf}, expect=(302,))
            time.sleep(1.0)

            workers = server.worker_pids()
            before = {pid: status_kb(pid, "VmRSS") for pid in workers}
            hwm_before = {pid: status_kb(pid, "VmHWM") for pid in workers}
            sampler = Sampler(workers)
            sampler.start()
            status, location, seconds = stream_upload(tab, upload_path, csrf, big, "实验视频.mp4")
            sampler.done.set()
            sampler.join()
            hwm_after = {pid: status_kb(pid, "VmHWM") for pid in workers}
            tab.close()
            server.stop()

            from sqlalchemy import select

            from competition.models import Attachment

            stored = db.session.scalars(select(Attachment).where(Attachment.entry_id == teacher.entry_id)).all()
            ok_stored = status == 302 and len(stored) == 1 and stored[0].size == size and stored[0].sha256 == sha
            db.session.remove()
            db.engine.dispose()
            ctx.pop()

            print(
                f"upload: HTTP {status} -> {location or '-'} in {seconds:.1f} s "
                f"({size / MIB / seconds:.0f} MiB/s, through multipart parsing, a temporary file, "
                f"hashing, fsync and the MP4 check)"
            )
            print(
                f"stored: {len(stored)} attachment(s)"
                + (
                    f", {stored[0].size:,} bytes, kind {stored[0].file_kind}, SHA-256 "
                    f"{'matches' if stored[0].sha256 == sha else 'DIFFERS'}"
                    if stored
                    else ""
                )
                + f"  {'OK' if ok_stored else 'MISSED'}"
            )
            print(f"worker memory ({len(workers)} workers, {sampler.samples} samples of each every 10 ms):")
            print(f"  {'pid':>8}{'RSS before':>13}{'peak':>10}{'growth':>10}")
            growths = {}
            for pid in workers:
                peak = sampler.peak[pid]
                if hwm_after[pid] > hwm_before[pid]:
                    peak = max(peak, hwm_after[pid])  # the kernel's own peak, when it rose meanwhile
                growths[pid] = (peak - before[pid]) / 1024
                print(f"  {pid:>8}{before[pid] / 1024:>10.1f} MB{peak / 1024:>7.1f} MB{growths[pid]:>7.1f} MB")
            worst = max(growths.values())
            print(
                f"largest growth of a worker: {worst:.1f} MB   target < {TARGET_MB:g} MB   "
                f"{'OK' if worst < TARGET_MB else 'MISSED'}"
            )
            return 0 if ok_stored and worst < TARGET_MB else 1
    finally:
        if server is not None:
            server.stop()
        big.unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
