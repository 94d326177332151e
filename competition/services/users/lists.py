"""The organizer's list of accounts: filters, a count and one page sorted by the pinyin of the name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from ...extensions import db
from ...i18n.collation import sort_by_pinyin
from ...models import ROLES, School, User, UserRole


@dataclass
class UserFilters:
    role: str | None = None
    district_id: int | None = None
    school_id: int | None = None
    q: str | None = None
    active: str | None = "yes"  # yes, no, all


def users_query(filters: UserFilters) -> Select[User]:
    stmt = select(User).outerjoin(School, User.school_id == School.id)
    if filters.role in ROLES:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == filters.role)))
    if filters.district_id:
        stmt = stmt.where(or_(User.district_id == filters.district_id, School.district_id == filters.district_id))
    if filters.school_id:
        stmt = stmt.where(User.school_id == filters.school_id)
    if filters.q:
        like = f"%{filters.q.strip()}%"
        stmt = stmt.where(
            or_(User.name.like(like), User.username.like(like), User.phone.like(like), User.affiliation.like(like))
        )
    if filters.active == "yes":
        stmt = stmt.where(User.active.is_(True))
    elif filters.active == "no":
        stmt = stmt.where(User.active.is_(False))
    return stmt.order_by(User.name, User.id)


def count_users(filters: UserFilters) -> int:
    found = users_query(filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(found)) or 0


def users_page(filters: UserFilters, page: int, per_page: int) -> list[User]:
    """One page of the accounts the filters find, by the pinyin of the name (the database sorts by
    code point): only ids and names of all of them are read, the page's rows then loaded."""
    found = users_query(filters).order_by(None).subquery()
    pairs = db.session.execute(select(found.c.id, found.c.name).order_by(found.c.id)).all()
    ids = [uid for uid, _name in sort_by_pinyin(pairs, key=lambda pair: pair[1])]
    ids = ids[(page - 1) * per_page : page * per_page]
    by_id = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [by_id[uid] for uid in ids]
