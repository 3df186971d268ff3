"""Running one job: claim it, call its task with a progress callback that commits, end it done or
failed. The task functions register here by kind (app/jobs/imports.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from flask_babel import force_locale

from app import i18n
from app.extensions import db
from app.messages import N_, Text
from app.services import ServiceError, audit
from app.services import jobs as job_service

logger = logging.getLogger(__name__)
UNEXPECTED = N_(
    "It stopped because of an unexpected error (it is logged for whoever runs this server). "
    "What was saved before it stopped is kept; retry to continue from there."
)

# kind -> function(session, job, *, progress, now) -> result dict (or None). The function may call
# progress(done, total) after each chunk of its work: the Job row is updated and committed there.
TaskFunction = Callable[..., dict | None]
TASKS: dict[str, TaskFunction] = {}


def task(kind: str):
    """Register the function that runs jobs of `kind` (e.g. "import.execute")."""

    def register(function: TaskFunction) -> TaskFunction:
        TASKS[kind] = function
        return function

    return register


def _utcnow() -> datetime:
    return datetime.now(UTC)


def run_job(app: Flask, job_id: int, *, clock: Callable[[], datetime] = _utcnow) -> None:
    """Run job `job_id` to its end in an app context and session of its own: claim it, call its
    task with a progress callback that commits, then mark it done; on any exception roll back, mark
    it failed with the message, log it. Never raises (the queue has nothing better to do with it)."""
    with app.app_context():
        session = db.session
        try:
            job = job_service.claim(session, job_id, now=clock())
            session.commit()
            if job is None:
                logger.info("job %s is not queued any more; nothing to do", job_id)
                return
            audit.set_actor(session, audit.Actor.of_job(job))  # what the job changes is the job's doing
            function = TASKS.get(job.kind)
            if function is None:
                raise ServiceError("No worker task runs jobs of kind '%(kind)s'.", kind=job.kind)

            def progress(done: int, total: int | None, message: str | None = None) -> None:
                job_service.report(session, job, done, total, message, now=clock())
                session.commit()

            from app.models import User

            user = session.get(User, job.user_id) if job.user_id else None
            with force_locale(i18n.language_of(user)):  # what the job words, it words for its user
                result = function(session, job, progress=progress, now=clock())
            job_service.finish(session, job, result, now=clock())
            session.commit()
        except Exception as error:
            session.rollback()
            if isinstance(error, ServiceError):
                logger.info("job %s refused: %s", job_id, error.message)
                message = error.text  # shown in the reader's language
            else:
                logger.exception("job %s failed", job_id)
                message = Text(UNEXPECTED)
            _mark_failed(session, job_id, message, clock())
        finally:
            audit.clear_actor(session)


def _mark_failed(session, job_id: int, message: Text, now: datetime) -> None:
    from app.models import Job

    try:
        job = session.get(Job, job_id, populate_existing=True)
        if job is not None and not job.finished:
            job_service.fail(session, job, message, now=now)
        session.commit()
    except Exception:
        session.rollback()
        logger.exception("job %s: could not record the failure", job_id)
