"""Contests, their sections (类别), material requirements, rounds and rubrics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.contest_settings import DEFAULT_SETTINGS, ContestSettings  # noqa: F401 (re-exported)
from ..domain.states import ContestState, RoundState
from .base import Base, utcnow

CONTEST_STATES = tuple(ContestState)
CONTEST_KINDS = ("innovation", "invention", "film", "other")
EXCELLENCE_AWARD = "优秀奖"


class Contest(Base):
    """赛事: one edition of a contest in one year."""

    __tablename__ = "contest"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    full_name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    edition: Mapped[int | None]  # 第N届
    kind: Mapped[str] = mapped_column(String(20), default="innovation")
    state: Mapped[str] = mapped_column(String(20), default=ContestState.DRAFT)
    description: Mapped[str | None] = mapped_column(Text)
    submission_opens_at: Mapped[datetime | None]
    submission_closes_at: Mapped[datetime | None]
    judging_opens_at: Mapped[datetime | None]
    judging_closes_at: Mapped[datetime | None]
    blind_judging: Mapped[bool] = mapped_column(default=True)
    judges_per_entry: Mapped[int] = mapped_column(default=5)
    ranking_method: Mapped[str] = mapped_column(String(30), default="calibrated")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="contest", order_by="Section.sort_order", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="contest", order_by="Round.number", cascade="all, delete-orphan"
    )

    @property
    def settings_view(self) -> ContestSettings:
        """The settings with every default filled in (a fresh copy: changing it changes nothing)."""
        return ContestSettings.from_mapping(self.settings)

    def setting(self, key: str):
        return self.settings_view.get(key)

    def award_names(self) -> list[str]:
        """The award levels best first, with 优秀奖 last when the contest gives it."""
        settings = self.settings_view
        names = [str(name) for name, _share in settings.award_levels]
        if settings.excellence_award and EXCELLENCE_AWARD not in names:
            names.append(EXCELLENCE_AWARD)
        return names

    def is_submission_open(self, now: datetime) -> bool:
        if self.state != ContestState.OPEN:
            return False
        if self.submission_opens_at and now < self.submission_opens_at:
            return False
        return not (self.submission_closes_at and now >= self.submission_closes_at)


class Section(Base):
    """类别 within a contest, with its eligibility rules."""

    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    # student (学生科技创新成果), counselor (科技辅导员), practice, painting, invention, film
    kind: Mapped[str] = mapped_column(String(20), default="student")
    stages: Mapped[list] = mapped_column(JSON, default=list)  # 学段 allowed
    subjects: Mapped[dict] = mapped_column(JSON, default=dict)  # stage -> [学科]
    individual_allowed: Mapped[bool] = mapped_column(default=True)
    team_allowed: Mapped[bool] = mapped_column(default=True)
    max_team_size: Mapped[int] = mapped_column(default=3)
    max_advisers: Mapped[int] = mapped_column(default=2)
    advisers_allowed: Mapped[bool] = mapped_column(default=True)
    group_entry: Mapped[bool] = mapped_column(default=False)  # entered in a group's name (实践活动)
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    sort_order: Mapped[int] = mapped_column(default=0)
    description: Mapped[str | None] = mapped_column(Text)
    # the 申报书 fields an entry must fill in to be submitted (domain/application_fields.py codes)
    required_fields: Mapped[list | None] = mapped_column(JSON, default=list)

    contest: Mapped[Contest] = relationship(back_populates="sections")
    materials: Mapped[list[MaterialRequirement]] = relationship(
        back_populates="section", order_by="MaterialRequirement.sort_order", cascade="all, delete-orphan"
    )

    def subjects_for(self, stage: str | None) -> list[str]:
        if not self.subjects:
            return []
        if stage and stage in self.subjects:
            return list(self.subjects[stage])
        return list(self.subjects.get("*", []))


class MaterialRequirement(Base):
    """A material an entry of a section must or may carry (研究报告, 申报书扫描件, 照片...)."""

    __tablename__ = "material_requirement"
    __table_args__ = (UniqueConstraint("section_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(80))
    required: Mapped[bool] = mapped_column(default=True)
    file_kinds: Mapped[list] = mapped_column(JSON, default=list)  # pdf, jpg, png, mp4, docx
    max_size_mb: Mapped[int] = mapped_column(default=50)
    max_files: Mapped[int] = mapped_column(default=1)
    max_duration_seconds: Mapped[int | None]  # a video longer than this is refused (read by ffprobe)
    is_application_form: Mapped[bool] = mapped_column(default=False)  # the signed 申报书 scan
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)

    section: Mapped[Section] = relationship(back_populates="materials")


class Round(Base):
    """评审轮次: 初评 (materials), 终评 (defence) ..."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(20), default=RoundState.PLANNING)
    judges_per_entry: Mapped[int | None]
    weight: Mapped[float] = mapped_column(default=1.0)  # share in the combined final score
    contest: Mapped[Contest] = relationship(back_populates="rounds")
    rubrics: Mapped[list[Rubric]] = relationship(back_populates="round", cascade="all, delete-orphan")

    def rubric_for(self, section_id: int) -> Rubric | None:
        fallback = None
        for rubric in self.rubrics:
            if rubric.section_id == section_id:
                return rubric
            if rubric.section_id is None:
                fallback = rubric
        return fallback


class Rubric(Base):
    """评分标准 of one round, for one section or (section_id NULL) for all."""

    __tablename__ = "rubric"
    __table_args__ = (UniqueConstraint("round_id", "section_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    round: Mapped[Round] = relationship(back_populates="rubrics")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="rubric", order_by="Criterion.sort_order", cascade="all, delete-orphan"
    )


class Criterion(Base):
    """评分项: 创新性 40, 科学性 30 ... The weighted total is scaled to 0-100."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("rubric_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(50))
    max_score: Mapped[float]
    weight: Mapped[float] = mapped_column(default=1.0)
    descriptors: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)
    rubric: Mapped[Rubric] = relationship(back_populates="criteria")
