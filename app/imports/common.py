"""What the wizard's route modules share: the run of this workspace (404 otherwise), where a run
continues (its step, or its job while one runs), queueing a job after the commit."""

from __future__ import annotations

from flask import abort, current_app, g, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.ids import parse_int
from app.services import Gone, importing
from app.services import jobs as job_service
from app.web import now_utc

EDITABLE = ("uploaded", "previewed")  # before the import ran: mapping and preview can change
STATUS_LABELS = {
    "uploaded": _l("Mapping columns"),
    "previewed": _l("Ready to import"),
    "running": _l("Importing"),
    "done": _l("Imported"),
    "failed": _l("Stopped"),
    "undone": _l("Undone"),
}
RECOGNISED_LABELS = {
    "google": _l("Google Contacts export"),
    "outlook": _l("Outlook export"),
    "linkedin": _l("LinkedIn connections export"),
    "orchard": _l("Orchard export"),
}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel", "vcard": "vCard"}


def run_or_404(run_id):
    ident = parse_int(run_id)
    if ident is None:
        abort(404)
    try:
        return importing.get_run(db.session, g.workspace, ident)
    except Gone:
        abort(404)


def continue_url(run, job=None) -> str:
    """Where the imports list sends a run: its job while one is queued or running, else its step."""
    if job is not None and not job.finished:
        return url_for("jobs.show", job_id=job.id)
    if run.status == "uploaded":
        return url_for("imports.map_columns", run_id=run.id)
    if run.status == "previewed":
        return url_for("imports.preview", run_id=run.id)
    return url_for("imports.result", run_id=run.id)


def unfinished_job(run, kind: str):
    """The queued or running job of `kind` for `run`, if any. Call it with the run locked (lock_run):
    of two presses of one button, the second then finds the first one's job."""
    job = job_service.latest_jobs(db.session, g.workspace, "import.", [run.id]).get(run.id)
    return job if job is not None and job.kind == kind and not job.finished else None


def lock_run(run) -> None:
    """Lock the run and read it as committed now (a second request waits for the first to commit)."""
    from app.services.locking import lock

    try:
        lock(db.session, run)
    except Gone:
        abort(404)


def queue_job(run, kind: str) -> int:
    """Start a job of `kind` for `run`, commit, and hand it to the queue; returns its id. Nothing is
    read after the commit before the job is queued: in immediate mode (tests) the job runs here, in
    a session of its own, which on SQLite needs the write lock this request would otherwise hold."""
    job = job_service.start_job(
        db.session, g.workspace, current_user, kind, now=now_utc(), params={"run_id": run.id}, subject_id=run.id
    )
    ident = job.id
    db.session.commit()
    from app.jobs import queue

    queue(current_app._get_current_object()).enqueue(ident)
    return ident


def inline_limit() -> int:
    return current_app.config["IMPORT_INLINE_ROWS"]
