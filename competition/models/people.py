"""Districts, schools and user accounts (one account, several roles)."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

ROLES = ("teacher", "reviewer", "judge", "organizer")


class District(Base):
    """区/县."""

    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    schools: Mapped[list[School]] = relationship(back_populates="district", order_by="School.name")


class School(Base):
    """学校: the full name is what certificates print."""

    __tablename__ = "school"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    stage_kind: Mapped[str | None] = mapped_column(String(30))  # 学段: 小学, 初中, 九年一贯制 ...
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    district: Mapped[District] = relationship(back_populates="schools")


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class User(UserMixin, Base):
    """An account. A teacher belongs to a school; a reviewer may be scoped to a district."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    # Judges: 工作单位, 职称, 擅长学科 (a list of subject names).
    affiliation: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(50))
    subjects: Mapped[str | None] = mapped_column(Text)  # subjects separated by "、"
    # Changing it logs out every session of the account (password change, reset).
    session_token: Mapped[str] = mapped_column(String(64))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School | None] = relationship()
    district: Mapped[District | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def subject_list(self) -> list[str]:
        return [s for s in (self.subjects or "").split("、") if s]

    @property
    def effective_district_id(self) -> int | None:
        if self.district_id is not None:
            return self.district_id
        return self.school.district_id if self.school else None


class LoginThrottle(Base):
    """Failed logins of one (account name, client address) pair; the name need not exist."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150))  # lower-cased as typed
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
