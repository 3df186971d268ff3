"""The page of one job: a progress bar that polls itself every second (htmx) until the job ends,
then sends the browser on to the job's result page; a stale or failed job offers a retry."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db, htmx
from app.models import Job
from app.services import jobs as job_service
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc, render, unit_of_work, wants_fragment

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

KIND_LABELS = {
    "import.prepare": _l("Reading the file for the preview"),
    "import.execute": _l("Importing"),
    "import.undo": _l("Undoing the import"),
}
# kind -> function(job) -> (URL of the page the finished job leads to, that page's name); the
# feature that queues a kind adds it (app/imports/result_routes.py for "import.*")
RESULT_PAGES: dict[str, Callable[[Job], tuple[str, str]]] = {}


def _context(job: Job) -> dict:
    now = now_utc()
    page = RESULT_PAGES.get(job.kind)
    next_url, next_label = page(job) if page else (None, None)
    return {
        "job": job,
        "label": KIND_LABELS.get(job.kind, _("Working")),
        "stale": job_service.is_stale(job, now),
        "can_retry": job_service.can_retry(job, now),
        "next_url": next_url,
        "next_label": next_label,
        "stale_minutes": int(job_service.STALE_AFTER.total_seconds() // 60),
    }


@bp.route("/<int:job_id>")
def show(job_id):
    job = get_or_404_in_workspace(Job, job_id)
    context = _context(job)
    response = render("jobs/show.html", "jobs/_progress.html", **context)
    if wants_fragment() and job.status == "done" and context["next_url"]:
        response.headers["HX-Redirect"] = context["next_url"]
    return response


@bp.route("/<int:job_id>/retry", methods=["POST"])
def retry(job_id):
    job = get_or_404_in_workspace(Job, job_id)
    ident = job.id
    with unit_of_work() as uow:
        job_service.retry(db.session, job, now=now_utc())
    if uow.ok:
        from app.jobs import queue

        queue(current_app._get_current_object()).enqueue(ident)
        flash(_("Started again: it continues from where it stopped."), "success")
    else:
        flash(uow.error.message, "error")
    target = url_for("jobs.show", job_id=ident)
    if htmx and not htmx.boosted:
        response = redirect(target)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
