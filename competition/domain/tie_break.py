"""The tie-break chain (决胜规则): the ordered steps that separate entries with the same score.

A step is ``criterion:<code>`` (the mean of that rubric criterion), or one of STEPS. Older
settings may name a criterion by its name (``criterion:创新性``); ``normalise`` turns that into
its code, so a later rename does not break the chain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .text import N_, Message

CRITERION = "criterion:"
# step -> what it compares, in the order the settings page offers them
STEPS = {
    "n_judges": N_("number of judges"),
    "final_round": N_("final-round score"),
    "raw_sum": N_("sum of all scores"),
}
ALIASES = {"total": "raw_sum"}


def criterion_ref(step: str) -> str | None:
    """The code or name a ``criterion:`` step names, else None."""
    return step[len(CRITERION) :] if isinstance(step, str) and step.startswith(CRITERION) else None


def label(step: str, names: Mapping[str, str]) -> Message:
    """What a step compares, in words; ``names``: criterion code -> its name."""
    ref = criterion_ref(step)
    if ref is not None:
        if names.get(ref):
            return Message(N_("%(criterion)s score"), {"criterion": names[ref]})
        return Message(N_("score of a criterion no rubric has"))
    step = ALIASES.get(step, step)
    return Message(STEPS[step]) if step in STEPS else Message(N_("a tie-break the system does not know"))


def normalise(step: str, names: Mapping[str, str]) -> str:
    """A stored step as the settings page offers it: criteria by code, aliases resolved."""
    ref = criterion_ref(step)
    if ref is not None and ref not in names:
        code = next((c for c, n in names.items() if n == ref), None)
        return CRITERION + code if code else step
    return ALIASES.get(step, step)


def check(steps: Sequence[str], names: Mapping[str, str]) -> tuple[list[str], list[Message]]:
    """(the chain to store, problems): unknown steps and criteria and repeated steps are refused."""
    problems: list[Message] = []
    out: list[str] = []
    seen: dict[str, int] = {}
    for n, step in enumerate(steps, start=1):
        step = (step or "").strip()
        ref = criterion_ref(step)
        if ref is not None:
            if ref not in names:
                problems.append(
                    Message(
                        N_(
                            "Step %(n)d: that criterion is not in any rubric of this contest; choose one from the list."
                        ),
                        {"n": n},
                    )
                )
                continue
        elif ALIASES.get(step, step) not in STEPS:
            problems.append(
                Message(N_("Step %(n)d: this is not a tie-break the system knows; choose one from the list."), {"n": n})
            )
            continue
        step = ALIASES.get(step, step)
        if step in seen:
            problems.append(
                Message(
                    N_("Step %(n)d repeats step %(first)d; each tie-break can be used once."),
                    {"n": n, "first": seen[step]},
                )
            )
            continue
        seen[step] = n
        out.append(step)
    return out, problems


# Rows the settings page's tie-break form can hold; a longer chain is never offered.
MAX_FORM_ROWS = 40


def posted_steps(posted: Mapping[str, str]) -> list[str]:
    """The rows of the tie-break form in their order: ``step-<i>`` with its typed position
    ``step-<i>-order`` (else its place), then an ``up-<i>``/``down-<i>`` button in ``action``
    swaps row i with its neighbour in that order. Empty rows are dropped."""
    rows = []
    for i in range(MAX_FORM_ROWS):
        step = posted.get(f"step-{i}")
        if step is None:
            break
        order = (posted.get(f"step-{i}-order") or "").strip()
        rows.append((int(order) if order.isdigit() else i + 1, i, step.strip()))
    rows.sort(key=lambda r: (r[0], r[1]))
    move, _sep, which = (posted.get("action") or "").partition("-")
    if move in ("up", "down") and which.isdigit() and int(which) < len(rows):
        at = next(k for k, r in enumerate(rows) if r[1] == int(which))
        other = at - 1 if move == "up" else at + 1
        if 0 <= other < len(rows):
            rows[at], rows[other] = rows[other], rows[at]
    return [step for _order, _i, step in rows if step]
