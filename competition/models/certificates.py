"""Certificate history and the organizer's certificate images (seals, signatures, background)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class CertificateRevision(Base):
    """One issued version of a certificate: what was printed and the code its QR carried.

    A correction re-issues the certificate under the same number with revision + 1 and a new
    verification code; the older code still answers on /verify and says it was superseded.
    """

    __tablename__ = "certificate_revision"
    __table_args__ = (UniqueConstraint("certificate_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int]
    verification_code: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateAsset(Base):
    """An image an organizer uploaded for a contest's certificates (stored via competition.adapters.storage).

    slot: "background", "seal-<issuer index>", "signature-<issuer index>".
    """

    __tablename__ = "certificate_asset"
    __table_args__ = (UniqueConstraint("contest_id", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    slot: Mapped[str] = mapped_column(String(30))
    storage_key: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
