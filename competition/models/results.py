"""Results of ranking, objections during the public notice, and certificates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

NO_AWARD = "none"  # override_award value: the organizer took the award away


class Result(Base):
    """获奖结果 of an entry in a contest; frozen once the contest is final."""

    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("contest_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    group_key: Mapped[str] = mapped_column(String(120))
    method: Mapped[str] = mapped_column(String(30))
    n_judges: Mapped[int] = mapped_column(default=0)
    raw_mean: Mapped[float | None]
    trimmed_mean: Mapped[float | None]
    score: Mapped[float | None]
    uncertainty: Mapped[float | None]
    rank: Mapped[int | None]
    award: Mapped[str | None] = mapped_column(String(20))
    nominated: Mapped[bool] = mapped_column(default=False)
    nomination_reason: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[dict | None] = mapped_column(JSON)
    override_award: Mapped[str | None] = mapped_column(String(20))
    override_nominated: Mapped[bool | None]
    override_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Connected component of the judge-entry graph (0 = the largest); scores of different
    # components are not comparable.  position: place in the group after tie-breaks.
    component: Mapped[int] = mapped_column(default=0)
    position: Mapped[int | None]
    pending: Mapped[bool] = mapped_column(default=False)  # waits for an organizer's tie decision
    entry = relationship("Entry")

    @property
    def final_award(self) -> str | None:
        """The award as it stands: the organizer's override (NO_AWARD: none), unless withdrawn."""
        if self.withdrawn or self.override_award == NO_AWARD:
            return None
        return self.override_award if self.override_award is not None else self.award

    @property
    def final_nominated(self) -> bool:
        if self.withdrawn:
            return False
        return self.override_nominated if self.override_nominated is not None else self.nominated


class Objection(Base):
    """公示期异议: written, under a real name, with how it was settled."""

    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))
    submitter_name: Mapped[str] = mapped_column(String(50))
    submitter_contact: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolution: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20))  # upheld, dismissed
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Filed online from the notice page (the organizer records the others from paper):
    # a receipt to ask for its status, and who filed it as the rules require.
    receipt: Mapped[str | None] = mapped_column(String(40), unique=True)
    filer_kind: Mapped[str | None] = mapped_column(String(10))  # person, unit
    filer_unit: Mapped[str | None] = mapped_column(String(100))  # 单位 of a person, 单位名称 of a unit
    entry = relationship("Entry")
    files: Mapped[list[ObjectionFile]] = relationship(
        back_populates="objection", cascade="all, delete-orphan", order_by="ObjectionFile.id"
    )


class ObjectionFile(Base):
    """A file sent with an online objection: the identity document (身份证明) of a person, the
    sealed letter of a unit, or evidence. Only the organizer may open them."""

    __tablename__ = "objection_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # identity_document, sealed_letter, evidence
    original_name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(64))
    file_kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    objection: Mapped[Objection] = relationship(back_populates="files")


class Certificate(Base):
    """获奖证书: numbers are never reused; a correction re-issues under the same number."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # student, adviser, school
    recipient_key: Mapped[str] = mapped_column(String(120))  # stable: student/adviser/school id
    number: Mapped[str] = mapped_column(String(60), index=True)  # 查验证书 looks numbers up across contests
    seq: Mapped[int]
    revision: Mapped[int] = mapped_column(default=1)
    verification_code: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # what is printed, as issued
    revoked: Mapped[bool] = mapped_column(default=False)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The counter the number's seq was drawn from (the pattern's other fields), so a seq is
    # never given twice in one scope; see domain/certificates.py.
    seq_scope: Mapped[str] = mapped_column(String(200), default="")
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    award: Mapped[str | None] = mapped_column(String(20))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="SET NULL"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"), index=True)
    revised_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The QR code (SVG data URI) of the current verification URL, made when the revision is
    # issued so printing does not compute it again; qr_url tells when the base URL changed.
    qr_url: Mapped[str | None] = mapped_column(String(300))
    qr_svg: Mapped[str | None] = mapped_column(Text)
    entry = relationship("Entry")


class RankingRun(Base):
    """The latest ranking of a contest (排名计算) and its publication: one row per contest.

    ``judges``: each judge's estimated severity and spread per round; ``components``: the
    entry ids of every connected component when the judge-entry graph is split;
    ``ties``: unresolved ties at cut lines (award lines and nomination quotas).
    """

    __tablename__ = "ranking_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), unique=True)
    method: Mapped[str] = mapped_column(String(30))
    combination: Mapped[str] = mapped_column(String(20), default="last")
    n_entries: Mapped[int] = mapped_column(default=0)
    n_scores: Mapped[int] = mapped_column(default=0)
    judges: Mapped[list] = mapped_column(JSON, default=list)
    components: Mapped[list] = mapped_column(JSON, default=list)
    ties: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    locked_at: Mapped[datetime | None]  # no re-ranking while set (unlocking is audited)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]
    notice_ends_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    finalize_reason: Mapped[str | None] = mapped_column(Text)  # why finalized before the notice ended


class TieDecision(Base):
    """An organizer's decision on a tie at a cut line (并列裁定), with the reason.

    ``kind``: award (``level`` is the award level, ``group_key`` the ranking group) or
    nomination.  ``entry_ids``: the tied entries (sorted); ``chosen``: those placed above the
    line.  A decision applies while the same entries tie at the same line.
    """

    __tablename__ = "tie_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    group_key: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[str | None] = mapped_column(String(40))
    entry_ids: Mapped[list] = mapped_column(JSON)
    chosen: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
