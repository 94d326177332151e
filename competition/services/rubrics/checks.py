"""Checking a rubric form: every problem at once, each on its row and field, with what stored
scores forbid once judges have scored (see the package docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from ...domain.scoring import format_score
from ...models import Contest, Criterion, Round, Rubric, Section
from .. import ServiceError
from .reads import covered_sections, rubric_sheet_count, sheet_count, tie_break_refs

MAX_SCORE = 1000
MAX_WEIGHT = 100
MAX_CRITERIA = 30
NAME_LEN = 50
RUBRIC_NAME_LEN = 80
DESCRIPTORS_LEN = 5000
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}$")

# (row index, or None for the rubric itself; field name) -> message
FieldProblems = dict[tuple[int | None, str], str]


@dataclass
class RowInput:
    """One criterion row as the form sent it (text as typed)."""

    id: int | None = None  # an existing criterion of the rubric, None for a new row
    code: str = ""  # new rows only (kept when copied from another rubric); blank: generated
    name: str = ""
    max_score: str = ""
    weight: str = ""
    descriptors: str = ""
    order: str = ""
    remove: bool = False

    def is_blank(self) -> bool:
        return self.id is None and not any(x.strip() for x in (self.name, self.max_score, self.descriptors))


class RubricInvalid(ServiceError):
    """Problems of a rubric form: ``fields`` maps (row index, field) to a message, where the row
    index is None for the rubric itself; ``general`` are problems of the whole rubric."""

    def __init__(self, fields: FieldProblems, general: list[str]):
        messages = list(general) + list(fields.values())
        super().__init__(_("The rubric was not saved: %(list)s", list="；".join(messages)))
        self.fields = fields
        self.general = general


def _number(text: str, *, low_exclusive: float, high: float, decimals: int = 2) -> float | str:
    """The typed number, or what is wrong with it ("required", "nan", "low", "high", "decimals"):
    comma or full-width digits accepted."""
    raw = (text or "").strip().replace("，", ".").replace("．", ".")
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not raw:
        return "required"
    try:
        value = float(raw)
    except ValueError:
        return "nan"
    if value != value or value in (float("inf"), float("-inf")):
        return "nan"
    if value <= low_exclusive:
        return "low"
    if value > high:
        return "high"
    if abs(round(value, decimals) - value) > 1e-9:
        return "decimals"
    return round(value, decimals)


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name or "").casefold()


def _criterion_name(
    i: int, row: RowInput, old: Criterion | None, seen_names: dict[str, int], refs: set[str]
) -> tuple[str, str | None]:
    """The criterion's name, cleaned, and what is wrong with it (None when nothing)."""
    cname = (row.name or "").strip()
    problem = None
    if not cname:
        problem = _("Give the criterion a name.")
    elif len(cname) > NAME_LEN:
        problem = _("A criterion name can be at most %(n)d characters.", n=NAME_LEN)
    elif _norm(cname) in seen_names:
        problem = _("Another criterion of this rubric is already called %(name)s; each needs its own name.", name=cname)
    else:
        seen_names[_norm(cname)] = i
    if old is not None and cname and cname != old.name and old.name in refs and old.code not in refs:
        problem = _(
            "The tie-break rule names this criterion by its name (%(old)s); renamed, the tie-break would "
            "no longer find it. Save the tie-break rule once in the contest settings (it then keeps the "
            "criterion whatever its name), then rename.",
            old=old.name,
        )
    return cname, problem


def _max_score(row: RowInput, old: Criterion | None, locked: bool, why: str) -> tuple[float | None, str | None]:
    max_score = _number(row.max_score, low_exclusive=0, high=MAX_SCORE)
    if isinstance(max_score, str):
        return None, {
            "required": _("Give the maximum score."),
            "nan": _("The maximum score must be a number, e.g. 40 or 12.5."),
            "low": _("The maximum score must be greater than 0."),
            "high": _("The maximum score can be at most %(n)d.", n=MAX_SCORE),
            "decimals": _("The maximum score can have at most two decimals."),
        }[max_score]
    if old is not None and locked and abs(max_score - float(old.max_score)) > 1e-9:
        return max_score, _(
            "%(why)s the maximum cannot change from %(old)s: the stored totals were computed with it.",
            why=why,
            old=format_score(old.max_score),
        )
    return max_score, None


def _weight(row: RowInput, old: Criterion | None, locked: bool, why: str) -> tuple[float | None, str | None]:
    weight_text = row.weight if (row.weight or "").strip() else "1"
    weight = _number(weight_text, low_exclusive=0, high=MAX_WEIGHT)
    if isinstance(weight, str):
        return None, {
            "nan": _("The weight must be a number, e.g. 1 or 1.5."),
            "low": _("The weight must be greater than 0 (remove the criterion instead)."),
            "high": _("The weight can be at most %(n)d.", n=MAX_WEIGHT),
            "decimals": _("The weight can have at most two decimals."),
        }[weight]
    if old is not None and locked and abs(weight - float(old.weight or 0)) > 1e-9:
        return weight, _(
            "%(why)s the weight cannot change from %(old)s: the stored totals were computed with it.",
            why=why,
            old=format_score(old.weight),
        )
    return weight, None


def _position(row: RowInput, default: float) -> tuple[float, str | None]:
    order_text = (row.order or "").strip()
    if not order_text:
        return default, None
    try:
        order = int(order_text)
        if not 1 <= order <= 999:
            raise ValueError
    except ValueError:
        return default, _("The position must be a whole number from 1 to 999.")
    return order, None


def _code(row: RowInput, old: Criterion | None, taken_codes: set[str], new_codes: set[str]) -> tuple[str, str | None]:
    """A kept criterion keeps its code; a new one may bring its own, unique in the rubric."""
    if old is not None:
        return old.code, None
    code = (row.code or "").strip()
    if not code:
        return code, None
    problem = None
    if not CODE_RE.match(code):
        problem = _("A code starts with a letter and has only letters, digits, - and _ (at most 30).")
    elif code in taken_codes or code in new_codes:
        problem = _("The code %(code)s is already used in this rubric.", code=code)
    new_codes.add(code)
    return code, problem


def _row_lock_problem(row: RowInput, old: Criterion | None, locked: bool, why: str) -> tuple[str, str] | None:
    """(field, problem) when a locked rubric would lose or gain a criterion through this row."""
    if row.remove and old is not None and locked:
        return "remove", _(
            "%(why)s %(name)s cannot be removed: those sheets hold a score for it and their totals count it.",
            why=why,
            name=old.name,
        )
    if old is None and locked:
        return "name", _(
            "%(why)s no criterion can be added: submitted sheets would lack its "
            "score and their totals would no longer match.",
            why=why,
        )
    return None


def check(
    contest: Contest, rnd: Round, section: Section | None, rubric: Rubric | None, name: str, rows: list[RowInput]
) -> tuple[list[dict[str, Any]], FieldProblems, list[str]]:
    """Check a rubric form: (the criteria to store in order, field problems, general problems).

    Every problem is collected; the criteria are dicts with id (None for new), code, name,
    max_score, weight, descriptors and removed rows are left out."""
    problems: FieldProblems = {}
    general: list[str] = []
    existing = {c.id: c for c in rubric.criteria} if rubric is not None else {}
    locked_sheets = (
        rubric_sheet_count(rnd, section.id if section else None)
        if rubric is not None
        else sheet_count(rnd, [section.id] if section else covered_sections(rnd, None))
    )
    locked = locked_sheets > 0
    why = _("%(n)d score sheets already hold scores from this rubric, so", n=locked_sheets)

    name = (name or "").strip()
    if not name:
        problems[(None, "name")] = _("Give the rubric a name (judges see it above the scores).")
    elif len(name) > RUBRIC_NAME_LEN:
        problems[(None, "name")] = _("The rubric name can be at most %(n)d characters.", n=RUBRIC_NAME_LEN)

    if rubric is None and locked:
        where = section.name if section else _("the sections without their own rubric")
        general.append(
            _(
                "Judges have already scored %(n)d sheets of %(where)s in this round with the rubric that "
                "applies now; a new rubric would leave those scores without their criteria. Edit the "
                "rubric that applies instead (wording and order can still change).",
                n=locked_sheets,
                where=where,
            )
        )

    refs = set(tie_break_refs(contest))
    kept: list[tuple[float, int, dict[str, Any]]] = []
    seen_names: dict[str, int] = {}
    taken_codes = {c.code for c in existing.values()}
    new_codes: set[str] = set()
    for i, row in enumerate(rows):
        if row.is_blank():
            continue
        old = existing.get(row.id) if row.id is not None else None
        if row.id is not None and old is None:
            general.append(
                _(
                    "A criterion of the form is no longer part of this rubric (changed elsewhere). "
                    "Open the rubric again."
                )
            )
            continue
        if row.remove and (old is None or not locked):
            continue  # removed (a new row marked for removal is just not added)
        lock_problem = _row_lock_problem(row, old, locked, why)
        if lock_problem:
            problems[(i, lock_problem[0])] = lock_problem[1]
        cname, name_problem = _criterion_name(i, row, old, seen_names, refs)
        max_score, max_problem = _max_score(row, old, locked, why)
        weight, weight_problem = _weight(row, old, locked, why)
        descriptors = (row.descriptors or "").strip()
        descriptors_problem = (
            _("The descriptors can be at most %(n)d characters.", n=DESCRIPTORS_LEN)
            if len(descriptors) > DESCRIPTORS_LEN
            else None
        )
        order, order_problem = _position(row, float(len(kept) + 1))
        code, code_problem = _code(row, old, taken_codes, new_codes)
        for field_name, problem in (
            ("name", name_problem),
            ("max_score", max_problem),
            ("weight", weight_problem),
            ("descriptors", descriptors_problem),
            ("order", order_problem),
            ("code", code_problem),
        ):
            if problem:
                problems[(i, field_name)] = problem
        kept.append(
            (
                order,
                i,
                {
                    "id": row.id,
                    "code": code,
                    "name": cname,
                    "max_score": max_score,
                    "weight": weight,
                    "descriptors": descriptors or None,
                    "row": i,
                },
            )
        )

    if not kept:
        general.append(_("A rubric needs at least one criterion."))
    elif len(kept) > MAX_CRITERIA:
        general.append(_("A rubric can have at most %(n)d criteria.", n=MAX_CRITERIA))
    criteria = [c for _o, _i, c in sorted(kept, key=lambda t: (t[0], t[1]))]
    return criteria, problems, general
