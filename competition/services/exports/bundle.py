"""The materials bundle of the nominated entries: a zip written to disk entry by entry, and the
job that builds it under the export folder it is given."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ...adapters import xlsx
from ...extensions import db
from ...i18n.timeutil import utc_to_local
from ...models import Attachment, Contest, Entry, Job, utcnow
from .names import download_name, material_file_name, safe_name
from .nominations import nomination_workbook
from .tables import nominated_results, nomination_title

# Already compressed: stored as they are in the zip (deflating them costs time for nothing).
STORED_KINDS = frozenset({"pdf", "jpg", "jpeg", "png", "mp4", "docx", "xlsx", "zip", "mov", "gif"})


def entry_folder(entry: Entry) -> str:
    return safe_name(f"{entry.number or f'ID{entry.id}'}_{entry.title}", max_len=80)


@dataclass
class BundleFile:
    arcname: str
    attachment: Attachment | None = None
    data: bytes | None = None


def plan_entry_files(entry: Entry) -> list[BundleFile]:
    """Every attachment named by the contest's material_file_pattern (numbered when a material
    has several files), in the order of the section's materials."""
    folder = entry_folder(entry)
    by_material: dict[str, list[Attachment]] = defaultdict(list)
    order: dict[str, tuple] = {}
    for att in entry.attachments:
        req = att.requirement
        label = req.name if req is not None else Path(att.original_name).stem or "附件"
        by_material[label].append(att)
        order.setdefault(label, (req.sort_order if req is not None else 999, label))
    files = []
    for label in sorted(by_material, key=lambda k: order[k]):
        atts = sorted(by_material[label], key=lambda a: (a.uploaded_at, a.id))
        for att in atts:
            files.append(BundleFile(f"{folder}/{material_file_name(att)}", attachment=att))
    return files


def application_form_pdf(entry: Entry) -> bytes | None:
    """The generated 申报书 (the bundle is the organizer's: the 身份证号 whole)."""
    from ..application_form import render_application_form

    return render_application_form(entry, whole_id_numbers=True)


@dataclass
class BundleSummary:
    entries: int = 0
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    forms: int = 0


def write_bundle(
    contest: Contest, target: str | os.PathLike, progress: Callable[[int, int], None] | None = None
) -> BundleSummary:
    """Write the zip of the nominated entries' materials to `target`, entry by entry.

    Files are copied from storage in chunks (never read whole); the zip is written to a
    temporary name beside `target` and renamed when complete, so a half-built bundle is never
    offered. Media already compressed are stored, the rest deflated.
    """
    from ...adapters.storage import CHUNK, get_storage

    storage = get_storage()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    results = nominated_results(contest)
    summary = BundleSummary()
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(["序号", "项目编号", "项目名称", "文件", "原文件名", "大小（字节）", "SHA-256"])
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".zip.part")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr(
                _info(f"{safe_name(nomination_title(contest), 80)}.xlsx", stored=True), nomination_workbook(contest)
            )
            for i, result in enumerate(results, start=1):
                entry = result.entry
                for bf in plan_entry_files(entry):
                    att = bf.attachment
                    assert att is not None  # plan_entry_files names an attachment for every file
                    kind = (att.file_kind or "").lower()
                    try:
                        src = storage.open(att.storage_key)
                    except (FileNotFoundError, ValueError):
                        summary.missing.append(f"{entry.number or entry.id} {att.original_name}")
                        writer.writerow(
                            [
                                i,
                                entry.number,
                                xlsx.safe_text(entry.title),
                                bf.arcname,
                                xlsx.safe_text(att.original_name),
                                "",
                                "缺失",
                            ]
                        )
                        continue
                    with src, zf.open(_info(bf.arcname, stored=kind in STORED_KINDS), "w", force_zip64=True) as dst:
                        shutil.copyfileobj(src, dst, CHUNK)
                    summary.files += 1
                    summary.bytes += att.size or 0
                    writer.writerow(
                        [
                            i,
                            entry.number,
                            xlsx.safe_text(entry.title),
                            bf.arcname,
                            xlsx.safe_text(att.original_name),
                            att.size,
                            att.sha256,
                        ]
                    )
                form = application_form_pdf(entry)
                if form is not None:
                    name = f"{entry_folder(entry)}/{safe_name(entry.number or f'ID{entry.id}', 40)}_申报书.pdf"
                    zf.writestr(_info(name, stored=True), form)
                    summary.forms += 1
                    writer.writerow([i, entry.number, xlsx.safe_text(entry.title), name, "（系统生成）", len(form), ""])
                summary.entries += 1
                if progress:
                    progress(i, len(results))
            zf.writestr(_info("材料清单.csv", stored=False), manifest.getvalue().encode("utf-8-sig"))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return summary


def _info(name: str, *, stored: bool) -> zipfile.ZipInfo:
    now = utc_to_local(utcnow())  # people read Beijing time in their file manager
    assert now is not None  # a time in, a time out
    info = zipfile.ZipInfo(name, date_time=(max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def bundle_download_name(contest: Contest) -> str:
    return download_name(f"{nomination_title(contest).removesuffix('推荐项目汇总表')}推荐项目材料.zip")


def bundle_job(job_id: int, contest_id: int, *, export_folder: str | os.PathLike) -> tuple[str, str]:
    """Job function (competition.jobs, whose table entry passes the app's EXPORT_FOLDER): builds
    the bundle under `export_folder`/bundles and returns its path relative to that folder."""
    from ... import jobs

    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise ValueError("赛事不存在")
    rel = f"bundles/{safe_name(contest.code, 40)}-{job_id}.zip"
    target = Path(export_folder) / rel
    total = len(nominated_results(contest))
    jobs.report(job_id, 0, total)
    write_bundle(contest, target, progress=lambda done, n: jobs.report(job_id, done, n))
    return rel, bundle_download_name(contest)


BUNDLE_JOB = "exports.bundle"


def recent_bundle_jobs(contest: Contest, limit: int = 5) -> list[Job]:
    """The contest's latest bundle jobs, newest first, for the exports page."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.contest_id == contest.id, Job.kind == BUNDLE_JOB)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )


def start_bundle(contest: Contest, actor):
    """Enqueue the bundle job (the request commits it; only then may jobs.start hand it on)."""
    from ... import jobs

    return jobs.enqueue(
        BUNDLE_JOB, "exports.bundle", params={"contest_id": contest.id}, actor=actor, contest_id=contest.id
    )
