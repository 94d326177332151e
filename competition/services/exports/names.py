"""File and folder names Windows accepts, for the bundle's entries and every download."""

from __future__ import annotations

import re

from ...domain import file_names
from ...domain.characters import printable, without_direction_marks
from ...models import Attachment
from .tables import authors

_WINDOWS_BAD = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, max_len: int = 60, fallback: str = "未命名") -> str:
    """A file or folder name Windows accepts: no \\/:*?"<>|, no control, line break or direction
    mark, no trailing dot or space, short."""
    name = without_direction_marks(printable(text or "", multiline=False))
    name = re.sub(r"_{2,}", "_", _WINDOWS_BAD.sub("_", name))
    name = re.sub(r"\s+", " ", name).strip()
    name = name[:max_len].rstrip("._ ")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def download_name(name: str, max_len: int = 120) -> str:
    """The name a download is offered under (every route's Content-Disposition): `safe_name`
    with its extension kept, so a contest name with a newline or a slash cannot break it."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not 1 <= len(ext) <= 5 or not ext.isascii() or not ext.isalnum():
        return safe_name(name, max_len=max_len, fallback="download")
    return f"{safe_name(stem, max_len=max_len - len(ext) - 1, fallback='download')}.{ext}"


def material_file_name(attachment: Attachment, max_len: int = 120) -> str:
    """The name a material is downloaded and bundled under: the contest's material_file_pattern
    (default 参赛项目+学校+项目名称+参赛人员姓名, then the material), numbered in upload order when
    its material has several files, made safe by `download_name`."""
    entry = attachment.entry
    req = attachment.requirement
    material = req.name if req is not None else safe_name(attachment.original_name.rpartition(".")[0], 40, "附件")
    siblings = sorted(
        (a for a in entry.attachments if a.requirement_id == attachment.requirement_id),
        key=lambda a: (a.uploaded_at, a.id),
    )
    index = [a.id for a in siblings].index(attachment.id) + 1 if len(siblings) > 1 else None
    name = file_names.material_file_name(
        str(entry.contest.settings_view.material_file_pattern),
        section=entry.section.name,
        school=entry.school.name,
        title=entry.title,
        authors=[name for name, _gender, _grade in authors(entry)],
        number=entry.number or f"ID{entry.id}",
        stage=entry.stage or "",
        material=material,
        index=index,
        extension=attachment.file_kind,
    )
    return download_name(name, max_len=max_len)
