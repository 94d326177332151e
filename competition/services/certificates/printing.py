"""Printing certificates in batches: all of a choice as one PDF for the printer or one PDF per
person in a zip, rendered in chunks of `CHUNK` per WeasyPrint document and copied into the output
as soon as each is rendered (PdfJoiner), so memory stays flat in the number of certificates; and
the background job that does it. `base_url` is the public address the QR codes encode and
`export_folder` where a job's file goes (PUBLIC_BASE_URL, EXPORT_FOLDER), given by the edge."""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from ...domain import certificates as rules
from ...extensions import db
from ...models import Certificate, Contest, Job, School, Section, User
from .. import ServiceError
from .reads import select_ids
from .rendering import document_context, render_chunk

CHUNK = 100  # certificates per WeasyPrint document (see scripts/bench/certificates.py)
ZIP_CHUNK = 25  # smaller chunks for one-PDF-per-person: each file carries its chunk's font subset

Progress = Callable[[int, int], None] | None


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[Certificate]]:
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        rows = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(part)))}
        yield [rows[i] for i in part if i in rows]


def write_pdf(
    contest: Contest,
    ids: Sequence[int],
    target: BinaryIO,
    *,
    base_url: str,
    progress: Progress = None,
    chunk: int = CHUNK,
) -> int:
    """All certificates `ids` as one PDF for the printer; returns the page count.

    Each chunk is rendered, copied into `target` at once and dropped (PdfJoiner), so memory stays
    flat however many certificates there are (scripts/bench/certificates.py --huge)."""
    if not ids:
        raise ServiceError(_("There are no certificates to print for this choice."))
    from ...adapters.pdf import PdfJoiner  # WeasyPrint loads only where certificates are printed

    joiner = PdfJoiner(target)
    doc = document_context(contest, base_url=base_url)
    done = 0
    for certs in _chunks(ids, chunk):
        joiner.add(render_chunk(contest, certs, doc))
        done += len(certs)
        if progress:
            progress(done, len(ids))
    joiner.close(title=f"{contest.full_name} 获奖证书", creator="competition")
    return joiner.pages


def write_zip(
    contest: Contest,
    ids: Sequence[int],
    target: BinaryIO,
    *,
    base_url: str,
    progress: Progress = None,
    chunk: int = ZIP_CHUNK,
) -> int:
    """One PDF per certificate, `<number>_<name>_<award>.pdf`, in a zip; returns the file count."""
    from pypdf import PdfReader, PdfWriter

    if not ids:
        raise ServiceError(_("There are no certificates to print for this choice."))
    doc = document_context(contest, base_url=base_url)
    done = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for certs in _chunks(ids, chunk):
            reader = PdfReader(io.BytesIO(render_chunk(contest, certs, doc)))
            for cert, page in zip(certs, reader.pages, strict=False):
                one = PdfWriter()
                one.add_page(page)
                buf = io.BytesIO()
                one.write(buf)
                zf.writestr(rules.file_name(cert.number, cert.recipient_name, cert.award or ""), buf.getvalue())
            done += len(certs)
            if progress:
                progress(done, len(ids))
    return done


# --- batch jobs ----------------------------------------------------------------------------


def start_batch(
    contest: Contest, actor: User | None, *, fmt: str, section_id: int | None = None, school_id: int | None = None
) -> Job:
    """Queue a batch; the caller commits and then calls jobs.start(job)."""
    from ... import jobs

    if fmt not in ("pdf", "zip"):
        raise ServiceError(_("Choose PDF or ZIP."), "fmt")
    if not select_ids(contest.id, section_id=section_id, school_id=school_id):
        raise ServiceError(_("There are no certificates to print for this choice."))
    return jobs.enqueue(
        "certificates",
        "certificates.batch",
        params={"contest_id": contest.id, "fmt": fmt, "section_id": section_id, "school_id": school_id},
        actor=actor,
        contest_id=contest.id,
    )


def write_batch(
    job_id: int,
    contest_id: int,
    fmt: str,
    section_id: int | None = None,
    school_id: int | None = None,
    *,
    base_url: str,
    export_folder: str | Path,
) -> tuple[str, str]:
    """The batch job's work (its entry is in competition/jobs/table.py): the certificates of the choice
    into `export_folder`/certificates/; returns (the file's path relative to the folder, its
    download name)."""
    from ... import jobs

    contest = db.session.get(Contest, contest_id)
    ids = select_ids(contest_id, section_id=section_id, school_id=school_id)
    jobs.report(job_id, 0, len(ids))
    if contest is None:  # deleted since the batch was queued: nothing to print
        raise ServiceError(_("There are no certificates to print for this choice."))
    folder = Path(export_folder) / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"certificates/{job_id}-{secrets.token_hex(8)}.{fmt}"
    path = Path(export_folder) / stored
    tmp = path.with_suffix(".part")
    writer = write_pdf if fmt == "pdf" else write_zip
    try:
        with open(tmp, "wb") as fh:
            writer(contest, ids, fh, base_url=base_url, progress=lambda done, total: jobs.report(job_id, done, total))
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed job leaves no half-written file behind
        raise
    os.replace(tmp, path)
    return stored, download_name(contest, fmt, section_id=section_id, school_id=school_id)


def download_name(contest: Contest, fmt: str, *, section_id: int | None = None, school_id: int | None = None) -> str:
    parts = [contest.code, "获奖证书"]
    if section_id:
        section = db.session.get(Section, section_id)
        parts.append(section.name if section else str(section_id))
    if school_id:
        school = db.session.get(School, school_id)
        parts.append(school.name if school else str(school_id))
    return rules.file_name("_".join(parts[:1]), "_".join(parts[1:]), "")[:-4] + f".{fmt}"
