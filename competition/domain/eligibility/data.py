"""The plain data the eligibility rules read: a section's rules, an entry and its people, the other entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..states import EntryState

NON_DRAFT = frozenset(
    {EntryState.SUBMITTED, EntryState.RETURNED, EntryState.ACCEPTED}
)  # states that hold a student's place


@dataclass(frozen=True)
class MaterialRule:
    id: int
    name: str
    required: bool = True
    file_kinds: tuple[str, ...] = ("pdf",)
    max_size_mb: int = 50
    max_files: int = 1
    application_form: bool = False


@dataclass(frozen=True)
class SectionRules:
    name: str
    kind: str = "student"
    stages: tuple[str, ...] = ("小学", "初中", "高中")
    subjects: dict[str, list[str]] = field(default_factory=dict)  # stage (or "*") -> [学科]
    individual_allowed: bool = True
    team_allowed: bool = True
    max_team_size: int = 3
    max_advisers: int = 2
    advisers_allowed: bool = True
    group_entry: bool = False
    age_min: int | None = None
    age_max: int | None = None
    materials: tuple[MaterialRule, ...] = ()
    vocational_own_stage: bool = True  # 中专 is a 学段 of its own (national rules), else it counts as 高中
    # the national rules, each a contest setting: a team from one 区县, one entry per student per
    # edition, one counselor project per teacher per edition
    team_same_district: bool = True
    one_entry_per_student: bool = True
    one_counselor_entry_per_teacher: bool = True

    @property
    def has_students(self) -> bool:
        """Counselor entries are the teacher's own work; practice entries carry a group's name."""
        return self.kind != "counselor" and not self.group_entry

    @property
    def adviser_limit(self) -> int:
        return self.max_advisers if self.advisers_allowed else 0

    @property
    def student_limit(self) -> int:
        if not self.has_students:
            return 0
        return self.max_team_size if self.team_allowed else 1

    def subjects_for(self, stage: str | None) -> list[str]:
        if not self.subjects:
            return []
        if stage and stage in self.subjects:
            return list(self.subjects[stage])
        return list(self.subjects.get("*", []))


@dataclass(frozen=True)
class PersonData:
    name: str
    gender: str | None = None
    grade: str | None = None
    school_name: str | None = None
    birth_date: date | None = None
    id_number: str | None = None  # 身份证号, when the form has it: the surest way to know a student
    district: str | None = None  # the 区县 of the student's school, None when the school is not in the list
    # the rest of the 申报书 (domain/application_fields.py)
    ethnicity: str | None = None  # 民族
    guardian_name: str | None = None  # 家长姓名
    guardian_relation: str | None = None  # 与申报者关系
    guardian_work: str | None = None  # 家长单位/职务
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None  # 邮编
    team_role: str | None = None  # a team member's 分工
    photo_id: int | None = None  # the 免冠照片 (StudentPhoto.id)


@dataclass(frozen=True)
class AdviserData:
    name: str
    gender: str | None = None
    unit: str | None = None
    phone: str | None = None
    age: int | None = None  # 年龄
    major: str | None = None  # 专业
    title: str | None = None  # 职称


@dataclass(frozen=True)
class EntryData:
    title: str
    abstract: str | None = None
    stage: str | None = None
    subject: str | None = None
    is_team: bool = False
    group_name: str | None = None
    completed_on: date | None = None
    contact_phone: str | None = None
    data_confirmed: bool = False
    students: tuple[PersonData, ...] = ()
    advisers: tuple[AdviserData, ...] = ()
    files_per_material: dict[int, int] = field(default_factory=dict)  # material id -> number of files
    id: int | None = None
    author_id: int | None = None  # the teacher who created it (the author of counselor work)


@dataclass(frozen=True)
class OtherEntry:
    """Another entry of the same contest, as far as the uniqueness rules need it."""

    id: int
    state: str
    title: str
    section_kind: str
    author_id: int | None = None
    number: str | None = None  # given when the entry is accepted
    students: tuple[PersonData, ...] = ()
