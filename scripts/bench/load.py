"""Load benchmark: many judges at once (issue 7).

Run: ``.venv/bin/python scripts/bench/load.py [--seconds 60] [--judges 50] [--db sqlite|postgresql|both]``.

For each database (an SQLite file in WAL mode with a busy timeout, as the app's engine options
set them; a fresh PostgreSQL database on 127.0.0.1:5432, created and dropped here):

1. Loads the innovation contest in judging: entries with a report each, ``--judges`` judges
   with ``--per-judge`` published assignments each (3 judges per entry), and ``--teachers``
   teachers with a draft entry in a second contest open for entries.
2. Starts the app under gunicorn (the repo's gunicorn.conf.py: its workers, threads and
   keep-alive) on a free loopback port, and a bare Flask app (one route returning a small HTML
   page, ``load_bare.py``) under the same settings on another port.
3. Login phase: every judge and teacher logs in (each from their own address, sent as
   X-Forwarded-For as nginx would, so the per-address login limit sees 55 people, not one),
   spread over ``--ramp`` s. Its latencies are printed on their own: argon2 makes a login
   cost about 0.2 s of CPU on purpose, and 55 of them would otherwise dominate the p99 of the
   judges' work. Then a warm-up opens each page kind a few times on new connections, so every
   worker has compiled its templates (as on a server that has been up for a while).
4. Paced load for ``--seconds`` (everyone starts within ``--spread`` s): each judge opens the
   list, then for one entry after another opens the scoring page, autosaves a changed score
   every 1-2 s with the version the server last gave (on 409 it takes the newer sheet, as the
   page's "use the newer values" does), submits, and asks for the next unscored entry. Every
   ``--two-tabs-every``-th judge works in two tabs on the same entries (the second opened after
   the first has shown the list), so versions really collide. Teachers open their draft, delete
   the previous report and upload a new 1-5 MB PDF every 2-4 s. ``--bare-clients`` clients
   fetch the bare route every 1-2 s. Requests of 100 ms or more are listed by time, and the
   machine's CPU is split between the app's workers, the bare route's, this client and
   everything else (PostgreSQL, other work on a shared machine). From the app workers' share
   follows the headroom: how many people at this pace the machine could serve at 80% busy.
5. Capacity (closed loop): ``--capacity-clients`` clients fetch, as fast as they can, the
   scoring page (logged-in judges), the app's cheapest page (the login form, anonymous: the
   floor of the app's own stack) and the bare route, in alternating windows of
   ``--capacity-window`` s, so all three see the same machine; the target is the ratio of the
   scoring page's throughput to the bare route's.
6. Checks: every sheet in the database against the last save the server acknowledged to a
   simulated judge (it must be there, or a newer acknowledged one; two different saves
   acknowledged at the same version would be an overwrite), and each teacher's last
   acknowledged upload against the stored file (size and SHA-256, exactly one file).

Prints, per kind of request: count, requests/s, p50, p99, max latency and errors, beside the
bare route; then the targets: zero errors, zero lost or overwritten saves, p99 < 100 ms for the
judges' requests (list, scoring page, autosave, submit, next; not the login, nor the 1-5 MB
uploads, whose figures are printed too), scoring-page capacity >= half the bare route's.
Everything runs on 127.0.0.1, bounded in time (and in requests by ``--max-requests``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load_data import (  # noqa: E402
    Ack,
    Judge,
    Seeded,
    Teacher,
    ack,
    check_saves,
    check_uploads,
    database,
    open_app,
    seed,
)
from load_files import pdf_bytes  # noqa: E402
from load_http import (  # noqa: E402
    CSRF_INPUT,
    CSRF_META,
    Browser,
    Recorder,
    Run,
    Server,
    Stop,
    Tab,
    client_address,
    cpu_seconds,
    login,
    machine_cpu,
    percentile,
    random_secret,
)

P99_TARGET_MS = 100.0
RATIO_TARGET = 0.5
JUDGE_KINDS = ("judge list", "scoring page", "autosave", "submit", "next unscored")
KIND_ORDER = ("login form", "login", *JUDGE_KINDS, "teacher page", "delete file", "upload 1-5 MB", "bare route")
COMMENTS = [
    "选题贴近生活，数据较完整。",
    "创新点明确，建议加强对照实验。",
    "研究过程规范，结论需进一步验证。",
    "实用价值较高，报告表述清楚。",
    "",
]

SCORE_INPUT = re.compile(r"<input[^>]*\bclass=\"form-control form-control-lg score\"[^>]*>", re.S)
COMMENT_AREA = re.compile(r'<textarea[^>]*id="comment"[^>]*>(.*?)</textarea>', re.S)


def _attr(tag: str, name: str) -> str:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else ""


@dataclass
class SheetPage:
    csrf: str
    version: int
    locked: bool
    criteria: list[tuple[str, float]]  # (criterion id, max)
    values: dict[str, str]
    comment: str


def parse_sheet_page(text: str) -> SheetPage | None:
    form = re.search(r'<form[^>]*id="sheet-form"[^>]*>', text, re.S)
    token = CSRF_META.search(text)
    if form is None or token is None:
        return None
    tags = SCORE_INPUT.findall(text)
    comment = COMMENT_AREA.search(text)
    return SheetPage(
        csrf=token.group(1),
        version=int(_attr(form.group(0), "data-version") or 0),
        locked=_attr(form.group(0), "data-locked") == "true",
        criteria=[(_attr(t, "data-key"), float(_attr(t, "data-max"))) for t in tags],
        values={_attr(t, "data-key"): _attr(t, "value") for t in tags},
        comment=html.unescape(comment.group(1)) if comment else "",
    )


def a_score(rng: random.Random, maximum: float) -> str:
    value = rng.randint(int(maximum * 0.4) * 2, int(maximum) * 2) / 2
    return f"{value:g}"


# --------------------------------------------------------------------------- simulated people


@dataclass
class JudgeState:
    judge: Judge
    browser: Browser
    logged_in: threading.Event = field(default_factory=threading.Event)
    list_shown: threading.Event = field(default_factory=threading.Event)
    last_assignment: int | None = None


class Simulation:
    def __init__(self, seeded: Seeded, run: Run, bare_run: Run, args, pdfs: list[tuple[bytes, str]]):
        self.seeded, self.run, self.bare_run, self.args, self.pdfs = seeded, run, bare_run, args, pdfs
        self.acks: list[Ack] = []
        self.last_upload: dict[int, tuple[str, int] | None] = {}
        self.lock = threading.Lock()
        self.judges = [JudgeState(j, Browser(run, client_address(i))) for i, j in enumerate(seeded.judges)]

    def acknowledge(self, a: Ack) -> None:
        with self.lock:
            self.acks.append(a)

    # ---- judges

    def log_in(self, browser: Browser, username: str, delay: float, done: threading.Event) -> None:
        """One person logging in (the login phase, before the clock of the paced load starts)."""
        tab = browser.tab()
        try:
            self.run.sleep(delay)
            if login(tab, username, self.seeded.password):
                done.set()
        except Stop:
            pass
        finally:
            tab.close()

    def judge_tab(self, state: JudgeState, tab_no: int, start_delay: float, seed: int) -> None:
        """One tab of a logged-in judge: the list, then sheet after sheet. A second tab opens
        once the first has shown the list, as a person would open it."""
        rng = random.Random(seed)
        tab = state.browser.tab()
        try:
            self.run.sleep(start_delay)
            if not state.logged_in.is_set():
                return
            if tab_no > 0:
                while not state.list_shown.wait(0.25):
                    if self.run.over():
                        return
            listing = tab.get("judge list", "/judge/")
            state.list_shown.set()
            if listing is None:
                return
            ids = list(dict.fromkeys(int(x) for x in re.findall(r'href="/judge/a/(\d+)"', listing.text)))
            current = ids[0] if ids else None
            while current is not None:
                state.last_assignment = current
                current = self.score_one(tab, current, rng)
        except Stop:
            pass
        finally:
            tab.close()

    def score_one(self, tab: Tab, aid: int, rng: random.Random) -> int | None:
        """Open one sheet, autosave a few changes, submit, and return the next unscored one."""
        page = tab.get("scoring page", f"/judge/a/{aid}")
        sheet = parse_sheet_page(page.text) if page is not None else None
        if page is not None and (sheet is None or not sheet.criteria):
            self.run.recorder.error("scoring page", f"/judge/a/{aid}: no score sheet in the page")
        if sheet is None or not sheet.criteria:
            return None
        if not sheet.locked:
            self.work_on(tab, aid, sheet, rng)
        nxt = tab.get("next unscored", f"/judge/next?after={aid}", expect=(302,))
        if nxt is None:
            return None
        m = re.match(r"/judge/a/(\d+)", nxt.location)
        return int(m.group(1)) if m else None

    def work_on(self, tab: Tab, aid: int, sheet: SheetPage, rng: random.Random) -> None:
        values = {key: sheet.values.get(key, "") for key, _max in sheet.criteria}
        comment, version = sheet.comment, sheet.version
        url = f"/judge/a/{aid}"

        def follow(body: dict) -> bool:
            """A 409: take the newer sheet; False when it is already submitted."""
            nonlocal comment, version
            self.run.recorder.count("409 followed")
            current = body.get("current") or {}
            if current.get("state") == "final":
                return False
            values.update({key: (current.get("scores") or {}).get(key, "") for key in values})
            comment, version = current.get("comment") or "", int(current.get("version") or 0)
            return True

        for _ in range(rng.randint(2, 6)):
            self.run.sleep(rng.uniform(1.0, 2.0))
            key, maximum = rng.choice(sheet.criteria)
            values[key] = a_score(rng, maximum)
            if rng.random() < 0.2:
                comment = rng.choice(COMMENTS)
            resp = tab.post_json(
                "autosave",
                f"{url}/sheet",
                {"version": version, "scores": values, "comment": comment},
                sheet.csrf,
                expect=(200, 409),
            )
            if resp is None:
                continue  # recorded as an error; the page would retry with the same values
            if resp.status == 200:
                version = int(resp.json()["version"])
                self.acknowledge(ack(aid, version, "draft", values, comment))
            elif not follow(resp.json()):
                return
        for _attempt in range(3):
            self.run.sleep(rng.uniform(1.0, 2.0))
            for key, maximum in sheet.criteria:
                if not values.get(key):
                    values[key] = a_score(rng, maximum)
            resp = tab.post_json(
                "submit",
                f"{url}/submit",
                {"version": version, "scores": values, "comment": comment},
                sheet.csrf,
                expect=(200, 409),
            )
            if resp is None:
                return
            if resp.status == 200:
                self.acknowledge(ack(aid, version + 1, "final", values, comment))
                return
            if not follow(resp.json()):
                return

    # ---- teachers

    def teacher(
        self, browser: Browser, teacher: Teacher, logged_in: threading.Event, start_delay: float, seed: int
    ) -> None:
        """A teacher replacing the report of their draft: open it, delete the old file, upload."""
        rng = random.Random(seed)
        tab = browser.tab()
        eid = teacher.entry_id
        try:
            self.run.sleep(start_delay)
            if not logged_in.is_set():
                return
            while True:
                page = tab.get("teacher page", f"/teacher/entries/{eid}")
                if page is None:
                    return
                token = CSRF_INPUT.search(page.text)
                csrf = token.group(1) if token else ""
                for action in re.findall(rf'action="(/teacher/entries/{eid}/attachments/\d+/delete)"', page.text):
                    if tab.post_form("delete file", action, {"csrf_token": csrf}, expect=(302,)) is not None:
                        self.last_upload[eid] = None
                data, sha = rng.choice(self.pdfs)
                upload = f"/teacher/entries/{eid}/materials/{teacher.requirements['report']}"
                resp = tab.post_file(
                    "upload 1-5 MB",
                    upload,
                    {"csrf_token": csrf},
                    "file",
                    "研究报告.pdf",
                    data,
                    "application/pdf",
                    expect=(302,),
                )
                if resp is not None:
                    self.last_upload[eid] = (sha, len(data))
                self.run.sleep(rng.uniform(2.0, 4.0))
        except Stop:
            pass
        finally:
            tab.close()

    # ---- the bare route

    def bare_client(self, n: int, seed: int) -> None:
        rng = random.Random(seed)
        tab = Browser(self.bare_run, client_address(2000 + n)).tab()
        try:
            self.bare_run.sleep(rng.uniform(0, self.args.spread))
            while True:
                tab.get("bare route", "/bare")
                self.bare_run.sleep(rng.uniform(1.0, 2.0))
        except Stop:
            pass
        finally:
            tab.close()

    def login_phase(self, login_run: Run, ramp: float) -> None:
        """Everyone logs in, spread over ``ramp`` seconds (argon2 is slow on purpose, so a
        login storm is measured on its own, before the paced load)."""
        rng = random.Random(3)
        self.teacher_browsers = [
            (Browser(login_run, client_address(1000 + n)), t, threading.Event())
            for n, t in enumerate(self.seeded.teachers)
        ]
        jobs = [(state.browser, state.judge.username, state.logged_in) for state in self.judges]
        jobs += [(b, t.username, done) for b, t, done in self.teacher_browsers]
        threads = []
        for browser, username, done in jobs:
            browser.run = login_run
            threads.append(
                threading.Thread(target=self.log_in, args=(browser, username, rng.uniform(0, ramp), done), daemon=True)
            )
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.1, login_run.deadline + 60 - time.monotonic()))
        for browser, _u, _d in jobs:
            browser.run = self.run

    def warm_up(self, run: Run, workers: int) -> None:
        """Each page kind a few times on new connections, so every worker has compiled its
        templates before the clock starts (a server that has run for a while has)."""
        judge = next((s for s in self.judges if s.logged_in.is_set()), None)
        teacher = next(((b, t) for b, t, done in self.teacher_browsers if done.is_set()), None)
        paths = []
        if judge is not None:
            paths += [(judge.browser, "/judge/"), (judge.browser, f"/judge/a/{judge.judge.assignment_ids[0]}")]
        if teacher is not None:
            paths.append((teacher[0], f"/teacher/entries/{teacher[1].entry_id}"))
        for _ in range(3 * workers):
            for browser, path in paths:
                browser.run = run
                tab = browser.tab()
                with contextlib.suppress(Stop):
                    tab.get("warm-up (templates)", path)
                tab.close()
                browser.run = self.run

    def start(self) -> list[threading.Thread]:
        """The paced load: judges' tabs, teachers and the bare-route clients, each starting
        within the first ``--spread`` seconds."""
        args = self.args
        self.run.recorder.started = time.monotonic()
        self.run.deadline = time.monotonic() + args.seconds
        self.bare_run.deadline = self.run.deadline
        threads = []
        rng = random.Random(7)
        for i, state in enumerate(self.judges):
            delay = rng.uniform(0, args.spread)
            tabs = 2 if args.two_tabs_every and i % args.two_tabs_every == 0 else 1
            for t in range(tabs):
                threads.append(
                    threading.Thread(target=self.judge_tab, args=(state, t, delay, rng.random()), daemon=True)
                )
        for browser, teacher, done in self.teacher_browsers:
            args_ = (browser, teacher, done, rng.uniform(0, args.spread), rng.random())
            threads.append(threading.Thread(target=self.teacher, args=args_, daemon=True))
        for n in range(args.bare_clients):
            threads.append(threading.Thread(target=self.bare_client, args=(n, rng.random()), daemon=True))
        for t in threads:
            t.start()
        return threads


CAPACITY_KINDS = ("scoring page", "login form (anonymous)", "bare route")


def capacity(sim: Simulation, app_port: int, bare_port: int, args) -> Recorder:
    """Closed loop: the same number of clients on the scoring page (logged-in judges, each on
    their last sheet), on the app's cheapest page (the login form, anonymous) and on the bare
    route, in alternating windows; each window's requests are recorded under its kind and its
    length under the counter ``ms <kind>``."""
    rec = Recorder()
    ready = [s for s in sim.judges if s.logged_in.is_set() and s.last_assignment][: args.capacity_clients]
    if not ready:
        return rec
    n = len(ready)
    groups = {
        "scoring page": (app_port, [s.browser.tab() for s in ready], [f"/judge/a/{s.last_assignment}" for s in ready]),
        "login form (anonymous)": (
            app_port,
            [Browser(sim.run, client_address(3000 + i)).tab() for i in range(n)],
            ["/login"] * n,
        ),
        "bare route": (bare_port, [Browser(sim.run, client_address(4000 + i)).tab() for i in range(n)], ["/bare"] * n),
    }

    def loop(tab: Tab, kind: str, path: str) -> None:
        try:
            while True:
                tab.get(kind, path)
        except Stop:
            pass

    for _round in range(args.capacity_rounds):
        for kind in CAPACITY_KINDS:
            port, tabs, paths = groups[kind]
            run = Run(port, args.capacity_window, rec)
            for tab in tabs:
                tab.browser.run = run
            t0 = time.monotonic()
            workers = [
                threading.Thread(target=loop, args=(tab, kind, path), daemon=True)
                for tab, path in zip(tabs, paths, strict=True)
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join(args.capacity_window + 60)
            rec.count(f"ms {kind}", int((time.monotonic() - t0) * 1000))
    for _port, tabs, _paths in groups.values():
        for tab in tabs:
            tab.close()
    return rec


class CpuMeter(threading.Thread):
    """Where the machine's CPU went during a phase: the app's workers, the bare route's, this
    client process, and everything else (PostgreSQL, other people's work on a shared machine).
    Workers are looked up every 0.2 s, since gunicorn replaces them (max_requests)."""

    def __init__(self, servers: dict[str, Server]):
        super().__init__(daemon=True)
        self.servers = servers
        self.first: dict[int, float] = {}  # pid -> CPU seconds when first seen
        self.last: dict[int, float] = {}
        self.owner: dict[int, str] = {}
        self.done = threading.Event()
        self._poll(initial=True)
        self.own = time.process_time()
        self.busy, self.total = machine_cpu()
        self.t0 = time.monotonic()
        self.start()

    def _poll(self, initial: bool = False) -> None:
        for name, server in self.servers.items():
            for pid in server.worker_pids():
                sec = cpu_seconds(pid)
                if pid not in self.first:
                    self.first[pid] = sec if initial else 0.0
                    self.owner[pid] = name
                self.last[pid] = max(self.last.get(pid, 0.0), sec)

    def run(self) -> None:
        while not self.done.wait(0.2):
            self._poll()

    def stop(self) -> str:
        self.done.set()
        self.join()
        self._poll()
        busy, total = machine_cpu()
        wall = time.monotonic() - self.t0
        cpus = (total - self.total) / wall if wall else 1
        by_name = {name: 0.0 for name in self.servers}
        for pid, first in self.first.items():
            by_name[self.owner[pid]] += self.last[pid] - first
        own = time.process_time() - self.own
        self.cpus, self.wall, self.app_seconds = cpus, wall, by_name.get("app", 0.0)
        parts = [f"{name} workers {100 * sec / wall / cpus:.0f}%" for name, sec in by_name.items()]
        parts.append(f"this client {100 * own / wall / cpus:.0f}%")
        other = busy - self.busy - sum(by_name.values()) - own
        parts.append(f"everything else {100 * max(0.0, other) / wall / cpus:.0f}%")
        return (
            f"machine: {cpus:.0f} CPUs {100 * (busy - self.busy) / (total - self.total):.0f}% busy ({', '.join(parts)})"
        )


def served(meter: CpuMeter, judges: int, teachers: int, busy: float = 0.8) -> str:
    """How many people at this pace the app's workers could serve on this machine, from the CPU
    they used for the people simulated (a planning figure: the headroom over the real load)."""
    cores = meter.app_seconds / meter.wall if meter.wall else 0.0
    people = judges + teachers
    if cores <= 0:
        return "headroom: the app's workers used no measurable CPU"
    per_person = cores / people
    return (
        f"headroom: the app's workers used {cores:.2f} of {meter.cpus:.0f} CPUs for {judges} judges and "
        f"{teachers} teachers ({100 * per_person:.1f}% of a CPU each); at {100 * busy:.0f}% busy this machine "
        f"would serve about {int(meter.cpus * busy / per_person)} people working at this pace"
    )


# --------------------------------------------------------------------------- reporting


def row(kind: str, values: list[float], seconds: float, errors: int) -> str:
    if not values:
        return f"  {kind:<24}{0:>7}{'':>9}{'':>9}{'':>9}{'':>9}{errors:>8}"
    return (
        f"  {kind:<24}{len(values):>7}{len(values) / seconds:>9.1f}{percentile(values, 50):>9.1f}"
        f"{percentile(values, 99):>9.1f}{max(values):>9.1f}{errors:>8}"
    )


def header() -> str:
    return f"  {'kind':<24}{'count':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def run_one(kind: str, args, pdfs) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-load-{kind}-"))
    label = {"sqlite": "SQLite (file, WAL, busy_timeout 30 s)", "postgresql": "PostgreSQL 127.0.0.1:5432"}[kind]
    servers: list[Server] = []
    try:
        with database(kind, tmp) as url:
            t0 = time.perf_counter()
            app, ctx = open_app(tmp, url)
            from competition.extensions import db

            db.create_all()
            seeded = seed(args.judges, args.per_judge, args.teachers)
            db.session.remove()
            db.engine.dispose()
            setup_s = time.perf_counter() - t0
            env = {
                "COMPETITION_INSTANCE_PATH": str(tmp / "instance"),
                "COMPETITION_DATABASE_URL": url,
                "COMPETITION_SECRET_KEY": random_secret(),
                "COMPETITION_UPLOAD_FOLDER": str(tmp / "uploads"),
                "COMPETITION_EXPORT_FOLDER": str(tmp / "exports"),
                "COMPETITION_PROXY_FIX": "1",  # clients come "through nginx", each from its own address
                "GUNICORN_LOGLEVEL": "warning",
            }
            app_server = Server("app", "competition:create_app()", env, tmp)
            servers.append(app_server.start())
            bare = Server(
                "bare", "load_bare:app", {"GUNICORN_LOGLEVEL": "warning"}, tmp, pythonpath=HERE, ready_path="/bare"
            )
            servers.append(bare.start())
            print(
                f"\n== {label}: {seeded.n_entries} entries, {len(seeded.judges)} judges x "
                f"{args.per_judge} assignments ({seeded.n_assignments}), {len(seeded.teachers)} teachers "
                f"with drafts; set up in {setup_s:.1f} s"
            )
            print(
                f"   gunicorn (gunicorn.conf.py): {app_server.settings()}, app on :{app_server.port}, "
                f"bare route on :{bare.port}"
            )

            logins = Recorder()
            rec = Recorder()
            run = Run(app_server.port, args.seconds, rec, args.max_requests)
            sim = Simulation(seeded, run, run.on(bare.port), args, pdfs)
            t_login = time.monotonic()
            sim.login_phase(Run(app_server.port, args.ramp + 60, logins), args.ramp)
            login_s = time.monotonic() - t_login
            sim.warm_up(Run(app_server.port, 120, logins), app_server.expected_workers())
            meter = CpuMeter({"app": app_server, "bare route": bare})
            threads = sim.start()
            t_start = time.monotonic()
            for t in threads:
                t.join(max(0.1, run.deadline + 90 - time.monotonic()))
            run.stopped.set()
            elapsed = time.monotonic() - t_start
            hung = sum(t.is_alive() for t in threads)
            rec.notes["cpu"] = meter.stop()
            rec.notes["served"] = served(meter, len(seeded.judges), len(seeded.teachers))
            meter = CpuMeter({"app": app_server, "bare route": bare})
            cap = capacity(sim, app_server.port, bare.port, args)
            cap.notes["cpu"] = meter.stop()

            for s in servers:
                s.stop()
            server_errors = _server_errors(tmp)
            db.session.remove()
            saves = check_saves(sim.acks)
            uploads = check_uploads(sim.last_upload)
            db.session.remove()
            db.engine.dispose()
            ctx.pop()
            return report(label, logins, login_s, rec, cap, elapsed, saves, uploads, hung, server_errors, args)
    finally:
        for s in servers:
            s.stop()
        if args.keep:
            print(f"   (kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _server_errors(tmp: Path) -> list[str]:
    """Tracebacks and 5xx lines in the gunicorn logs."""
    found = []
    for log in sorted(tmp.glob("*-error.log")) + sorted(tmp.glob("*-stdout.log")):
        for line in log.read_text(errors="replace").splitlines():
            if "Traceback" in line or ("Error" in line and "WARNING" not in line):
                found.append(f"{log.name}: {line[:200]}")
    return found


def _table(rec: Recorder, seconds: float, kinds: list[str] | None = None) -> None:
    errors_by_kind: dict[str, int] = {}
    for kind, _text in rec.errors:
        errors_by_kind[kind] = errors_by_kind.get(kind, 0) + 1
    if kinds is None:
        kinds = [k for k in KIND_ORDER if k in rec.latencies or k in errors_by_kind]
        kinds += sorted((set(rec.latencies) | set(errors_by_kind)) - set(kinds))
    print(header())
    for kind in kinds:
        per = rec.counters.get(f"ms {kind}", 0) / 1000 or seconds
        print(row(kind, rec.latencies.get(kind, []), per, errors_by_kind.get(kind, 0)))


def _slow(rec: Recorder, bucket: float = 5.0) -> None:
    """When the slow requests (>= 100 ms) happened, by time since the start of the paced load."""
    if not rec.slow:
        return
    buckets: dict[int, dict[str, int]] = {}
    for t, kind, _ms in rec.slow:
        b = buckets.setdefault(int(max(t, 0) // bucket), {})
        b[kind] = b.get(kind, 0) + 1
    parts = []
    for b in sorted(buckets):
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(buckets[b].items(), key=lambda x: -x[1]))
        parts.append(f"{b * bucket:g}-{(b + 1) * bucket:g} s: {kinds}")
    print("   requests >= 100 ms by time: " + "; ".join(parts))


def report(
    label,
    logins: Recorder,
    login_s: float,
    rec: Recorder,
    cap: Recorder,
    elapsed: float,
    saves,
    uploads,
    hung,
    server_errors,
    args,
) -> dict:
    print(
        f"   login phase: everyone logs in within {args.ramp:g} s ({login_s:.1f} s until the last answer), "
        f"then a warm-up"
    )
    _table(logins, login_s)
    print(f"   paced load: {elapsed:.1f} s, {rec.total()} requests")
    _table(rec, elapsed)
    _slow(rec)
    print(f"   {rec.notes['cpu']}")
    print(f"   {rec.notes['served']}")
    print(
        f"   409 conflicts followed: {rec.counters.get('409 followed', 0)}; connections reopened after the "
        f"server closed an idle one: {rec.counters.get('reconnects', 0)}"
    )
    print(
        f"   capacity, closed loop, {args.capacity_clients} clients, {args.capacity_rounds} x "
        f"{args.capacity_window:g} s windows per kind, alternating:"
    )
    _table(cap, 1.0, list(CAPACITY_KINDS))
    print(f"   {cap.notes['cpu']}")
    rps = {k: len(cap.latencies.get(k, [])) / (cap.counters.get(f"ms {k}", 0) / 1000 or 1) for k in CAPACITY_KINDS}
    page_rps, bare_rps = rps["scoring page"], rps["bare route"]
    ratio = page_rps / bare_rps if bare_rps else 0.0
    cap_errors = len(cap.errors)
    judge_lat = [v for k in JUDGE_KINDS for v in rec.latencies.get(k, [])]
    p99_all = percentile(judge_lat, 99) if judge_lat else float("nan")
    p99_worst = max((percentile(rec.latencies[k], 99), k) for k in JUDGE_KINDS if rec.latencies.get(k))
    n_errors = len(logins.errors) + len(rec.errors) + cap_errors + hung
    lost = len(saves.lost) + len(saves.overwritten)
    print("   targets:")
    print(
        f"     errors                       {n_errors:>8}   target 0                 {verdict(n_errors == 0)}"
        + (f" ({hung} simulated people did not stop)" if hung else "")
    )
    print(
        f"     lost or overwritten saves    {lost:>8}   target 0                 {verdict(lost == 0)}"
        f"   ({saves.acknowledged} acknowledged saves on {saves.sheets} sheets checked; "
        f"{len(saves.unacknowledged)} sheets hold a newer unacknowledged write)"
    )
    print(f"     lost uploads                 {len(uploads):>8}   target 0                 {verdict(not uploads)}")
    print(
        f"     p99 judges' requests (ms)    {p99_all:>8.1f}   target < {P99_TARGET_MS:g}             "
        f"{verdict(p99_all < P99_TARGET_MS)}   (worst kind: {p99_worst[1]} {p99_worst[0]:.1f} ms)"
    )
    print(
        f"     scoring page / bare route    {ratio:>8.2f}   target >= {RATIO_TARGET:g}            "
        f"{verdict(ratio >= RATIO_TARGET)}   ({page_rps:.0f} vs {bare_rps:.0f} req/s)"
    )
    for kind, text in (logins.errors + rec.errors + cap.errors)[:10]:
        print(f"     error: {kind}: {text}")
    for text in (saves.lost + saves.overwritten + uploads)[:10]:
        print(f"     lost: {text}")
    for text in server_errors[:10]:
        print(f"     server log: {text}")
    return {"label": label, "errors": n_errors, "lost": lost + len(uploads), "p99": p99_all, "ratio": ratio}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--per-judge", type=int, default=30)
    parser.add_argument("--teachers", type=int, default=5)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--two-tabs-every", type=int, default=5, help="every n-th judge works in two tabs (0: none)")
    parser.add_argument("--bare-clients", type=int, default=10)
    parser.add_argument("--ramp", type=float, default=10, help="everyone logs in within this many seconds")
    parser.add_argument("--spread", type=float, default=5, help="the paced load starts within this many seconds")
    parser.add_argument("--capacity-clients", type=int, default=10)
    parser.add_argument("--capacity-window", type=float, default=3)
    parser.add_argument("--capacity-rounds", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, SQLite file)")
    args = parser.parse_args(argv)

    rng = random.Random(1)
    pdfs = []
    for mb in (1, 2, 3, 4, 5):
        data = pdf_bytes(int(mb * 1024 * 1024 * rng.uniform(0.9, 1.0)))
        pdfs.append((data, hashlib.sha256(data).hexdigest()))
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    t0 = time.perf_counter()
    results = [run_one(kind, args, pdfs) for kind in kinds]
    print(f"\nsummary ({time.perf_counter() - t0:.0f} s in all):")
    for r in results:
        print(
            f"  {r['label']:<40} errors {r['errors']}, lost {r['lost']}, p99 {r['p99']:.1f} ms, "
            f"page/bare {r['ratio']:.2f}"
        )
    ok = all(
        r["errors"] == 0 and r["lost"] == 0 and r["p99"] < P99_TARGET_MS and r["ratio"] >= RATIO_TARGET for r in results
    )
    print("all targets met" if ok else "some targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
