"""The in-process job runner records progress, results and failures in the job table."""

import ast
from pathlib import Path

import pytest

from competition import jobs
from competition.extensions import db as _db
from competition.jobs import table as job_table
from competition.models import Job

ROOT = Path(__file__).resolve().parent.parent.parent


def sample_job(job_id, n):
    for i in range(n):
        jobs.report(job_id, i + 1, n)
    return ("out/file.txt", "文件.txt")


def failing_job(job_id):
    raise ValueError("坏数据")


@pytest.fixture
def test_jobs(monkeypatch):
    monkeypatch.setitem(job_table.JOBS, "test.sample", sample_job)
    monkeypatch.setitem(job_table.JOBS, "test.failing", failing_job)


def run_to_end(job):
    _db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    _db.session.expire_all()
    return _db.session.get(Job, job.id)


def test_job_runs_and_reports(db, test_jobs):
    job = run_to_end(jobs.enqueue("test", "test.sample", params={"n": 3}))
    assert job.params["_func"] == "test.sample"
    assert (job.state, job.progress, job.total, job.result_name) == ("done", 3, 3, "文件.txt")


def test_failed_job_keeps_the_error(db, test_jobs):
    job = run_to_end(jobs.enqueue("test", "test.failing", params={}))
    assert job.state == "failed" and "坏数据" in job.error


def test_every_name_in_the_table_is_a_job_function():
    assert job_table.JOBS
    for name, func in job_table.JOBS.items():
        assert callable(func)
        assert job_table.lookup(name) is func


def test_the_code_enqueues_only_names_in_the_table():
    """Every jobs.enqueue(kind, NAME, ...) in the package names a job of the table."""
    names = []
    for path in (ROOT / "competition").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "enqueue"
                and getattr(node.func.value, "id", None) == "jobs"
            ):
                assert isinstance(node.args[1], ast.Constant), f"{path}: the job name must be a literal"
                names.append(node.args[1].value)
    assert sorted(names) == ["certificates.batch", "exports.bundle"]
    assert set(names) <= set(job_table.JOBS)


def test_enqueue_refuses_a_name_not_in_the_table(db):
    with pytest.raises(ValueError, match="tests.services.test_jobs.sample_job"):
        jobs.enqueue("test", "tests.services.test_jobs.sample_job", params={"n": 1})


def test_a_row_queued_with_a_dotted_path_still_runs(db, tmp_path, app, monkeypatch):
    """Rows written before the table stored the function's dotted path."""
    monkeypatch.setitem(app.config, "EXPORT_FOLDER", str(tmp_path))
    job = Job(kind="backup", params={"_func": "competition.services.backup.backup_job"})
    db.session.add(job)
    job = run_to_end(job)
    assert job.state == "done", job.error
    assert jobs.result_file(job).name.endswith(".tar.gz")


def test_an_unknown_name_fails_the_job_clearly(db):
    """A dotted path outside the table is not imported, even if it exists."""
    job = Job(kind="test", params={"_func": "tests.services.test_jobs.sample_job", "n": 1})
    db.session.add(job)
    job = run_to_end(job)
    assert job.state == "failed"
    assert job.error == "未知的任务“tests.services.test_jobs.sample_job”：当前版本无法运行。"
