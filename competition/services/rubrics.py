"""The organizer's rubric editor (评分标准): each round x section rubric, and the round-wide one.

How stored scores depend on a rubric.  A score sheet keeps ``scores`` as {criterion id: score}
and the weighted total it had when saved (``100 * sum(w*score) / sum(w*max)``, see
domain/scoring.py).  So once a sheet holds a score (a draft with a score counts; an empty draft
does not) for the entries a rubric covers:

- removing a criterion leaves sheets with a score for a criterion that no longer exists (the
  judge's next save is refused) and stored totals computed with it;
- adding one makes every submitted sheet incomplete, and its total no longer matches;
- changing a maximum or a weight changes what every stored total means (and a score may exceed
  the new maximum);
- a new rubric for a section scored under the round-wide one orphans every score of it.

Those changes are refused.  The wording (criterion names, descriptors, the rubric's name) and the
order of the criteria do not touch any stored number and stay editable.  One more thing depends
on a name: the ``tie_break`` setting may name a criterion as ``criterion:<code>`` or
``criterion:<name>``; renaming a criterion the setting names by its name would silently break the
tie-break, so that rename is refused with the way out (refer to it by its code).  Codes never
change; new criteria get a fresh code (``c1``, ``c2``... unused anywhere in the contest).

Flushes only; the request (web/doorway.py) commits.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.scoring import format_score
from ..domain.states import SheetState
from ..extensions import db
from ..models import Assignment, Contest, Criterion, Entry, Round, Rubric, ScoreSheet, Section
from . import ServiceError, audit, write_guard

MAX_SCORE = 1000
MAX_WEIGHT = 100
MAX_CRITERIA = 30
NAME_LEN = 50
RUBRIC_NAME_LEN = 80
DESCRIPTORS_LEN = 5000
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}$")


# --------------------------------------------------------------------------- reading


def covered_sections(rnd: Round, rubric_section_id: int | None) -> list[int]:
    """The sections whose entries a rubric of the round (section id, or None: round-wide) scores."""
    if rubric_section_id is not None:
        return [rubric_section_id]
    own = {r.section_id for r in rnd.rubrics if r.section_id is not None}
    return [s.id for s in rnd.contest.sections if s.id not in own]


def sheet_count(rnd: Round, section_ids: list[int]) -> int:
    """Score sheets of the round for entries of these sections that hold a score or are final.

    A draft the judge only opened (no score) depends on nothing and does not count."""
    if not section_ids or rnd.id is None:
        return 0
    rows = db.session.execute(
        select(ScoreSheet.state, ScoreSheet.scores)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(Entry, Assignment.entry_id == Entry.id)
        .where(Assignment.round_id == rnd.id, Entry.section_id.in_(section_ids))
    ).all()
    return sum(
        1 for state, scores in rows if state == SheetState.FINAL or any(v is not None for v in (scores or {}).values())
    )


def rubric_sheet_count(rnd: Round, section_id: int | None) -> int:
    return sheet_count(rnd, covered_sections(rnd, section_id))


def find_rubric(rnd: Round, section_id: int | None) -> Rubric | None:
    return next((r for r in rnd.rubrics if r.section_id == section_id), None)


def full_scale(rows) -> float:
    """sum(weight * max) over criteria (objects or dicts): the denominator the judge page uses."""
    total = 0.0
    for c in rows:
        weight = c["weight"] if isinstance(c, dict) else c.weight
        max_score = c["max_score"] if isinstance(c, dict) else c.max_score
        total += float(weight or 0) * float(max_score or 0)
    return round(total, 4)


def tie_break_refs(contest: Contest) -> list[str]:
    """What the ``tie_break`` setting names after ``criterion:`` (codes or names)."""
    return [
        key.split(":", 1)[1]
        for key in contest.settings_view.tie_break
        if isinstance(key, str) and key.startswith("criterion:")
    ]


def tie_break_criteria(contest: Contest) -> list[tuple[str, str | None]]:
    """(what the tie-break names, the criterion name it finds in the contest or None)."""
    crit = [c for rnd in contest.rounds for rub in rnd.rubrics for c in rub.criteria]
    out = []
    for ref in tie_break_refs(contest):
        found = next((c.name for c in crit if c.code == ref), None) or next(
            (c.name for c in crit if c.name == ref), None
        )
        out.append((ref, found))
    return out


def fingerprint(rubric: Rubric | None) -> str:
    """A short hash of what is stored, so a save based on an older page is noticed."""
    if rubric is None:
        return "new"
    data = [rubric.name] + [
        [c.id, c.code, c.name, float(c.max_score), float(c.weight or 0), c.descriptors or "", c.sort_order]
        for c in rubric.criteria
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass
class SectionRow:
    section: Section | None  # None: the round-wide rubric
    own: Rubric | None  # the rubric set for exactly this section (or the round-wide one)
    applied: Rubric | None  # what judges of this section see (own, else the round-wide one)
    sheets: int  # sheets that depend on `applied` for this section


@dataclass
class RoundOverview:
    round: Round
    rows: list[SectionRow] = field(default_factory=list)
    shared: SectionRow | None = None


def overview(contest: Contest) -> list[RoundOverview]:
    """Per round: every section with the rubric its judges use, and the round-wide rubric."""
    out = []
    for rnd in contest.rounds:
        shared = find_rubric(rnd, None)
        view = RoundOverview(rnd)
        for section in contest.sections:
            own = find_rubric(rnd, section.id)
            view.rows.append(SectionRow(section, own, own or shared, sheet_count(rnd, [section.id])))
        view.shared = SectionRow(None, shared, shared, rubric_sheet_count(rnd, None))
        out.append(view)
    return out


def copy_sources(contest: Contest) -> list[Rubric]:
    """Every rubric of the contest, by round and section order (to start a new one from)."""
    order = {s.id: i for i, s in enumerate(contest.sections)}
    return [
        rub
        for rnd in contest.rounds
        for rub in sorted(rnd.rubrics, key=lambda r: (r.section_id is None, order.get(r.section_id, 0)))
    ]


# --------------------------------------------------------------------------- the editor's form


@dataclass
class EditorRow:
    """One criterion row of the editor, as text the way the page shows and sends it. `new`: not a
    criterion of this rubric yet (a blank row, or one copied from another rubric)."""

    id: int | None = None
    code: str = ""
    name: str = ""
    max_score: str = ""
    weight: str = "1"
    descriptors: str = ""
    order: str = "1"
    remove: bool = False
    new: bool = True

    def as_input(self) -> RowInput:
        # a stored criterion keeps its code whatever the form says: codes never change
        return RowInput(
            id=self.id,
            code=self.code if self.new else "",
            name=self.name,
            max_score=self.max_score,
            weight=self.weight,
            descriptors=self.descriptors,
            order=self.order,
            remove=self.remove,
        )


def editor_rows(criteria, *, copied: bool = False) -> list[EditorRow]:
    """Rows for stored criteria; `copied`: as new rows of another rubric."""
    return [
        EditorRow(
            id=None if copied else c.id,
            code=c.code,
            name=c.name,
            max_score=format_score(c.max_score),
            weight=format_score(c.weight or 1.0),
            descriptors=c.descriptors or "",
            order=str(i + 1),
            new=copied,
        )
        for i, c in enumerate(criteria)
    ]


def blank_row(position: int) -> EditorRow:
    return EditorRow(order=str(position))


def editor_start(
    rnd: Round, section: Section | None, rubric: Rubric | None, source: Rubric | None
) -> tuple[list[EditorRow], str]:
    """The rows and the rubric name of a first visit: the rubric's own, else a copy of `source`,
    else one blank row named after the section and round."""
    if rubric is not None:
        return editor_rows(rubric.criteria), rubric.name
    rows = editor_rows(source.criteria, copied=True) if source else [blank_row(1)]
    name = (f"{section.name}{rnd.name}" if section else rnd.name) if section or not source else source.name
    return rows, name


def move_rows(rows: list[EditorRow], action: str) -> None:
    """The editor's own buttons: "add" a blank row, "up-<i>" / "down-<i>" move row i (then the
    positions are numbered again); anything else changes nothing."""
    if action == "add":
        rows.append(blank_row(len(rows) + 1))
        return
    direction, _sep, index = action.partition("-")
    i = int(index) if index.isdigit() else -1
    j = i - 1 if direction == "up" else i + 1
    if 0 <= i < len(rows) and 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
        for position, row in enumerate(rows, start=1):
            row.order = str(position)


def preview_scale(rows: list[EditorRow]) -> float | None:
    """sum(weight * max) of the rows as typed, when every kept row has numbers."""
    total = 0.0
    for r in rows:
        if r.remove or (r.new and not (r.name.strip() or r.max_score.strip())):
            continue
        try:
            max_score, weight = float(r.max_score), float(r.weight or 1)
        except ValueError:
            return None
        if not (0 < max_score <= MAX_SCORE and 0 < weight <= MAX_WEIGHT):
            return None
        total += max_score * weight
    return round(total, 4) if total > 0 else None


# --------------------------------------------------------------------------- checking


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

    def __init__(self, fields: dict, general: list[str]):
        messages = list(general) + list(fields.values())
        super().__init__(_("The rubric was not saved: %(list)s", list="；".join(messages)))
        self.fields = fields
        self.general = general


def _number(text: str, *, low_exclusive: float, high: float, decimals: int = 2):
    """(number, problem) for a typed number: comma or full-width digits accepted."""
    raw = (text or "").strip().replace("，", ".").replace("．", ".")
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not raw:
        return None, "required"
    try:
        value = float(raw)
    except ValueError:
        return None, "nan"
    if value != value or value in (float("inf"), float("-inf")):
        return None, "nan"
    if value <= low_exclusive:
        return None, "low"
    if value > high:
        return None, "high"
    if abs(round(value, decimals) - value) > 1e-9:
        return None, "decimals"
    return round(value, decimals), None


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name or "").casefold()


def _fresh_code(taken: set[str]) -> str:
    n = 1
    while f"c{n}" in taken:
        n += 1
    return f"c{n}"


def contest_codes(contest: Contest) -> set[str]:
    return {c.code for rnd in contest.rounds for rub in rnd.rubrics for c in rub.criteria}


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
    max_score, err = _number(row.max_score, low_exclusive=0, high=MAX_SCORE)
    if err:
        return max_score, {
            "required": _("Give the maximum score."),
            "nan": _("The maximum score must be a number, e.g. 40 or 12.5."),
            "low": _("The maximum score must be greater than 0."),
            "high": _("The maximum score can be at most %(n)d.", n=MAX_SCORE),
            "decimals": _("The maximum score can have at most two decimals."),
        }[err]
    if old is not None and locked and abs(max_score - float(old.max_score)) > 1e-9:
        return max_score, _(
            "%(why)s the maximum cannot change from %(old)s: the stored totals were computed with it.",
            why=why,
            old=format_score(old.max_score),
        )
    return max_score, None


def _weight(row: RowInput, old: Criterion | None, locked: bool, why: str) -> tuple[float | None, str | None]:
    weight_text = row.weight if (row.weight or "").strip() else "1"
    weight, err = _number(weight_text, low_exclusive=0, high=MAX_WEIGHT)
    if err:
        return weight, {
            "nan": _("The weight must be a number, e.g. 1 or 1.5."),
            "low": _("The weight must be greater than 0 (remove the criterion instead)."),
            "high": _("The weight can be at most %(n)d.", n=MAX_WEIGHT),
            "decimals": _("The weight can have at most two decimals."),
        }[err]
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
) -> tuple[list[dict], dict, list[str]]:
    """Check a rubric form: (the criteria to store in order, field problems, general problems).

    Every problem is collected; the criteria are dicts with id (None for new), code, name,
    max_score, weight, descriptors and removed rows are left out."""
    problems: dict = {}
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
    kept: list[tuple[float, int, dict]] = []
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


# --------------------------------------------------------------------------- saving


def _snapshot(rubric: Rubric, rnd: Round, section: Section | None) -> dict:
    return {
        "round": rnd.number,
        "section": section.code if section else "*",
        "name": rubric.name,
        "criteria": {
            c.code: {
                "name": c.name,
                "max_score": float(c.max_score),
                "weight": float(c.weight or 0),
                "descriptors": c.descriptors,
                "sort_order": c.sort_order + 1,
            }
            for c in rubric.criteria
        },
        "full_scale": full_scale(rubric.criteria),
    }


def save(
    contest: Contest,
    rnd: Round,
    section: Section | None,
    name: str,
    rows: list[RowInput],
    *,
    actor,
    expected: str,
    confirm_remove: bool = False,
    note: str | None = None,
) -> Rubric:
    """Create or change the rubric of (round, section); every problem at once, nothing half-saved.

    ``expected`` is the fingerprint the form was based on; a rubric changed since is refused.
    Removing criteria needs ``confirm_remove``; without it :class:`NeedsConfirmation` names them.
    """
    write_guard.check(contest, "rubric")
    if rnd.contest_id != contest.id or (section is not None and section.contest_id != contest.id):
        raise ServiceError(_("This round or section belongs to another contest."))
    rubric = find_rubric(rnd, section.id if section else None)
    if fingerprint(rubric) != expected:
        raise StaleRubric(rubric)
    criteria, problems, general = check(contest, rnd, section, rubric, name, rows)
    if problems or general:
        raise RubricInvalid(problems, general)
    keep_ids = {c["id"] for c in criteria if c["id"] is not None}
    removed = [c for c in (rubric.criteria if rubric else []) if c.id not in keep_ids]
    if removed and not confirm_remove:
        raise NeedsConfirmation(removed)
    note = (note or "").strip()[:500] or None

    created = rubric is None
    before = None if created else _snapshot(rubric, rnd, section)
    if created:
        rubric = Rubric(round_id=rnd.id, section_id=section.id if section else None, name=name.strip())
        rnd.rubrics.append(rubric)
    rubric.name = name.strip()
    taken = contest_codes(contest) | {c["code"] for c in criteria if c["code"]}
    for c in removed:
        rubric.criteria.remove(c)
    db.session.flush()  # the removed rows go first (unique code per rubric)
    by_id = {c.id: c for c in rubric.criteria}
    for order, data in enumerate(criteria):
        crit = by_id.get(data["id"]) if data["id"] is not None else None
        if crit is None:
            code = data["code"] or _fresh_code(taken)
            taken.add(code)
            crit = Criterion(code=code)
            rubric.criteria.append(crit)
        crit.name = data["name"]
        crit.max_score = data["max_score"]
        crit.weight = data["weight"]
        crit.descriptors = data["descriptors"]
        crit.sort_order = order
    db.session.flush()
    db.session.refresh(rubric, ["criteria"])
    after = _snapshot(rubric, rnd, section)
    if before != after:
        audit.record(
            actor,
            "rubric.create" if created else "rubric.update",
            rubric,
            before=before,
            after=after,
            reason=note,
            contest_id=contest.id,
        )
    return rubric


def delete(contest: Contest, rnd: Round, section: Section | None, *, actor, note: str | None = None) -> None:
    """Remove the rubric of (round, section); refused once sheets depend on it."""
    write_guard.check(contest, "rubric")
    rubric = find_rubric(rnd, section.id if section else None)
    if rubric is None or rnd.contest_id != contest.id:
        raise ServiceError(_("There is no such rubric."))
    n = rubric_sheet_count(rnd, rubric.section_id)
    if n:
        raise ServiceError(_("%(n)d score sheets already hold scores from this rubric; it cannot be removed.", n=n))
    before = _snapshot(rubric, rnd, section)
    rubric_id = rubric.id
    rnd.rubrics.remove(rubric)
    db.session.flush()
    event = audit.record(
        actor, "rubric.delete", rubric, before=before, reason=(note or "").strip()[:500] or None, contest_id=contest.id
    )
    event.object_id = rubric_id
    db.session.flush()


class StaleRubric(ServiceError):
    def __init__(self, rubric: Rubric | None):
        super().__init__(
            _(
                "Someone changed this rubric after you opened it. What is stored now is shown above "
                "the form; your edits are kept below. Save again to replace the stored rubric with "
                "yours."
            )
        )
        self.rubric = rubric


class NeedsConfirmation(ServiceError):
    def __init__(self, removed: list[Criterion]):
        super().__init__(
            _("Remove %(names)s? Confirm below; nothing was saved yet.", names="、".join(c.name for c in removed))
        )
        self.removed = removed
