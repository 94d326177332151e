"""Who may enter what: the eligibility rules of a section, as pure functions over plain data.

`submission_problems(entry, section, ...)` lists every reason an entry cannot be submitted yet
(missing information, missing materials, broken section rules), each a `Message` naming its
field, so the teacher's "still missing" list and the server's check on submit are the same
code. `draft_problems` holds the few rules a draft must meet to be saved at all.

Students are identified across entries by their 身份证号 when both records have one, else by
normalised name + school + grade (`same_student`), since the same child may be typed with a
full-width space or a stray blank in one entry and not in another.

The pieces: `data` (the dataclasses the rules read), `grades` (学段, 年级 and a student's
identity), `drafts` (what a draft must meet), `people` (team, advisers, one entry per student),
`submission` (every rule on submit, and when an entry may still change), `subjects` (subject
lists per edition, the two kinds of 科技辅导员 entries).
"""

from __future__ import annotations

from .data import NON_DRAFT, AdviserData, EntryData, MaterialRule, OtherEntry, PersonData, SectionRules
from .drafts import draft_problems
from .grades import (
    GENDERS,
    GRADES,
    age_on,
    blank,
    normalise,
    same_student,
    stage_of_grade,
    student_identity,
    work_window,
)
from .people import district_problems, same_member, team_change_problems, uniqueness_problems
from .subjects import COUNSELOR_KINDS, MAKING_SUBJECTS, counselor_kind, edition_list
from .submission import can_still_submit, submission_problems

__all__ = [
    "COUNSELOR_KINDS",
    "GENDERS",
    "GRADES",
    "MAKING_SUBJECTS",
    "NON_DRAFT",
    "AdviserData",
    "EntryData",
    "MaterialRule",
    "OtherEntry",
    "PersonData",
    "SectionRules",
    "age_on",
    "blank",
    "can_still_submit",
    "counselor_kind",
    "district_problems",
    "draft_problems",
    "edition_list",
    "normalise",
    "same_member",
    "same_student",
    "stage_of_grade",
    "student_identity",
    "submission_problems",
    "team_change_problems",
    "uniqueness_problems",
    "work_window",
]
