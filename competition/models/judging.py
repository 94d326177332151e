"""Judging: who judges which entry in which round, conflicts, and score sheets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import SheetState
from .base import Base, utcnow

CONFLICT_SOURCES = ("automatic", "declared", "organizer")


class RoundJudge(Base):
    """A judge on the panel of a round; pool groups judges whose loads are balanced together."""

    __tablename__ = "round_judge"
    __table_args__ = (UniqueConstraint("round_id", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    pool: Mapped[str | None] = mapped_column(String(50))
    capacity: Mapped[int | None]  # the most entries this judge takes in the round (None: no limit)
    judge = relationship("User", foreign_keys=[judge_id])


class RoundEntry(Base):
    """An entry taking part in a round (all accepted entries in round 1; promoted ones after)."""

    __tablename__ = "round_entry"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    # how it got here: accepted (round 1), top (top N of its group), manual (organizer, with reason)
    source: Mapped[str] = mapped_column(String(20), default="accepted")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    entry = relationship("Entry")


class Conflict(Base):
    """回避: a judge must not score an entry. Organizer-set rows cannot be removed by judges."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # school, advised, relative, other ...
    source: Mapped[str] = mapped_column(String(20))  # automatic, declared, organizer
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """评审分配: judge x entry x round."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(20), default="plan")  # plan, manual, rejudge
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]
    judge = relationship("User", foreign_keys=[judge_id])
    entry = relationship("Entry")
    round = relationship("Round")
    sheet: Mapped[ScoreSheet | None] = relationship(
        back_populates="assignment", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class ScoreSheet(Base):
    """评分表: one per assignment; draft until submitted, then final (locked).

    ``version`` is checked and raised by SQLAlchemy on every UPDATE (version_id_col), so a
    save based on an older version can never overwrite newer work, even between two requests.
    """

    __tablename__ = "score_sheet"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=SheetState.DRAFT)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id (str) -> score
    total: Mapped[float | None]  # weighted total on 0-100 when complete
    comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # An organizer reopening a final sheet (also recorded in the audit log).
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    assignment: Mapped[Assignment] = relationship(back_populates="sheet")

    __mapper_args__ = {"version_id_col": version}
