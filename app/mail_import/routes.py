"""Import email history: the upload (one .mbox or several .eml files, checked before anything is
queued), the job that logs them (the progress bar of app/jobs), the result page with the "new
contact?" suggestions; and "not a touch" for a thread on the partner timeline."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.jobs.mail_import import upload_root
from app.jobs.routes import KIND_LABELS, RESULT_PAGES
from app.mail_import import bp
from app.mail_import.forms import ACCEPT, ConfirmForm, UploadForm
from app.models import Interaction, Job
from app.services import ServiceError
from app.services import jobs as job_service
from app.services.mail_log import importing, threads
from app.services.mail_log import suggestions as suggestion_service
from app.services.mail_log.mbox import SNIFF_BYTES, NotMail, check_eml, check_mbox
from app.tenancy import get_or_404_in_workspace
from app.web import blueprint_nav_section, now_utc, render, safe_next_url, unit_of_work

blueprint_nav_section(bp, "activity")  # the emails it logs are activity (the ignore list: settings)
JOB_KIND = "mail.import"
DEFAULT_LIMIT = 512 * 1024 * 1024
CHUNK = 1024 * 1024
RECENT = 10
REFUSALS = {
    "empty": _l("“%(name)s” is empty."),
    "binary": _l("“%(name)s” is not mail (it holds binary data). Upload an .mbox export or .eml files."),
    "not_mbox": _l(
        "“%(name)s” is not an mbox file (an mbox starts with a “From ” line). Export the mailbox as mbox, "
        "or upload its messages as .eml files."
    ),
    "not_eml": _l("“%(name)s” is not an email message (.eml)."),
}
KIND_LABELS[JOB_KIND] = _l("Importing email history")


def _result_page(job):
    return url_for("mail_import.result", mail_job_id=job.id), _("See what was logged")


RESULT_PAGES[JOB_KIND] = _result_page


def limit_bytes() -> int:
    return int(current_app.config.get("MAIL_IMPORT_MAX_FILE_BYTES") or DEFAULT_LIMIT)


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def limit_text() -> str:
    limit = limit_bytes()
    if limit >= 1024 * 1024:
        return _("%(num)s MB", num=limit // (1024 * 1024))
    return _("%(num)s KB", num=max(1, limit // 1024))


def _too_big() -> str:
    return _(
        "The upload is larger than %(size)s. Split the mailbox (e.g. one mbox per year) and import the parts.",
        size=limit_text(),
    )


def _save(uploads, folder: Path, file_format: str) -> tuple[list[str], list[str]]:
    """Copy the uploads into `folder` in chunks (never whole in memory), checking each one's first
    bytes and the total size; (the stored names, the uploaded names); Refused with the message for
    the field."""
    folder.mkdir(parents=True, exist_ok=False)
    names, uploaded, total = [], [], 0
    for index, upload in enumerate(uploads):
        name = os.path.basename(upload.filename or "upload")[:120]
        head = upload.stream.read(SNIFF_BYTES)
        try:
            (check_eml if file_format == "eml" else check_mbox)(head)
        except NotMail as refusal:
            raise Refused(str(REFUSALS[refusal.reason] % {"name": name})) from None
        target = f"{index:05d}.{file_format}"
        with (folder / target).open("wb") as out:
            chunk = head
            while chunk:
                total += len(chunk)
                if total > limit_bytes():
                    raise Refused(_too_big())
                out.write(chunk)
                chunk = upload.stream.read(CHUNK)
        names.append(target)
        uploaded.append(name)
    return names, uploaded


def _format_of(uploads) -> tuple[str | None, str | None]:
    """("mbox" | "eml", None) or (None, the refusal)."""
    if not uploads:
        return None, _("Choose an .mbox file, or one or more .eml files.")
    emls = [os.path.basename(u.filename or "").lower().endswith(".eml") for u in uploads]
    if any(emls) and not all(emls):
        return None, _("Upload either one .mbox file or .eml files, not both at once.")
    if not any(emls) and len(uploads) > 1:
        return None, _("Upload one .mbox file at a time (or several .eml files).")
    return ("eml" if all(emls) else "mbox"), None


def _upload_page(form, status=200):
    recent = db.session.scalars(
        select(Job)
        .where(Job.workspace_id == g.workspace.id, Job.kind == JOB_KIND)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(RECENT)
    ).all()
    return render(
        "mail_import/upload.html",
        form=form,
        accept=ACCEPT,
        limit=limit_text(),
        recent=recent,
        recent_limit=RECENT,
        status=status,
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A body over the server's limit never reaches the view: the page again, the limit said."""
    form = UploadForm(formdata=None)
    form.files.errors = [_too_big()]
    return _upload_page(form, status=413)


@bp.route("/import", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _upload_page(form, status=422 if form.errors else 200)
    try:
        addresses = importing.parse_addresses(form.addresses.data)
    except ServiceError as refusal:
        form.addresses.errors = [refusal.message]
        return _upload_page(form, status=422)
    uploads = [u for u in (form.files.data or []) if getattr(u, "filename", None)]
    file_format, error = _format_of(uploads)
    if error is None:
        folder_name = secrets.token_hex(16)
        folder = upload_root() / folder_name
        try:
            names, uploaded = _save(uploads, folder, file_format)
        except Refused as refusal:
            shutil.rmtree(folder, ignore_errors=True)
            error = refusal.message
        finally:
            for item in uploads:  # a big upload is a temporary file: closed now, not at collection
                item.close()
    if error is not None:
        form.files.errors = [error]
        return _upload_page(form, status=422)
    job = job_service.start_job(
        db.session,
        g.workspace,
        current_user,
        JOB_KIND,
        now=now_utc(),
        params={
            "folder": folder_name,
            "files": names,
            "names": uploaded,
            "format": file_format,
            "keep_body": bool(form.keep_body.data),
            "addresses": addresses,
        },
    )
    ident = job.id
    db.session.commit()
    from app.jobs import queue

    queue(current_app._get_current_object()).enqueue(ident)
    return redirect(url_for("jobs.show", job_id=ident))


def _job_or_404(job_id) -> Job:
    job = get_or_404_in_workspace(Job, job_id)
    if job.kind != JOB_KIND:
        abort(404)
    return job


@bp.route("/import/<int:mail_job_id>")
def result(mail_job_id):
    job = _job_or_404(mail_job_id)
    if not job.finished:
        return redirect(url_for("jobs.show", job_id=job.id))
    return render(
        "mail_import/result.html",
        job=job,
        outcome=job.result or {},
        suggestions=suggestion_service.open_suggestions(db.session, g.workspace.id),
        form=ConfirmForm(),
    )


def _back(default: str):
    return redirect(safe_next_url(request.form.get("next")) or default)


@bp.route("/suggestions/<int:suggestion_id>/add", methods=["POST"])
def add_suggestion(suggestion_id):
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work() as uow:
            contact = suggestion_service.add_as_contact(db.session, g.workspace.id, suggestion_id, now=now_utc())
            name, email = contact.name, contact.email
        if uow.ok:
            flash(_("%(name)s (%(email)s) is now a contact.", name=name, email=email), "success")
        else:
            flash(uow.error.message, "error")
    return _back(url_for("mail_import.upload"))


@bp.route("/suggestions/<int:suggestion_id>/dismiss", methods=["POST"])
def dismiss_suggestion(suggestion_id):
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work() as uow:
            suggestion = suggestion_service.dismiss(db.session, g.workspace.id, suggestion_id)
            email = suggestion.email
        if uow.ok:
            flash(_("Dismissed: %(email)s is not offered again.", email=email), "success")
        else:
            flash(uow.error.message, "error")
    return _back(url_for("mail_import.upload"))


@bp.route("/interactions/<int:interaction_id>/not-a-touch", methods=["POST"])
def not_a_touch(interaction_id):
    interaction = get_or_404_in_workspace(Interaction, interaction_id)
    partner_id = interaction.partner_id
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():
            removed = threads.mark_not_a_touch(
                db.session, g.workspace.id, interaction.id, actor_id=current_user.id, now=now_utc()
            )
        flash(
            ngettext(
                "This thread is not a touch: %(num)s email removed; later messages of it are skipped.",
                "This thread is not a touch: %(num)s emails removed; later messages of it are skipped.",
                removed,
            ),
            "success",
        )
    return _back(url_for("interactions.timeline", partner_id=partner_id))
