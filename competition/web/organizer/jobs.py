"""Progress and results of long jobs (certificate batches, material bundles, backups)."""

from __future__ import annotations

from flask import abort, jsonify, url_for

from ... import jobs
from ...domain.states import JobState
from ...models import Job
from ..downloads import send_download
from ..loaders import row_or_404
from .blueprint import bp

MIMETYPES = {
    ".zip": "application/zip",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/jobs/<int:job_id>.json")
def job_status(job_id: int):
    """Polled by static/jobs.js while a job runs."""
    job = row_or_404(Job, job_id)
    return jsonify(
        id=job.id,
        kind=job.kind,
        state=job.state,
        progress=job.progress,
        total=job.total,
        error=job.error if job.state == JobState.FAILED else None,
        download_url=url_for(".job_download", job_id=job.id) if job.state == JobState.DONE else None,
    )


@bp.route("/jobs/<int:job_id>/download")
def job_download(job_id: int):
    job = row_or_404(Job, job_id)
    path = jobs.result_file(job)
    if path is None:
        abort(404)
    return send_download(
        path, job.result_name or path.name, MIMETYPES.get(path.suffix, "application/octet-stream"), conditional=True
    )
