"""The shape of a contest definition: its known values and the dataclasses `parse_definition` fills."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..text import Message

STAGES = ("小学", "初中", "高中", "中专")  # 中专 (中等职业学校) is a 学段 of its own
STAGE_ORDER = {stage: i for i, stage in enumerate(STAGES)}  # lists and sheets go 小学 first
SECTION_KINDS = ("student", "counselor", "practice", "painting", "invention", "film", "other")
TEAM_KINDS = ("student", "invention", "film")  # sections that take team entries unless they say otherwise
# A mapping read from YAML: its values can be anything until they are checked.
Data = Mapping[str, Any]
FILE_KINDS = ("pdf", "jpg", "png", "mp4", "docx", "xlsx", "zip")
METHODS = ("calibrated", "mean", "trimmed_mean", "zscore")


class DefinitionError(ValueError):
    def __init__(self, problems: list[Message]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class MaterialDef:
    code: str
    name: str
    file_kinds: list[str]
    required: bool = True
    max_size_mb: int = 50
    max_files: int = 1
    max_duration_seconds: int | None = None  # videos: how long one may run (Anhui: 60)
    application_form: bool = False
    description: str | None = None


@dataclass
class SectionDef:
    code: str
    name: str
    kind: str
    stages: list[str]
    subjects: dict[str, list[str]]
    individual_allowed: bool = True
    # the year the subject list took effect, when it came from `subjects_by_edition`
    subjects_edition: int | None = None
    team_allowed: bool = True
    max_team_size: int = 3
    max_advisers: int = 2
    advisers_allowed: bool = True
    group_entry: bool = False
    age_min: int | None = None
    age_max: int | None = None
    description: str | None = None
    materials: list[MaterialDef] = field(default_factory=list)
    required_fields: list[str] = field(default_factory=list)  # 申报书 fields (domain/application_fields.py)


@dataclass
class CriterionDef:
    code: str
    name: str
    max_score: float
    weight: float = 1.0
    descriptors: str | None = None


@dataclass
class RubricDef:
    section: str | None  # a section code, or None for every section
    name: str
    criteria: list[CriterionDef]


@dataclass
class RoundDef:
    number: int
    name: str
    weight: float = 1.0
    judges_per_entry: int | None = None
    rubrics: list[RubricDef] = field(default_factory=list)


@dataclass
class ContestDefinition:
    code: str
    name: str
    full_name: str
    year: int
    kind: str
    edition: int | None = None
    description: str | None = None
    submission_opens_at: datetime | None = None  # local time (Asia/Shanghai), naive
    submission_closes_at: datetime | None = None
    judging_opens_at: datetime | None = None
    judging_closes_at: datetime | None = None
    blind_judging: bool = True
    judges_per_entry: int = 5
    ranking_method: str = "calibrated"
    settings: dict[str, Any] = field(default_factory=dict)
    sections: list[SectionDef] = field(default_factory=list)
    rounds: list[RoundDef] = field(default_factory=list)
