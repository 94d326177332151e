"""Where a judge's request spends its CPU: the app's layers one by one, in one process.

Run: ``.venv/bin/python scripts/bench/page_cost.py [--db sqlite|postgresql] [--requests 200]``.

``load.py`` measures whole requests through gunicorn; this one explains its ratio. It builds the
load benchmark's data on a throw-away database, then times, with Flask's test client in this
process (CPU time of this process, the best of several rounds, so other work on a shared machine
counts little), each step from a bare Flask route up to the judge's scoring page and autosave:

1. a bare Flask app's route (the baseline, as in load.py);
2. a trivial route added to our app (its request hooks, anonymous);
3. the same with a judge logged in (session, the user and roles loaded, permission);
4. the login form (the app's cheapest real page: layout, a form, CSRF);
5. the judge's list, the scoring page and an autosave.

Prints milliseconds per request and the ratio to the baseline. The extra routes are added to this
process's app only, for the measurement.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from load_data import database, seed  # noqa: E402


def cpu_ms(fn, n: int, rounds: int = 5) -> float:
    for _ in range(max(10, n // 10)):
        fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - start) / n * 1000)
    return best


def measure(kind: str, n: int) -> list[tuple[str, float]]:
    from flask import Flask
    from flask_login import current_user, login_required

    from competition import create_app
    from tests.conftest import make_test_config

    tmp = Path(tempfile.mkdtemp(prefix="bench-page-cost-"))
    with database(kind, tmp) as url:
        app = create_app(make_test_config(tmp, url, TESTING=False, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True))

        @app.route("/bench-trivial")
        def trivial():
            return "<p>x</p>" * 30

        @app.route("/bench-user")
        @login_required
        def user_only():
            return f"<p>{current_user.name}</p>" * 30

        with app.app_context():
            from competition.extensions import db

            db.create_all()
            seeded = seed(5, 10, 1)
            db.session.commit()
            db.session.remove()
        judge = seeded.judges[0]
        assignment_id = judge.assignment_ids[0]

        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": judge.username, "password": seeded.password, "csrf_token": token})
        score_page = client.get(f"/judge/a/{assignment_id}").get_data(as_text=True)
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', score_page).group(1)
        version = int(re.search(r'data-version="(\d+)"', score_page).group(1))
        key = re.search(r'data-key="([^"]+)"', score_page).group(1)
        state = {"version": version, "value": 10}

        def autosave():
            state["value"] = 10 if state["value"] == 11 else 11
            resp = client.post(
                f"/judge/a/{assignment_id}/sheet",
                data=json.dumps({"version": state["version"], "scores": {key: str(state["value"])}, "comment": ""}),
                content_type="application/json",
                headers={"X-CSRFToken": csrf},
            )
            assert resp.status_code == 200, resp.status_code
            state["version"] = resp.get_json()["version"]

        bare_app = Flask("bare")

        @bare_app.route("/bare")
        def bare():
            return "<p>x</p>" * 30

        bare_client = bare_app.test_client()
        anonymous = app.test_client()
        steps = [
            ("bare Flask route (baseline)", lambda: bare_client.get("/bare")),
            ("our app: trivial route, anonymous", lambda: anonymous.get("/bench-trivial")),
            ("our app: trivial route, judge logged in", lambda: client.get("/bench-user")),
            ("login form (layout, form, CSRF)", lambda: anonymous.get("/login")),
            ("judge's list", lambda: client.get("/judge/")),
            ("scoring page", lambda: client.get(f"/judge/a/{assignment_id}")),
            ("autosave (JSON)", autosave),
        ]
        results = [(name, cpu_ms(fn, n)) for name, fn in steps]
        with app.app_context():
            from competition.extensions import db

            db.engine.dispose()
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="requests per round (5 rounds, best kept)")
    args = parser.parse_args()
    results = measure(args.db, args.requests)
    base = results[0][1]
    print(f"CPU per request, in-process ({args.db}), best of 5 rounds of {args.requests}:")
    print(f"  {'step':44s} {'ms':>7s} {'x bare':>7s} {'bare/step':>9s}")
    for name, ms in results:
        print(f"  {name:44s} {ms:7.3f} {ms / base:7.1f} {base / ms:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
