"""Entries (申报项目), their students, advisers and uploaded materials."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import EntryState
from .base import Base, utcnow

ENTRY_STATES = tuple(EntryState)


class Entry(Base):
    """申报项目. Numbered (编号) on acceptance in format review."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(10))  # 学段
    subject: Mapped[str | None] = mapped_column(String(50))  # 学科
    is_team: Mapped[bool] = mapped_column(default=False)
    group_name: Mapped[str | None] = mapped_column(String(120))  # practice activities: class/club
    completed_on: Mapped[date | None]
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    data_confirmed: Mapped[bool] = mapped_column(default=False)  # teacher confirmed certificate data
    state: Mapped[str] = mapped_column(String(20), default=EntryState.DRAFT, index=True)
    number: Mapped[str | None] = mapped_column(String(40))
    number_seq: Mapped[int | None]
    submitted_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)  # why returned or rejected
    resubmit_by: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    provincial_outcome: Mapped[str | None] = mapped_column(String(50))  # recorded when it comes back
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contest = relationship("Contest")
    section = relationship("Section")
    school = relationship("School")
    created_by = relationship("User", foreign_keys=[created_by_id])
    students: Mapped[list[Student]] = relationship(
        back_populates="entry", order_by="Student.position", cascade="all, delete-orphan"
    )
    advisers: Mapped[list[Adviser]] = relationship(
        back_populates="entry", order_by="Adviser.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="entry", order_by="Attachment.uploaded_at", cascade="all, delete-orphan"
    )

    @property
    def district_id(self) -> int:
        return self.school.district_id


class Student(Base):
    """作者: printed on certificates exactly as entered."""

    __tablename__ = "student"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(4))
    grade: Mapped[str | None] = mapped_column(String(20))  # 年级
    school_name: Mapped[str | None] = mapped_column(String(120))
    stage: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None]
    # the rest of the province's 申报书 (domain/application_fields.py)
    ethnicity: Mapped[str | None] = mapped_column(String(20))  # 民族
    id_number: Mapped[str | None] = mapped_column(String(18))  # 身份证号, cleaned and checked (id_numbers)
    guardian_name: Mapped[str | None] = mapped_column(String(50))  # 家长姓名
    guardian_relation: Mapped[str | None] = mapped_column(String(20))  # 与申报者关系
    guardian_work: Mapped[str | None] = mapped_column(String(120))  # 家长单位/职务
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(6))  # 邮编
    team_role: Mapped[str | None] = mapped_column(String(200))  # a team member's 分工
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("student_photo.id", ondelete="SET NULL"), index=True)
    entry: Mapped[Entry] = relationship(back_populates="students")
    photo: Mapped[StudentPhoto | None] = relationship()


class StudentPhoto(Base):
    """A student's 免冠照片 for the 申报书. It belongs to the entry, not to the student row: the
    form replaces the entry's student rows on every save, and each new row points again at the
    photo its row carried (so a photo follows its student when the order changes)."""

    __tablename__ = "student_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    file_kind: Mapped[str] = mapped_column(String(10))  # jpg, png
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    entry: Mapped[Entry] = relationship()


class Adviser(Base):
    """指导教师; user_id links an account so judges are kept off entries they advised."""

    __tablename__ = "adviser"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(4))
    unit: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    age: Mapped[int | None]  # 年龄
    major: Mapped[str | None] = mapped_column(String(50))  # 专业
    title: Mapped[str | None] = mapped_column(String(50))  # 职称
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    entry: Mapped[Entry] = relationship(back_populates="advisers")


class Attachment(Base):
    """An uploaded material, stored under a random name; original_name is for display only."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("material_requirement.id", ondelete="SET NULL"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    file_kind: Mapped[str] = mapped_column(String(10))  # pdf, jpg, png, mp4, docx
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    entry: Mapped[Entry] = relationship(back_populates="attachments")
    requirement = relationship("MaterialRequirement")
