"""A contest's settings (rules.md "setting") as one typed value, each with its one default.

A contest stores only its overrides in the `settings` JSON column; `ContestSettings.from_mapping`
fills in the rest. Keys this module does not know are kept in `extra` (contest definitions may
carry them, and the column keeps them), so a round trip loses nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from .file_names import DEFAULT_PATTERN as DEFAULT_FILE_PATTERN

T = TypeVar("T")

DEFAULT_CERTIFICATE: dict[str, Any] = {
    "page_size": "A4",
    "orientation": "landscape",
    "per_team_member": True,
    "advisers": True,
    "schools": False,
    "issuers": ["淮北市科学技术协会", "淮北市教育局"],
}


def _default(value: T) -> T:
    return field(default_factory=lambda: copy.deepcopy(value))


@dataclass
class ContestSettings:
    # [name, share] best first, e.g. ["一等奖", 0.10]
    award_levels: list[list[Any]] = _default([["一等奖", 0.10], ["二等奖", 0.20], ["三等奖", 0.30]])
    # No rule of the province gives these numbers: they are ours, so that a lone or weak entry
    # (58.9 points) never gets 一等奖 or a nomination by proportion alone; the organizer changes them.
    award_min_scores: dict[str, float] = _default({"一等奖": 80.0})
    # at most this share of a 评比组 is awarded (floor), whatever "at least one place per level" says
    award_max_share: float | None = 0.6
    # a group with fewer entries gets no award by proportion: the organizer decides
    award_min_group_size: int = 3
    # 优秀奖 for every ranked entry below the levels (its minimum score applies)
    excellence_award: bool = False
    ranking_group_by: list[str] = _default(["section", "stage"])
    tie_break: list[str] = _default(["criterion:创新性", "n_judges", "final_round"])
    nomination_quota: int | None = None
    nomination_levels: list[str] = _default(["一等奖"])
    nomination_min_score: float | None = 80.0  # an entry under it is not nominated, whatever its award
    # Anhui's fixed shares of the provincial quota per 学段; the rest is free for the best remaining
    nomination_stage_shares: dict[str, float] = _default({"小学": 0.10, "初中": 0.20, "高中": 0.50})
    # "half_up" (四舍五入取整数, the province's rule) or "floor"
    nomination_share_rounding: str = "half_up"
    nomination_group_quotas: dict[str, int] = _default({})
    nomination_school_cap: int | None = None
    nomination_district_cap: int | None = None
    notice_days: int = 7
    notice_show_names: bool = False  # student names on the public notice page
    notice_contact: str = ""  # where objections go, shown on the public notice page
    number_pattern: str = "{year}-{contest}-{section}-{seq:04d}"
    entry_number_pattern: str = "{contest}-{section}-{seq:03d}"
    # the name a material is downloaded and bundled under (Anhui: 参赛项目+学校+项目名称+参赛人员姓名)
    material_file_pattern: str = DEFAULT_FILE_PATTERN
    # the stored overrides are merged over DEFAULT_CERTIFICATE key by key
    certificate: dict[str, Any] = _default(DEFAULT_CERTIFICATE)
    work_completed_within_years: int = 2
    # section code -> the year its subject list took effect (from the definition's
    # subjects_by_edition; written when the contest is saved from its definition, not on the form)
    subject_editions: dict[str, int] = _default({})
    # 中专 (中等职业学校) is a 学段 of its own, as the national rules say; off: it counts as 高中
    vocational_own_stage: bool = True
    # the national eligibility rules (docs/rules.md "Entries"), each on by default: a team from one
    # 区县; one entry per student per edition; a submitted entry's team fixed (a returned one may
    # change it when the reviewer allowed it); one 科技辅导员 project per teacher per edition
    team_same_district: bool = True
    one_entry_per_student: bool = True
    team_fixed_once_submitted: bool = True
    one_counselor_entry_per_teacher: bool = True
    recusal: bool = True
    exclude_same_district: bool = False
    round_combination: dict[str, Any] | str = _default({"mode": "last"})
    extra: dict[str, Any] = field(default_factory=dict)  # keys not known here, kept as stored

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "extra")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> ContestSettings:
        """The settings with defaults for what `data` leaves out or stores as None; the
        certificate's stored keys are merged over DEFAULT_CERTIFICATE."""
        data = dict(data or {})
        known = cls.keys()
        values = {k: copy.deepcopy(data[k]) for k in known if data.get(k) is not None}
        if "certificate" in values:
            values["certificate"] = {**copy.deepcopy(DEFAULT_CERTIFICATE), **values["certificate"]}
        extra = {k: copy.deepcopy(v) for k, v in data.items() if k not in known}
        return cls(**values, extra=extra)

    def get(self, key: str) -> Any:
        """One setting by its key (unknown keys from `extra`, else None)."""
        if key in self.keys():
            return copy.deepcopy(getattr(self, key))
        return copy.deepcopy(self.extra.get(key))

    def to_mapping(self) -> dict[str, Any]:
        """Every setting, the unknown ones included, as JSON-ready data."""
        out = {key: copy.deepcopy(getattr(self, key)) for key in self.keys()}
        out.update(copy.deepcopy(self.extra))
        return out


DEFAULT_SETTINGS: dict[str, Any] = ContestSettings().to_mapping()
