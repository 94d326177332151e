"""Write a clean sheet (flush only), and the sheet of initial passwords."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from flask_babel import gettext as _

from ...adapters import xlsx
from ...domain.states import EntryState
from ...extensions import db
from ...models import Adviser, Contest, Entry, School, Student, User, utcnow
from .. import ServiceError, accounts, audit
from ..users import generate_password
from .columns import ROLE_OF
from .plan import Credential, Outcome, Plan
from .preview import preview

log = logging.getLogger(__package__)  # one logger for the imports, as before the package

ENTRY_IMPORT_STATES = (EntryState.SUBMITTED, EntryState.ACCEPTED)


def apply(
    kind: str,
    data: bytes,
    filename: str,
    *,
    actor: User,
    contest: Contest | None = None,
    entry_state: str = EntryState.SUBMITTED,
    school_choices: dict[int, int | None] | None = None,
) -> Outcome:
    """Write every row of a clean sheet (flush only); refuse the whole sheet if any row is bad."""
    plan = preview(kind, data, filename, contest=contest, school_choices=school_choices)
    if not plan.ok:
        raise ServiceError(
            _(
                "%(n)d rows have problems; nothing was imported. Correct the sheet and upload it again.",
                n=len(plan.problem_rows),
            )
        )
    outcome = Outcome(plan=plan)
    if kind == "schools":
        _apply_schools(plan, outcome, actor)
    elif kind == "entries":
        if entry_state not in ENTRY_IMPORT_STATES:
            raise ServiceError(_("Unknown state for imported entries."), "entry_state")
        _apply_entries(plan, outcome, actor, entry_state)
    else:
        _apply_people(plan, outcome, actor)
    outcome.unchanged = plan.count("same")
    audit.record(
        actor,
        f"import.{kind}",
        contest or actor,
        after={"file": filename, "sheet": plan.table.sheet, "created": outcome.created, "updated": outcome.updated},
        contest_id=contest.id if contest else None,
    )
    db.session.flush()
    log.info(
        "import of %s: contest=%s by=%s file=%s rows=%d created=%d updated=%d unchanged=%d",
        kind,
        contest.code if contest else "-",
        audit.who(actor),
        filename,
        len(plan.rows),
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    return outcome


def _apply_schools(plan: Plan, outcome: Outcome, actor: User) -> None:
    for row in plan.rows:
        values = row.payload["values"]
        if row.action == "create":
            school = School(**values)
            db.session.add(school)
            db.session.flush()
            audit.record(actor, "school.create", school, after=values)
            outcome.created += 1
        elif row.action == "update":
            school = db.session.get_one(School, row.payload["id"])
            for key, value in values.items():
                setattr(school, key, value)
            after: dict[str, object] = {"changes": row.changes}
            if row.candidates:
                after["name_in_sheet"] = row.cells.get("name")
            audit.record(actor, "school.update", school, after=after)
            outcome.updated += 1
    db.session.flush()


# Initial passwords are random (about 58 bits) and must be changed at the first login, where
# services/accounts.authenticate rehashes them with the full-strength parameters. They are hashed
# with OWASP's minimum Argon2id profile (19 MiB, t=2, p=1): a few ms each instead of ~0.1 s, so an
# import of a thousand teachers does not hold a request for minutes.
_initial_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def _apply_people(plan: Plan, outcome: Outcome, actor: User) -> None:
    role = ROLE_OF[plan.kind]
    new_rows = [r for r in plan.rows if r.action == "create"]
    passwords = [generate_password() for _ in new_rows]
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(_initial_hasher.hash, passwords))
    for row, password, password_hash in zip(new_rows, passwords, hashes, strict=True):
        values = {k: v for k, v in row.payload["values"].items() if v is not None}
        user = User(
            username=row.payload["username"],
            password_hash=password_hash,
            session_token=accounts.new_session_token(),
            must_change_password=True,
            **values,
        )
        user.set_roles([role])
        db.session.add(user)
        db.session.flush()
        audit.record(
            actor, "user.create", user, after={"username": user.username, "roles": [role], "import": plan.filename}
        )
        outcome.credentials.append(Credential(user.username, password, user.name, row.payload["where"], user.phone))
        outcome.created += 1
    for row in plan.rows:
        if row.action != "update":
            continue
        user = db.session.get_one(User, row.payload["id"])
        for key, value in row.payload["values"].items():
            setattr(user, key, value)
        user.set_roles(user.roles | {role})
        audit.record(actor, "user.update", user, after={"changes": row.changes, "import": plan.filename})
        outcome.updated += 1
    db.session.flush()


def _apply_entries(plan: Plan, outcome: Outcome, actor: User, entry_state: str) -> None:
    if plan.contest is None:  # preview refuses an entries import without its contest
        raise ServiceError(_("Choose the contest the entries belong to."), "contest_id")
    contest_id = plan.contest.id
    now = utcnow()
    created = []
    for row in plan.rows:
        if row.action != "create":
            continue
        p = row.payload
        entry = Entry(
            contest_id=contest_id,
            section_id=p["section_id"],
            school_id=p["school_id"],
            title=p["title"],
            abstract=p["abstract"],
            stage=p["stage"],
            subject=p["subject"],
            is_team=p["is_team"],
            contact_phone=p["phone"],
            state=EntryState.SUBMITTED,
            submitted_at=now,
            data_confirmed=False,
            created_by_id=None,
        )
        for i, name in enumerate(p["authors"]):
            entry.students.append(Student(position=i, name=name, school_name=p["school_name"], stage=p["stage"]))
        for i, (name, user_id) in enumerate(p["advisers"]):
            entry.advisers.append(Adviser(position=i, name=name, user_id=user_id, unit=p["school_name"]))
        db.session.add(entry)
        db.session.flush()
        audit.record(actor, "entry.import", entry, after={"state": EntryState.SUBMITTED, "file": plan.filename})
        created.append(entry)
        outcome.created += 1
    if entry_state == EntryState.ACCEPTED:
        from .. import review  # numbers come from the format review's counter, never reused

        for entry in created:
            review.accept(entry.id, actor=actor)
    db.session.flush()


# ------------------------------------------------------------------ credentials sheet


def credentials_workbook(credentials: list[Credential], *, title: str) -> bytes:
    """The initial passwords as an .xlsx for the organizer to hand out (written once, never stored)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "初始密码"
    ws.append([xlsx.safe_text(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["用户名", "初始密码", "姓名", "学校/单位", "手机"])
    for c in credentials:
        ws.append([xlsx.safe_text(v) for v in (c.username, c.password, c.name, c.where, c.phone)])
    ws.append([])
    ws.append(["首次登录后系统会要求修改密码。请妥善保管本表，分发后删除。"])
    for col, width in zip("ABCDE", (18, 14, 12, 30, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    return xlsx.workbook_bytes(wb)
