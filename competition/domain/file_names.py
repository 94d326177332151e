"""The name a material is downloaded and bundled under (材料文件命名), from the contest's pattern.

Pure module. Anhui asks for files named 参赛项目+学校+项目名称+参赛人员姓名 (the section, the
school, the title, the authors); that is the default pattern. Only plain fields are allowed (no
format spec, no attribute or index), so a pattern can neither fail at download time nor reach
into anything but the strings given. An entry has several materials, so the material's name is
added after the pattern (``_研究报告``) unless the pattern places ``{material}`` itself; several
files of one material are numbered (``_2``). Making the name safe for Windows is the caller's job
(services/exports/names).
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from .text import N_, Message

FIELDS = ("section", "school", "title", "authors", "number", "stage", "material")
DEFAULT_PATTERN = "{section}+{school}+{title}+{authors}"
AUTHOR_SEPARATOR = "、"
MAX_PATTERN = 120


def pattern_problem(pattern: str) -> Message | None:
    """Why `pattern` cannot name files, or None."""
    if not pattern.strip():
        return Message(N_("The file name pattern is empty."))
    if len(pattern) > MAX_PATTERN:
        return Message(N_("The file name pattern is longer than %(max)d characters."), {"max": MAX_PATTERN})
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return Message(N_("The file name pattern has unbalanced braces."))
    names = [name for _lit, name, _spec, _conv in parts if name is not None]
    for _lit, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            return Message(
                N_("The file name pattern uses {%(field)s}; it may use only %(fields)s."),
                {
                    "field": name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""),
                    "fields": "、".join("{" + f + "}" for f in FIELDS),
                },
            )
    if not names:
        return Message(N_("The file name pattern names no field, so every file would have the same name."))
    return None


def material_file_name(
    pattern: str,
    *,
    section: str,
    school: str,
    title: str,
    authors: Sequence[str],
    number: str,
    stage: str,
    material: str,
    index: int | None = None,
    extension: str = "",
) -> str:
    """The file name of one material file; `index` (1-based) numbers the files of a material
    that has several. `pattern` must have passed pattern_problem (else the default is used)."""
    if pattern_problem(pattern) is not None:
        pattern = DEFAULT_PATTERN
    values = {
        "section": section,
        "school": school,
        "title": title,
        "authors": AUTHOR_SEPARATOR.join(a for a in authors if a),
        "number": number,
        "stage": stage,
        "material": material,
    }
    name = pattern.format_map(values)
    if "{material}" not in pattern:
        name += f"_{material}"
    if index is not None:
        name += f"_{index}"
    return f"{name}.{extension}" if extension else name
