"""Format review: the entry number counter of each contest section (编号计数器).

Numbers are never reused: the counter only grows, even when an accepted entry is later
returned or withdrawn. The row is locked while a number is drawn, so two reviewers accepting
at once get different numbers.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class EntryNumberCounter(Base):
    __tablename__ = "entry_number_counter"
    __table_args__ = (UniqueConstraint("contest_id", "section_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    last_seq: Mapped[int] = mapped_column(default=0)
