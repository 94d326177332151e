"""Benchmark of certificate printing (证书批量打印).

Run: ``.venv/bin/python scripts/bench/certificates.py [--n 1000] [--big 5000] [--huge 10000] [--chunk 100]
[--format pdf|zip]``.

1. Builds a throw-away SQLite database with `n` certificates (half students, half advisers).
2. Bare: the same template with the same data rendered by WeasyPrint as ONE document
   (the HTML is prepared before the clock starts): pages per second.
3. Product: `services.certificates.write_pdf` (load rows, QR codes, template, chunks of
   `--chunk` per WeasyPrint document, each copied into the output as it comes): pages per
   second and the ratio to bare (the product must keep >= 80%).
4. A `--big` run: the data is built by one subprocess, then a fresh subprocess renders it all
   into a file (as the CLI or a job does) and reports its own peak resident memory (VmHWM),
   which must stay under 600 MB. `--format zip` measures `write_zip` instead of `write_pdf`.
5. `--huge 10000` (a province): the data for `--huge` certificates is built once, then one fresh
   subprocess renders the first `--big` of them and another renders all `--huge`; both peaks are
   printed, and the larger run may not take more than HUGE_SLACK_MB more memory than the smaller
   one (memory must not grow with the number of certificates). Not the default: rendering
   10,000 pages alone takes five and a half minutes on a 2-core machine, the whole --huge run
   about nine.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def open_app(tmp: Path):
    """The app on the benchmark's SQLite database in `tmp`, inside an app context."""
    os.environ["COMPETITION_INSTANCE_PATH"] = str(tmp / "instance")
    from competition import create_app
    from tests.conftest import make_test_config

    app = create_app(make_test_config(tmp, f"sqlite:///{tmp / 'bench.db'}"))
    app.app_context().push()
    return app


def opened(tmp: Path):
    """(app, contest, certificate ids) of a database `build` filled earlier."""
    from sqlalchemy import select

    from competition.extensions import db
    from competition.models import Contest
    from competition.services import certificates as service

    app = open_app(tmp)
    contest = db.session.scalar(select(Contest).where(Contest.state == "results"))
    return app, contest, service.select_ids(contest.id)


def build(tmp: Path, n: int):
    """An app on a fresh SQLite database holding `n` issued certificates."""
    from competition.extensions import db

    app = open_app(tmp)
    db.create_all()
    from competition.models import Adviser, Entry, Result, Student
    from competition.services import certificates as service
    from tests import factories

    d = factories.make_district("相山区")
    schools = [factories.make_school(d, f"淮北市第{i + 1}中学") for i in range(20)]
    organizer = factories.make_user("organizer", username="bench-organizer")
    contest = factories.make_contest("innovation", state="results")
    section = factories.section(contest, "XS")
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "子涵浩然欣怡宇轩梓萱俊杰雨桐博文诗琪喆堃玥燚"
    levels = ["一等奖", "二等奖", "三等奖"]
    for i in range(n // 2):
        school = schools[i % len(schools)]
        entry = Entry(
            contest_id=contest.id,
            section_id=section.id,
            school_id=school.id,
            state="accepted",
            title=f"关于校园环境与{given[i % 10 : i % 10 + 4]}的第{i + 1}项探究" + ("及其推广应用研究" * (i % 3)),
            stage="初中",
            subject="环境科学与工程",
            number=f"CX-XS-{i + 1:04d}",
        )
        entry.students.append(
            Student(
                name=surnames[i % 20] + given[(i * 7) % 20] + given[(i * 3) % 20],
                school_name=school.name,
                grade="八年级",
            )
        )
        entry.advisers.append(Adviser(name=surnames[(i + 5) % 20] + given[(i * 11) % 20], unit=school.name))
        db.session.add(entry)
        db.session.flush()
        db.session.add(
            Result(contest_id=contest.id, entry_id=entry.id, group_key="XS|初中", method="mean", award=levels[i % 3])
        )
    db.session.flush()
    service.issue(contest, organizer, base_url=app.config["PUBLIC_BASE_URL"])
    db.session.commit()
    return app, contest, service.select_ids(contest.id)


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def bare(contest, ids) -> tuple[tuple[float, float], int]:
    from flask import current_app
    from weasyprint import HTML

    from competition.adapters.pdf import _fonts, make_url_fetcher
    from competition.extensions import db
    from competition.models import Certificate
    from competition.services import certificates as service

    certs = [db.session.get(Certificate, i) for i in ids]
    doc = service.document_context(contest, base_url=current_app.config["PUBLIC_BASE_URL"])
    html = service.render_html(contest, certs, doc)
    t0 = _clock()
    pdf = HTML(string=html, base_url="static:", url_fetcher=make_url_fetcher(service.upload_reader)).write_pdf(
        font_config=_fonts
    )
    elapsed = _since(t0)
    from pypdf import PdfReader

    return elapsed, len(PdfReader(io.BytesIO(pdf)).pages)


def product(contest, ids, chunk: int, target=None, fmt: str = "pdf") -> tuple[tuple[float, float], int]:
    from flask import current_app

    from competition.extensions import db
    from competition.services import certificates as service

    db.session.expire_all()
    writer = service.write_pdf if fmt == "pdf" else service.write_zip
    t0 = _clock()
    base_url = current_app.config["PUBLIC_BASE_URL"]
    pages = writer(contest, ids, target if target is not None else io.BytesIO(), base_url=base_url, chunk=chunk)
    return _since(t0), pages


def child_render(tmp: Path, chunk: int, limit: int | None, fmt: str) -> None:
    """Render the first `limit` certificates of a built database into a file, as `flask certificates`
    or a job would, and print pages, seconds and this process's peak resident memory in MB."""
    app, contest, ids = opened(tmp)
    with open(tmp / f"out.{fmt}", "wb") as fh:
        (wall, _cpu), pages = product(contest, ids[:limit], chunk, fh, fmt)
    print(f"{pages} {wall:.2f} {peak_rss_mb():.0f}")


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's getrusage ru_maxrss survives exec, so a child
    would report its parent's peak (the 1,000-page bare document above); VmHWM starts afresh."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def big_runs(sizes: list[int], chunk: int, fmt: str) -> list[tuple[int, float, float]]:
    """Build data for the largest size in one subprocess; render each size in a fresh one and
    report that one's (pages, seconds, peak MB)."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="cert-bench-big-") as tmp:
        subprocess.run([sys.executable, __file__, "--build-only", str(max(sizes)), "--dir", tmp], check=True)
        for n in sizes:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--render-only",
                    "--dir",
                    tmp,
                    "--chunk",
                    str(chunk),
                    "--limit",
                    str(n),
                    "--format",
                    fmt,
                ],
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                raise SystemExit(out.stderr[-3000:])
            pages, elapsed, peak = out.stdout.split()[-3:]
            runs.append((int(pages), float(elapsed), float(peak)))
    return runs


LIMIT_MB = 600
# The peak of one WeasyPrint chunk varies by about 20 MB from run to run; what really grows with the
# count is an offset per PDF object (about 200 KB per 10,000 pages) or the zip directory entry of
# each file (about 5 MB per 10,000 files).
HUGE_SLACK_MB = 40


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--big", type=int, default=5000, help="certificates of the memory run (0: none)")
    parser.add_argument(
        "--huge", type=int, default=0, help="also render this many (e.g. 10000) and compare the peak with --big's"
    )
    parser.add_argument("--format", choices=("pdf", "zip"), default="pdf", help="what the memory runs write")
    parser.add_argument("--chunk", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--build-only", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--render-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from competition.services.certificates import CHUNK, ZIP_CHUNK

    chunk = args.chunk or CHUNK  # the render-only child is always given --chunk
    if args.build_only:
        build(Path(args.dir), args.build_only)
        return 0
    if args.render_only:
        child_render(Path(args.dir), chunk, args.limit, args.format)
        return 0
    ok = True
    if args.n:
        with tempfile.TemporaryDirectory(prefix="cert-bench-") as tmp:
            t0 = time.perf_counter()
            app, contest, ids = build(Path(tmp), args.n)
            print(f"setup: {len(ids)} certificates issued in {time.perf_counter() - t0:.1f} s")
            # Alternate the two (best of `--rounds` each), so a busy machine hurts both alike. CPU time
            # is the fair figure on a shared machine; wall-clock rates are printed beside it.
            best_b, best_p = (1e9, 1e9), (1e9, 1e9)
            for _ in range(args.rounds):
                b_times, b_pages = bare(contest, ids)
                p_times, p_pages = product(contest, ids, chunk)
                best_b = tuple(min(x, y) for x, y in zip(best_b, b_times, strict=True))
                best_p = tuple(min(x, y) for x, y in zip(best_p, p_times, strict=True))
            for label, (wall, cpu), pages in (
                ("bare WeasyPrint, one document  ", best_b, b_pages),
                (f"product write_pdf, chunk {chunk:<5}", best_p, p_pages),
            ):
                print(
                    f"{label}: {pages} pages; wall {wall:6.1f} s = {pages / wall:5.1f} pages/s; "
                    f"cpu {cpu:6.1f} s = {pages / cpu:5.1f} pages/s"
                )
            ratio = (p_pages / best_p[1]) / (b_pages / best_b[1])
            wall_ratio = (p_pages / best_p[0]) / (b_pages / best_b[0])
            print(
                f"ratio product/bare: {ratio:.2f} by CPU time, {wall_ratio:.2f} by wall clock "
                f"(must be >= 0.80) {'OK' if ratio >= 0.8 else 'TOO SLOW'}"
            )
            ok &= ratio >= 0.8 and p_pages == len(ids)
    if args.big:
        sizes = [args.big] + ([args.huge] if args.huge else [])
        t0 = time.perf_counter()
        big_chunk = args.chunk or (ZIP_CHUNK if args.format == "zip" else CHUNK)
        runs = big_runs(sizes, big_chunk, args.format)
        unit = "pages" if args.format == "pdf" else "files"
        for n, (pages, elapsed, peak_mb) in zip(sizes, runs, strict=True):
            print(
                f"big run, {args.format}: {pages} {unit} in {elapsed:.1f} s ({pages / elapsed:.1f} {unit}/s); "
                f"peak memory of the rendering process {peak_mb:.0f} MB (must be < {LIMIT_MB} MB) "
                f"{'OK' if peak_mb < LIMIT_MB else 'TOO MUCH'}"
            )
            ok &= peak_mb < LIMIT_MB and pages == n
        if args.huge:
            growth = runs[-1][2] - runs[0][2]
            print(
                f"memory growth from {sizes[0]} to {sizes[-1]} certificates: {growth:+.0f} MB "
                f"(must be < {HUGE_SLACK_MB} MB) {'OK' if growth < HUGE_SLACK_MB else 'GROWS'}"
            )
            ok &= growth < HUGE_SLACK_MB
        print(f"memory runs took {time.perf_counter() - t0:.0f} s (build and render)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
