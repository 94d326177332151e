"""The rules of one row of an imported list that need no database: cleaning its cells, checking
them, the username a new account gets, and why a column of the header row is not read.

Problems are ``Message`` objects, translated at the edge (``services.imports``). Cells and header
cells are the reader's (``competition/adapters/spreadsheets/``), taken here by their attributes only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from .characters import describe, first_illegal, identity
from .text import MOBILE, N_, Message, phone_valid

USERNAME_PREFIX = {"teachers": "t", "reviewers": "r", "judges": "j"}

# Cells naming a person, a school, a place or an account: stored and matched as the forms store
# them (characters.identity), so 王\u200b芳 in a cell is the 王芳 already there.
IDENTITY_CELLS = frozenset(
    {
        "name",
        "contact_name",
        "school",
        "district",
        "affiliation",
        "phone",
        "contact_phone",
        "email",
        "username",
        *(f"author{i}" for i in range(1, 6)),
        "adviser1",
        "adviser2",
    }
)


# ------------------------------------------------------------------ cleaning a cell


def clean_identity_cells(values: MutableMapping[str, Any]) -> None:
    """Remove invisible characters (zero-width, soft hyphen, BOM, direction marks) from identity cells."""
    for key, value in values.items():
        if key in IDENTITY_CELLS and isinstance(value, str):
            values[key] = identity(value)


# ------------------------------------------------------------------ checking a row


def illegal_cells(values: Mapping[str, Any], labels: Mapping[str, str], line: int) -> list[Message]:
    """A cell holding a control character, a noncharacter or a lone surrogate, by column: such a
    row is not imported."""
    problems = []
    for key, value in values.items():
        bad = first_illegal(value) if isinstance(value, str) else None
        if bad:
            problems.append(
                Message(
                    N_("Column %(column)s of row %(line)d contains a character that is not allowed: %(char)s"),
                    {"column": labels.get(key, key), "line": line, "char": describe(bad)},
                )
            )
    return problems


def contact_problems(values: Mapping[str, Any], *, email_valid: bool) -> list[Message]:
    """A person's phone, e-mail (``email_valid``: as the reader checks it) and gender."""
    problems = []
    phone, email = values.get("phone"), values.get("email")
    if not phone_valid(phone):
        problems.append(Message(N_("“%(phone)s” is not a valid mobile or landline number."), {"phone": phone}))
    if not email_valid:
        problems.append(Message(N_("“%(email)s” is not a valid e-mail address."), {"email": email}))
    gender = values.get("gender")
    if gender and gender not in ("男", "女"):
        problems.append(Message(N_("The gender must be 男 or 女, not “%(value)s”."), {"value": gender}))
    return problems


def title_problems(title: str | None) -> list[Message]:
    if not title:
        return [Message(N_("The title is missing."))]
    if len(title) > 200:
        return [Message(N_("The title is longer than %(n)d characters."), {"n": 200})]
    return []


def entry_problems(
    section: Any,
    *,
    stage_text: str | None,
    stage: str | None,
    subject: str | None,
    is_team: bool | None,
    authors: list[str],
    advisers: list[str],
) -> list[Message]:
    """An entry row against the rules of its section (stages, subjects, team or individual, authors,
    advisers). ``stage``: the section's stage ``stage_text`` names, or None."""
    problems = []
    if not stage_text:
        problems.append(Message(N_("The stage (学段) is missing.")))
    elif stage is None:
        problems.append(
            Message(
                N_("The stage “%(stage)s” is not open in %(section)s (allowed: %(names)s)."),
                {"stage": stage_text, "section": section.name, "names": "、".join(section.stages or [])},
            )
        )
    allowed = section.subjects_for(stage) if stage else []
    if allowed and not subject:
        problems.append(Message(N_("The subject (学科) is missing.")))
    elif allowed and subject not in allowed:
        problems.append(
            Message(
                N_("Unknown subject “%(subject)s” for %(stage)s in %(section)s (allowed: %(names)s)."),
                {"subject": subject, "stage": stage, "section": section.name, "names": "、".join(allowed)},
            )
        )
    problems += _team_problems(section, is_team, authors)
    if advisers and not section.advisers_allowed:
        problems.append(Message(N_("%(section)s has no advisers; leave 指导教师 empty."), {"section": section.name}))
    elif len(advisers) > section.max_advisers:
        problems.append(Message(N_("At most %(n)d advisers are allowed."), {"n": section.max_advisers}))
    return problems


def _team_problems(section: Any, is_team: bool | None, authors: list[str]) -> list[Message]:
    problems = []
    if is_team and not section.team_allowed:
        problems.append(Message(N_("%(section)s accepts individual entries only."), {"section": section.name}))
    if is_team is False and not section.individual_allowed:
        problems.append(Message(N_("%(section)s accepts team entries only."), {"section": section.name}))
    if not authors and not section.group_entry:
        problems.append(Message(N_("No author is given.")))
    if is_team is False and len(authors) > 1:
        problems.append(Message(N_("An individual entry has %(n)d authors."), {"n": len(authors)}))
    if is_team and section.team_allowed and len(authors) == 1:
        problems.append(Message(N_("A team entry needs at least two authors.")))
    if is_team and len(authors) > section.max_team_size:
        problems.append(Message(N_("A team may have at most %(n)d members."), {"n": section.max_team_size}))
    return problems


def first_seen(seen: dict[Any, int], key: Any, line: int) -> int | None:
    """The line where `key` was first seen in the file, or None (and remember this one)."""
    if not key or (isinstance(key, tuple) and not all(key)):
        return None
    if key in seen:
        return int(seen[key])
    seen[key] = line
    return None


# ------------------------------------------------------------------ new accounts


def username_for(kind: str, values: Mapping[str, Any], where: str, taken: set[str]) -> str:
    """t/r/j + the mobile number, else a code stable across preview and confirmation; unique in ``taken``."""
    prefix = USERNAME_PREFIX[kind]
    phone = values.get("phone")
    if values.get("username"):
        base = str(values["username"])
    elif phone and MOBILE.fullmatch(phone):
        base = prefix + phone
    else:  # a stable code, so preview and confirmation agree
        digest = hashlib.sha256(f"{kind}|{values.get('name')}|{where}".encode()).hexdigest()
        base = prefix + str(int(digest[:12], 16))[:8]
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name.lower())
    return name


# ------------------------------------------------------------------ matching a header


def unread_note(
    cell: Any, by_key: Mapping[str, Any], read_from: Mapping[str, Any], *, close: float
) -> tuple[Message, bool]:
    """Why a column is not read and what to do about it; True when data we need is probably left out.

    ``by_key``: the columns of the list by key; ``read_from``: the header cell each read column
    is read from; ``close``: the similarity from which an unread header is taken for a field."""
    n: int = cell.filled
    if not cell.text:
        return Message(
            N_(
                "This column has no header, so its %(n)d filled cells are not read. If it holds data to "
                "import, give it one of the recognised column names."
            ),
            {"n": n},
        ), True
    if cell.same_as:
        return _second_column(read_from[cell.same_as], by_key[cell.same_as].aliases[0], n)
    hint = cell.suggestion
    if hint is None:
        return Message(N_("Not used by this import.")), False
    name: str = hint.column.aliases[0]
    first = read_from.get(hint.column.key)
    if first is not None:
        if n and hint.ratio >= close:  # 联系电活 beside 联系电话, 指导教师3 beside 指导教师1
            return Message(
                N_(
                    "It looks like %(field)s, which is read from column %(letter)s “%(header)s”: its %(n)d "
                    "filled cells are left out. If they are needed, move them into column %(letter)s."
                ),
                {"field": name, "letter": first.letter, "header": first.text, "n": n},
            ), True
        return Message(
            N_("It resembles %(field)s, which is read from column %(letter)s “%(header)s”."),
            {"field": name, "letter": first.letter, "header": first.text},
        ), False
    if n:
        return Message(
            N_(
                "Did you mean “%(alias)s”? If this column holds %(field)s, rename its header to “%(alias)s” "
                "and upload the file again; otherwise its %(n)d filled cells are left out."
            ),
            {"alias": hint.alias, "field": name, "n": n},
        ), True
    return Message(N_("Did you mean “%(alias)s”? (The column is empty.)"), {"alias": hint.alias}), False


def _second_column(first: Any, name: str, n: int) -> tuple[Message, bool]:
    """A second column for a field already read from ``first``."""
    if n:
        return Message(
            N_(
                "Also a name for %(field)s, which is read from column %(letter)s “%(header)s”: only the "
                "first such column is read, so the %(n)d filled cells here are left out. Merge the two "
                "columns or rename this one."
            ),
            {"field": name, "letter": first.letter, "header": first.text, "n": n},
        ), True
    return Message(
        N_(
            "Also a name for %(field)s, which is read from column %(letter)s “%(header)s”; this empty "
            "column is not read."
        ),
        {"field": name, "letter": first.letter, "header": first.text},
    ), False


# ------------------------------------------------------------------ text


def sentences(parts: Iterable[str]) -> str:
    """Sentences joined as the language wants: a space after "." but none after "。"."""
    text = ""
    for part in parts:
        text += part if not text or text[-1] in "。？！）”" else " " + part
    return text
