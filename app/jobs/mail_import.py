"""The mail history import as a job: the uploaded files (kept under MAIL_IMPORT_DIR until the job
is done) are read and logged by app/services/mail_log/importing.py, with the progress bar's
numbers after every hundred messages. A retried job reads the files again: what was logged the
first time counts as duplicates, nothing is logged twice."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app

from app.jobs.runner import task
from app.services import ServiceError


def upload_root() -> Path:
    return Path(current_app.config.get("MAIL_IMPORT_DIR") or Path(current_app.instance_path) / "mail_imports")


@task("mail.import")
def run(session, job, *, progress, now):
    from app.services.mail_log import importing

    if job.user_id is None:
        raise ServiceError("The member who uploaded this mail has left the workspace; nothing was logged.")
    folder = upload_root() / job.params["folder"]
    paths = [folder / name for name in job.params["files"]]
    if not all(path.is_file() for path in paths):
        raise ServiceError(
            "The uploaded files are gone (the job ran on another machine, or was cleaned up); upload them again."
        )
    total = importing.count(paths, job.params["format"])
    progress(0, total)
    outcome = importing.import_files(
        session,
        workspace_id=job.workspace_id,
        user_id=job.user_id,
        paths=paths,
        file_format=job.params["format"],
        now=now,
        progress=lambda o: progress(o.seen, total),
        keep_body=bool(job.params.get("keep_body")),
        addresses=job.params.get("addresses") or (),
    )
    shutil.rmtree(folder, ignore_errors=True)
    return outcome.as_dict()
