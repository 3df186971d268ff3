"""Import wizard, the end: the result page (counts, the partners created, the failed rows as CSV,
"new import with the same settings") and undo (a confirm step; refused with the service's message)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, or_, select

from app.extensions import db
from app.imports import bp
from app.imports.common import (
    EDITABLE,
    STATUS_LABELS,
    continue_url,
    inline_limit,
    lock_run,
    queue_job,
    run_or_404,
    unfinished_job,
)
from app.imports.forms import ConfirmForm
from app.jobs.routes import RESULT_PAGES
from app.models import Partner
from app.models.importing import ImportRow
from app.services import ServiceError, importing
from app.services import jobs as job_service
from app.web import now_utc, render

UNDO_DAYS = importing.UNDO_DAYS
CREATED_SHOWN = 20


def _preview_page(job):
    return url_for("imports.preview", run_id=job.params["run_id"]), _("See the preview")


def _result_page(job):
    return url_for("imports.result", run_id=job.params["run_id"]), _("See the result")


# where the progress page of an import job leads once it is done
RESULT_PAGES.update({"import.prepare": _preview_page, "import.execute": _result_page, "import.undo": _result_page})


def _undo_refusal(run, now) -> str | None:
    """Why undo is not offered (None when it is)."""
    if run.status == "undone":
        return _("This import was undone.")
    if run.status != "done" or run.finished_at is None:
        return _("Only a finished import can be undone.")
    if now - run.finished_at > timedelta(days=UNDO_DAYS):
        return _("Imports can be undone for %(days)s days; this one ran longer ago.", days=UNDO_DAYS)
    return None


def _result_context(run) -> dict:
    now = now_utc()
    created = db.session.execute(
        select(Partner.id, Partner.name)
        .join(ImportRow, ImportRow.partner_id == Partner.id)
        .where(ImportRow.run_id == run.id, ImportRow.result == "created", Partner.workspace_id == run.workspace_id)
        .order_by(ImportRow.number)
        .limit(CREATED_SHOWN)
    ).all()
    flags = db.session.execute(
        select(
            exists().where(
                ImportRow.run_id == run.id,
                ImportRow.result.in_(("created", "updated")),
                or_(ImportRow.referrer_row.is_not(None), ImportRow.referrer_id.is_not(None)),
            ),
            exists().where(
                ImportRow.run_id == run.id,
                or_(ImportRow.result == "failed", ImportRow.problem_count > 0),
                or_(ImportRow.result.is_(None), ImportRow.result.in_(("failed", "skipped"))),
            ),
        )
    ).one()
    job = job_service.latest_jobs(db.session, g.workspace, "import.", [run.id]).get(run.id)
    return {
        "run": run,
        "created_partners": created,
        "more_created": max(0, run.created - len(created)),
        "has_referrals": bool(flags[0]),
        "has_failed_rows": bool(flags[1]) or run.failed > 0,
        "undo_refusal": _undo_refusal(run, now),
        "status_labels": STATUS_LABELS,
        "job": job,
    }


@bp.route("/<int:run_id>")
def result(run_id):
    run = run_or_404(run_id)
    if run.status in EDITABLE:
        return redirect(continue_url(run))
    return render("imports/result.html", **_result_context(run))


@bp.route("/<int:run_id>/failed-rows.csv")
def failed_rows(run_id):
    run = run_or_404(run_id)
    body = importing.failed_rows_csv(importing.failed_rows(db.session, run), run.headers)
    stem = (run.file_name.rsplit(".", 1)[0] or "import")[:80]
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_ascii(stem)}-failed-rows.csv"'
    return response


def _ascii(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_ .") else "_" for ch in text) or "import"


@bp.route("/<int:run_id>/undo", methods=["GET", "POST"])
def undo(run_id):
    run = run_or_404(run_id)
    form = ConfirmForm()
    refusal = _undo_refusal(run, now_utc())
    if refusal is None and form.validate_on_submit():
        lock_run(run)
        running = unfinished_job(run, "import.undo")
        if running is not None:
            return redirect(url_for("jobs.show", job_id=running.id))
        refusal = _undo_refusal(run, now_utc())  # as it is now that it is locked
    if refusal is None and form.is_submitted() and form.validate():
        if run.row_count > inline_limit():
            job_id = queue_job(run, "import.undo")
            return redirect(url_for("jobs.show", job_id=job_id))
        try:
            importing.undo(db.session, run, actor=current_user, now=now_utc())
            run_id = run.id
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            refusal = error.message
        else:
            flash(_("The import was undone: what it created is removed, what it updated is as it was."), "success")
            return redirect(url_for("imports.result", run_id=run_id))
    status = 422 if refusal and form.is_submitted() else 200
    return render("imports/undo.html", run=run, form=form, refusal=refusal, status=status)
