"""The import wizard's jobs: build the preview, run the import, undo it (app/services/importing).

Each is resumable: prepare rebuilds the preview from the stored file, execute skips the rows already
written, undo skips what is already undone; so a retried job continues rather than repeats."""

from __future__ import annotations

from app.jobs.runner import task
from app.models import User, Workspace


def _run_of(session, job):
    from app.services import importing

    workspace = session.get(Workspace, job.workspace_id)
    return importing.get_run(session, workspace, job.params["run_id"])


def _actor(session, job):
    return session.get(User, job.user_id) if job.user_id else None


@task("import.prepare")
def prepare(session, job, *, progress, now):
    from app.services import importing

    run = _run_of(session, job)
    importing.prepare(session, run, now=now, progress=progress)
    return {"run_id": run.id}


@task("import.execute")
def execute(session, job, *, progress, now):
    from app.services import importing

    run = _run_of(session, job)
    # a retry continues a run its first attempt left "running" (execute skips the rows it wrote)
    resume = job.attempts > 1
    importing.execute(session, run, actor=_actor(session, job), now=now, progress=progress, resume=resume)
    return {"run_id": run.id}


@task("import.undo")
def undo(session, job, *, progress, now):
    from app.services import importing

    run = _run_of(session, job)
    importing.undo(session, run, actor=_actor(session, job), now=now)
    return {"run_id": run.id}
