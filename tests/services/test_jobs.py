"""The in-process job runner records progress, results and failures in the job table."""
from competition import jobs
from competition.models import Job


def sample_job(job_id, n):
    for i in range(n):
        jobs.report(job_id, i + 1, n)
    return ("out/file.txt", "文件.txt")


def failing_job(job_id):
    raise ValueError("坏数据")


def test_job_runs_and_reports(db):
    job = jobs.enqueue("test", "tests.services.test_jobs.sample_job", params={"n": 3})
    db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.progress, job.total, job.result_name) == ("done", 3, 3, "文件.txt")


def test_failed_job_keeps_the_error(db):
    job = jobs.enqueue("test", "tests.services.test_jobs.failing_job", params={})
    db.session.commit()
    jobs.start(job)
    jobs.wait_all()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "failed" and "坏数据" in job.error
