"""Benchmark of judge assignment (评委分配).

Run: ``.venv/bin/python scripts/bench/assignment.py [--entries N --judges N ...]``

Prints the planner's time, load spread, subject match rate and group
connectivity, next to a naive baseline measured in the same run on the same
data (round-robin over the judges, skipping conflicts), and the time ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from competition.domain.assignment import (  # noqa: E402
    AssignmentPlan,
    EntryInfo,
    JudgeInfo,
    assign,
    build_plan,
    check_plan,
    conflict_reason,
)

SUBJECTS = (
    "数学",
    "物理与天文学",
    "化学",
    "生命科学",
    "计算机科学",
    "工程学",
    "环境科学与工程",
    "行为与社会科学",
    "医学与健康",
)


def generate(
    n_entries: int = 5000,
    n_judges: int = 200,
    n_schools: int = 150,
    n_districts: int = 10,
    n_groups: int = 12,
    n_conflicts: int = 300,
    seed: int = 1,
) -> tuple[list[EntryInfo], list[JudgeInfo], dict[tuple[str, str], str]]:
    """Synthetic round: entries spread over schools and groups; judges teach at
    some of the same schools (so school conflicts bite), know 1-3 subjects, and
    declared a few explicit conflicts.  Some entries name a judge as adviser."""
    rnd = random.Random(seed)
    district_of = {s: s % n_districts for s in range(n_schools)}
    judges = []
    for j in range(n_judges):
        school = rnd.randrange(n_schools) if rnd.random() < 0.7 else n_schools + j
        judges.append(
            JudgeInfo(
                judge_id=f"J{j:04d}",
                school_id=school,
                district_id=district_of.get(school, school % n_districts),
                subjects=frozenset(rnd.sample(SUBJECTS, rnd.randint(1, 3))),
            )
        )
    entries = []
    for e in range(n_entries):
        school = rnd.randrange(n_schools)
        advisers = frozenset({rnd.choice(judges).judge_id}) if rnd.random() < 0.02 else frozenset()
        entries.append(
            EntryInfo(
                entry_id=f"E{e:05d}",
                group=f"G{rnd.randrange(n_groups):02d}",
                school_id=school,
                district_id=district_of[school],
                subject=rnd.choice(SUBJECTS),
                adviser_ids=advisers,
            )
        )
    conflicts = {(rnd.choice(judges).judge_id, rnd.choice(entries).entry_id): "亲属关系" for _ in range(n_conflicts)}
    return entries, judges, conflicts


def round_robin(entries, judges, conflicts, k: int = 5) -> AssignmentPlan:
    """Baseline: walk the judges in a circle, giving each entry the next k allowed."""
    pairs = []
    pos = 0
    n = len(judges)
    for entry in entries:
        got = tried = 0
        while got < k and tried < n:
            judge = judges[pos % n]
            pos += 1
            tried += 1
            if conflict_reason(judge, entry, conflicts) is None:
                pairs.append((judge.judge_id, entry.entry_id))
                got += 1
    return build_plan(pairs, entries, judges, conflicts, k=k)


def summary(name: str, plan: AssignmentPlan, seconds: float) -> str:
    connected = sum(plan.is_connected(g) for g in plan.components)
    return (
        f"{name:12s} {seconds:7.3f} s  spread={max(plan.load_spread.values())}  "
        f"subject_match={plan.subject_match_rate:.3f}  "
        f"connected_groups={connected}/{len(plan.components)}  "
        f"shortfalls={len(plan.infeasible)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--groups", type=int, default=12)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    entries, judges, conflicts = generate(args.entries, args.judges, n_groups=args.groups, seed=args.seed)
    print(
        f"{args.entries} entries, {args.judges} judges, k={args.k}, "
        f"{len(conflicts)} declared conflicts, {args.groups} groups"
    )

    t0 = time.perf_counter()
    base = round_robin(entries, judges, conflicts, args.k)
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    plan = assign(entries, judges, conflicts, k=args.k, seed=args.seed)
    t_plan = time.perf_counter() - t0

    print(summary("round-robin", base, t_base))
    print(summary("assign", plan, t_plan))
    print(
        f"ratio assign/round-robin time: {t_plan / t_base:.2f}x  "
        f"(subject match {plan.subject_match_rate / max(base.subject_match_rate, 1e-9):.2f}x)"
    )
    problems = check_plan(plan, entries, judges, conflicts, args.k)
    print("check_plan:", "ok" if not problems else problems[:5])
    return 0 if not problems and t_plan < 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
