"""Jobs: long work (an import's preview or run, a backup) done outside the request by a worker.

The Job row is the source of truth: the queue only carries "run job N", the worker records progress
here after every chunk, and any web process shows it from the row. Every step that changes a job's
status is a conditional UPDATE whose row count is checked, so two workers handed the same job (a
retry of a job whose worker was only slow) never both run it, and a retry pressed twice counts once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.messages import Text
from app.models.job import JOB_FINISHED, Job
from app.services import Gone, ServiceError

# A queued or running job that shows no sign of life for this long has lost its worker.
STALE_AFTER = timedelta(minutes=10)
MESSAGE_LIMIT = 2000


def start_job(session: Session, workspace, user, kind: str, *, now: datetime, params=None, subject_id=None) -> Job:
    """A new queued job; the caller commits, then hands job.id to the queue."""
    job = Job(
        workspace_id=workspace.id,
        user_id=user.id if user is not None else None,
        kind=kind,
        status="queued",
        params=dict(params or {}),
        subject_id=subject_id,
        done=0,
        created_at=now,
        touched_at=now,
    )
    session.add(job)
    session.flush()
    return job


def claim(session: Session, job_id: int, *, now: datetime) -> Job | None:
    """Mark a queued job running for this worker; None when it is not queued any more (another
    worker took it, it finished, or it was deleted)."""
    taken = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=now, touched_at=now, attempts=Job.attempts + 1, message=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return None
    return session.scalars(select(Job).where(Job.id == job_id).execution_options(populate_existing=True)).one()


def report(
    session: Session, job: Job, done: int, total: int | None, message: str | Text | None = None, *, now: datetime
) -> None:
    """Progress: `done` of `total` (None while unknown); the caller commits so the page sees it."""
    job.done = max(0, int(done))
    job.total = None if total is None else max(0, int(total))
    if message is not None:
        job.message = _limited(message)
    job.touched_at = now
    session.flush()


def finish(session: Session, job: Job, result=None, *, now: datetime) -> None:
    job.status = "done"
    if job.total is not None:
        job.done = job.total
    job.result = result
    job.message = None
    job.finished_at = now
    job.touched_at = now
    session.flush()


def _limited(message: str | Text) -> str | Text:
    """A message for the job's page: a Text as it is (shown in the reader's language), words cut."""
    return message if isinstance(message, Text) else (message or "")[:MESSAGE_LIMIT]


def fail(session: Session, job: Job, message: str | Text, *, now: datetime) -> None:
    job.status = "failed"
    job.message = _limited(message)
    job.finished_at = now
    job.touched_at = now
    session.flush()


def get_job(session: Session, workspace, job_id) -> Job:
    """The workspace's job; Gone (404 for a route) for an unknown id or another workspace's."""
    job = session.scalar(select(Job).where(Job.id == job_id, Job.workspace_id == workspace.id))
    if job is None:
        raise Gone()
    return job


def is_stale(job: Job, now: datetime) -> bool:
    """Queued or running with no sign of life for STALE_AFTER: its worker died or none is running."""
    return job.status not in JOB_FINISHED and job.touched_at is not None and now - job.touched_at >= STALE_AFTER


def can_retry(job: Job, now: datetime) -> bool:
    return job.status == "failed" or is_stale(job, now)


def retry(session: Session, job: Job, *, now: datetime) -> None:
    """Queue a failed or stale job again (the work it calls is resumable: what was done is skipped).
    Conditional on the job being as the user saw it, so a retry pressed twice, or a job that came
    back to life meanwhile, gets a clear message instead of a second run."""
    if not can_retry(job, now):
        raise ServiceError("This job is still running; it can be retried only when it failed or stopped moving.")
    moved = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == job.status, Job.touched_at == job.touched_at)
        .values(status="queued", touched_at=now, finished_at=None, message=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise ServiceError("This job was retried or moved on meanwhile; the page now shows where it is.")
    session.refresh(job)


def latest_jobs(session: Session, workspace, kind_prefix: str, subject_ids) -> dict[int, Job]:
    """The newest job of each subject (e.g. import run) among `subject_ids`, in one query."""
    ids = list(subject_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Job)
        .where(Job.workspace_id == workspace.id, Job.subject_id.in_(ids), Job.kind.startswith(kind_prefix))
        .order_by(Job.id)
    ).all()
    return {job.subject_id: job for job in rows}
