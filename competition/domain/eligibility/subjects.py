"""Subject lists (学科) as data: the list of a contest's edition, and the two kinds of 科技辅导员 entries.

A definition may carry its lists per edition (`subjects_by_edition: {2022: {...}, 2024: {...}}`,
keyed by the year an edition's list took effect); a contest takes the newest list that took effect
by its own year, so a 2022 contest keeps its 2022 names when the national list changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

# 科技辅导员科技教育创新成果: 科教制作类 in six subjects, or 科教方案类; a subject is written
# "科教制作类-物理" (the kind, a hyphen, the subject) or "科教方案类". A past contest's list of
# other subjects (imported registrations) is kept as it is: its entries have no kind.
MAKING = "科教制作类"
PLAN = "科教方案类"
COUNSELOR_KINDS = (MAKING, PLAN)
MAKING_SUBJECTS = ("物理", "化学", "生物", "数学", "信息技术教学类", "其他")


def counselor_kind(subject: str | None) -> str | None:
    """科教制作类 or 科教方案类, as the subject says; None for a subject of neither kind."""
    kind = (subject or "").split("-", 1)[0].strip()
    return kind if kind in COUNSELOR_KINDS else None


def edition_list(by_edition: Mapping[int, T], year: int) -> tuple[int, T] | None:
    """The list that took effect last by `year` (its key and itself); None when every list is newer."""
    years = [y for y in by_edition if y <= year]
    if not years:
        return None
    chosen = max(years)
    return chosen, by_edition[chosen]
