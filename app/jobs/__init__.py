"""Long work outside the request: a task queue (huey) that runs Job rows.

Why huey: it is small, well kept and has no service of its own to run. Its default storage is a
SQLite file under instance/, so a fresh clone runs jobs with nothing to install; RedisHuey takes the
same tasks when the web processes and workers sit on several machines; and its immediate mode runs a
task synchronously where it is enqueued, which is how the tests run (TestingConfig). See docs/JOBS.md.

Huey only carries "run job N". The Job row (app/models/job.py, app/services/jobs.py) is the source
of truth: the worker claims it, records progress after every chunk (committed, so any web process
can show it), and ends it done or failed. A job that raises is rolled back to its last committed
chunk, marked failed with a message and logged; it is never left "running". The work a job calls is
resumable (an import skips the rows already written), so a failed or stale job is retried safely.

    JOBS_BACKEND   "sqlite" (default: JOBS_SQLITE_FILE, instance/jobs.sqlite3) | "redis" (REDIS_URL)
                   | "immediate" (run in the caller, for tests)
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from app.jobs.runner import run_job

BACKENDS = ("sqlite", "redis", "immediate")
EXTENSION = "orchard_jobs"


def make_huey(config, instance_path: str) -> Huey:
    backend = config.get("JOBS_BACKEND", "sqlite")
    if backend == "immediate":
        return MemoryHuey("orchard", immediate=True, results=False)
    if backend == "redis":
        return RedisHuey("orchard", url=config["REDIS_URL"], results=False)
    if backend == "sqlite":
        filename = config.get("JOBS_SQLITE_FILE") or str(Path(instance_path) / "jobs.sqlite3")
        return SqliteHuey("orchard", filename=filename, results=False)
    raise RuntimeError(f"JOBS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


class Jobs:
    """The app's queue: `enqueue(job_id)` after the Job row is committed; the worker runs it."""

    def __init__(self, app: Flask):
        self.app = app
        self.backend = app.config.get("JOBS_BACKEND", "sqlite")
        self.huey = make_huey(app.config, app.instance_path)
        self._run = self.huey.task(name="orchard.run_job")(self._run_job)

    def _run_job(self, job_id: int) -> None:
        run_job(self.app, job_id)

    def enqueue(self, job_id: int) -> None:
        """Hand a committed job to the queue. Immediate mode runs it here, in a context of its own,
        so the caller must have committed and must not hold a transaction open."""
        self._run(int(job_id))


def init_jobs(app: Flask) -> None:
    from app.jobs import (
        imports,  # noqa: F401  (registers the import tasks)
        mail_import,  # noqa: F401  (the mail history import)
        mail_sync,
        report_weeks,
        trash_purge,
        webhook_scan,
        webhooks,
    )

    app.extensions[EXTENSION] = jobs = Jobs(app)
    webhooks.register(jobs)
    webhook_scan.register(jobs.huey, app)
    mail_sync.register(jobs.huey, app)
    trash_purge.register(jobs.huey, app)
    report_weeks.register(jobs.huey, app)


def queue(app: Flask) -> Jobs:
    return app.extensions[EXTENSION]
