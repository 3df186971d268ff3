"""Jobs: a job runs to done with its progress recorded, a job that raises ends failed with its
message (keeping only the chunks it committed), a stale job is found with `now` passed in and can be
retried once, two workers never both run one job, and the queue backends are made from config."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import make_huey, queue
from app.jobs.runner import TASKS, UNEXPECTED, run_job
from app.models import Job, Partner
from app.services import ServiceError
from app.services import jobs as job_service
from tests.conftest import HX, NOW


def _job(workspace, user, kind="test.count", **params):
    job = job_service.start_job(db.session, workspace, user, kind, now=NOW, params=params)
    ident = job.id
    db.session.commit()  # and nothing read after it: the job runs in a session of its own (SQLite's lock)
    return ident


def _reload(job_id) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _clock(moment=NOW):
    return lambda: moment


def test_a_job_runs_to_done_with_its_progress(app, workspace, user, monkeypatch):
    seen = []

    def count(session, job, *, progress, now):
        for done in range(0, 301, 100):
            progress(done, 300)
            # committed at every step: another session (the page) sees it
            seen.append(session.execute(select(Job.done).where(Job.id == job.id)).scalar_one())
        return {"counted": 300}

    monkeypatch.setitem(TASKS, "test.count", count)
    job_id = _job(workspace, user)
    run_job(app, job_id, clock=_clock())
    job = _reload(job_id)
    assert (job.status, job.done, job.total, job.result, job.attempts) == ("done", 300, 300, {"counted": 300}, 1)
    assert job.started_at == NOW and job.finished_at == NOW and job.message is None
    assert seen == [0, 100, 200, 300]
    assert job.percent == 100


def test_percent_of_a_running_job(app, workspace, user):
    job = db.session.get(Job, _job(workspace, user))
    job_service.report(db.session, job, 50, 200, now=NOW)
    assert job.percent == 25
    job_service.report(db.session, job, 5, None, now=NOW)
    assert job.percent == 0


def test_a_job_that_raises_ends_failed_and_keeps_only_its_committed_chunks(app, workspace, user, monkeypatch):
    def half_then_crash(session, job, *, progress, now):
        session.add(Partner(workspace_id=job.workspace_id, name="Committed chunk"))
        progress(1, 2)
        session.add(Partner(workspace_id=job.workspace_id, name="Never committed"))
        session.flush()
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(TASKS, "test.count", half_then_crash)
    job_id = _job(workspace, user)
    run_job(app, job_id, clock=_clock())
    job = _reload(job_id)
    assert job.status == "failed" and job.message == UNEXPECTED and job.finished_at == NOW
    assert "disk on fire" not in str(job.message)  # internals are logged, not shown
    assert (job.done, job.total) == (1, 2)
    names = db.session.scalars(select(Partner.name).where(Partner.workspace_id == workspace.id)).all()
    assert names == ["Committed chunk"]


def test_a_refusal_is_the_jobs_message(app, workspace, user, monkeypatch):
    def refuse(session, job, *, progress, now):
        raise ServiceError("Rows 4 and 9 were edited since the import.")

    monkeypatch.setitem(TASKS, "test.count", refuse)
    job_id = _job(workspace, user)
    run_job(app, job_id, clock=_clock())
    job = _reload(job_id)
    assert (job.status, job.message) == ("failed", "Rows 4 and 9 were edited since the import.")


def test_an_unknown_kind_fails_instead_of_hanging(app, workspace, user):
    job_id = _job(workspace, user, kind="test.nobody-runs-this")
    run_job(app, job_id, clock=_clock())
    job = _reload(job_id)
    assert job.status == "failed" and "test.nobody-runs-this" in str(job.message)


def test_a_job_is_run_once_even_when_handed_out_twice(app, workspace, user, monkeypatch):
    calls = []
    monkeypatch.setitem(TASKS, "test.count", lambda session, job, **kw: calls.append(job.id))
    job_id = _job(workspace, user)
    run_job(app, job_id, clock=_clock())
    run_job(app, job_id, clock=_clock())  # the queue delivered it again
    assert calls == [job_id]
    assert _reload(job_id).attempts == 1


def test_claim_only_takes_a_queued_job(app, workspace, user):
    job_id = _job(workspace, user)
    assert job_service.claim(db.session, job_id, now=NOW).status == "running"
    assert job_service.claim(db.session, job_id, now=NOW) is None
    assert job_service.claim(db.session, 987654, now=NOW) is None


def test_stale_detection_uses_the_now_passed_in(app, workspace, user):
    job = db.session.get(Job, _job(workspace, user))
    assert not job_service.is_stale(job, NOW + timedelta(minutes=9, seconds=59))
    assert job_service.is_stale(job, NOW + timedelta(minutes=10))
    job_service.claim(db.session, job.id, now=NOW)
    job_service.report(db.session, job, 10, 100, now=NOW + timedelta(minutes=8))
    assert not job_service.is_stale(job, NOW + timedelta(minutes=17))
    assert job_service.is_stale(job, NOW + timedelta(minutes=18))
    job_service.finish(db.session, job, now=NOW + timedelta(minutes=9))
    assert not job_service.is_stale(job, NOW + timedelta(days=3))


def test_a_stale_job_is_retried_once(app, workspace, user):
    job = db.session.get(Job, _job(workspace, user))
    job_service.claim(db.session, job.id, now=NOW)
    db.session.commit()
    later = NOW + timedelta(minutes=30)
    with pytest.raises(ServiceError, match="still running"):
        job_service.retry(db.session, job, now=NOW + timedelta(minutes=1))
    seen = db.session.get(Job, job.id)
    seen_touched = seen.touched_at
    job_service.retry(db.session, seen, now=later)
    assert (seen.status, seen.touched_at, seen.finished_at) == ("queued", later, None)
    # a second press made from the page as it was before: refused, not queued twice
    stale_copy = Job(id=job.id, status="running", touched_at=seen_touched, done=0)
    with pytest.raises(ServiceError, match="meanwhile"):
        job_service.retry(db.session, stale_copy, now=later)


def test_a_failed_job_can_be_retried_and_runs_again(app, workspace, user, monkeypatch):
    attempts = []

    def flaky(session, job, *, progress, now):
        attempts.append(job.attempts)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")
        return {"ok": True}

    monkeypatch.setitem(TASKS, "test.count", flaky)
    job_id = _job(workspace, user)
    run_job(app, job_id, clock=_clock())
    job = _reload(job_id)
    assert job_service.can_retry(job, NOW)
    job_service.retry(db.session, job, now=NOW)
    db.session.commit()
    run_job(app, job_id, clock=_clock())
    job = _reload(job_id)
    assert (job.status, job.result, attempts) == ("done", {"ok": True}, [1, 2])


def test_latest_jobs_in_one_query(app, workspace, user, count_queries):
    first = job_service.start_job(db.session, workspace, user, "import.prepare", now=NOW, subject_id=7)
    second = job_service.start_job(db.session, workspace, user, "import.execute", now=NOW, subject_id=7)
    job_service.start_job(db.session, workspace, user, "backup.export", now=NOW, subject_id=8)
    db.session.commit()
    assert workspace.id  # loaded again after the commit, before counting
    with count_queries() as counter:
        found = job_service.latest_jobs(db.session, workspace, "import.", [7, 8, 9])
    assert counter.count == 1
    assert {k: v.id for k, v in found.items()} == {7: second.id}
    assert first.id != second.id
    assert job_service.latest_jobs(db.session, workspace, "import.", []) == {}


def test_get_job_is_workspace_scoped(app, workspace, user, other):
    from app.services import Gone

    job_id = _job(workspace, user)
    assert job_service.get_job(db.session, workspace, job_id).id == job_id
    with pytest.raises(Gone):
        job_service.get_job(db.session, other["workspace"], job_id)


# --- the queue ------------------------------------------------------------------------------------


def test_testing_runs_jobs_where_they_are_queued(app, workspace, user, monkeypatch):
    monkeypatch.setitem(TASKS, "test.count", lambda session, job, **kw: {"ran": True})
    job_id = _job(workspace, user)
    queue(app).enqueue(job_id)
    assert _reload(job_id).status == "done"


def test_backends_from_config(tmp_path):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    sqlite = make_huey({"JOBS_BACKEND": "sqlite", "JOBS_SQLITE_FILE": str(tmp_path / "q.db")}, str(tmp_path))
    assert isinstance(sqlite, SqliteHuey) and sqlite.storage.filename == str(tmp_path / "q.db")
    default = make_huey({}, str(tmp_path))
    assert isinstance(default, SqliteHuey) and default.storage.filename == str(tmp_path / "jobs.sqlite3")
    assert isinstance(make_huey({"JOBS_BACKEND": "redis", "REDIS_URL": "redis://127.0.0.1:6399/0"}, "."), RedisHuey)
    immediate = make_huey({"JOBS_BACKEND": "immediate"}, ".")
    assert isinstance(immediate, MemoryHuey) and immediate.immediate
    with pytest.raises(RuntimeError, match="JOBS_BACKEND"):
        make_huey({"JOBS_BACKEND": "carrier-pigeon"}, ".")


def test_a_queued_job_waits_in_the_sqlite_queue_until_a_worker_runs_it(tmp_path, app, workspace, user, monkeypatch):
    from app.jobs import Jobs

    monkeypatch.setitem(TASKS, "test.count", lambda session, job, **kw: {"ran": True})
    app.config.update(JOBS_BACKEND="sqlite", JOBS_SQLITE_FILE=str(tmp_path / "queue.db"))
    jobs = Jobs(app)
    job_id = _job(workspace, user)
    jobs.enqueue(job_id)
    assert _reload(job_id).status == "queued" and jobs.huey.pending_count() == 1
    db.session.rollback()  # the test's read ends (SQLite: one writer at a time)
    task = jobs.huey.dequeue()  # what the worker does
    jobs.huey.execute(task)
    assert _reload(job_id).status == "done" and jobs.huey.pending_count() == 0


def test_worker_refuses_immediate_mode(app, runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "immediate" in result.output


# --- the progress page ------------------------------------------------------------------------------


def test_progress_fragment_polls_until_done_then_redirects(app, frozen_clock, logged_in, workspace, user):
    job = db.session.get(Job, _job(workspace, user, kind="import.execute", run_id=1))
    job_service.claim(db.session, job.id, now=NOW)
    job_service.report(db.session, job, 40, 160, now=NOW)
    db.session.commit()
    page = logged_in.get(f"/jobs/{job.id}")
    assert page.status_code == 200 and b"<progress" in page.data and b'value="40" max="160"' in page.data
    assert b'hx-trigger="every 1s"' in page.data and b"25%" in page.data
    fragment = logged_in.get(f"/jobs/{job.id}", headers=HX)
    assert fragment.data.lstrip().startswith(b"<section") and "HX-Redirect" not in fragment.headers
    job_service.finish(db.session, db.session.get(Job, job.id), {"run_id": 1}, now=NOW)
    db.session.commit()
    done = logged_in.get(f"/jobs/{job.id}", headers=HX)
    assert done.status_code == 200 and done.headers["HX-Redirect"].endswith("/imports/1")
    assert b"every 1s" not in done.data


def test_stale_and_failed_jobs_offer_a_retry(app, frozen_clock, logged_in, workspace, user, monkeypatch):
    calls = []
    monkeypatch.setitem(TASKS, "test.count", lambda session, job, **kw: calls.append(job.id))
    job = db.session.get(Job, _job(workspace, user))
    assert b"Retry" not in logged_in.get(f"/jobs/{job.id}").data
    frozen_clock.shift(timedelta(minutes=11))
    page = logged_in.get(f"/jobs/{job.id}").data.decode()
    assert "No progress for 10 minutes" in page and "Retry" in page
    response = logged_in.post(f"/jobs/{job.id}/retry")
    assert response.status_code == 302 and calls == [job.id]  # queued again and run (immediate mode)
    assert _reload(job.id).status == "done"
    again = logged_in.post(f"/jobs/{job.id}/retry", follow_redirects=True)
    assert b"still running" in again.data or b"can be retried only" in again.data
    assert calls == [job.id]
