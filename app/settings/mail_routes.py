"""Settings → Mail: the user's own IMAP account in this workspace (a teammate's is never
reachable: 404). Connect (the server is tried before anything is saved; a failure is shown next to
the field it concerns, the password never echoed), choose the folders, sync now, disconnect."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.ids import parse_int
from app.jobs.routes import KIND_LABELS, RESULT_PAGES
from app.models import MailAccount
from app.services import jobs as job_service
from app.services import mail_sync
from app.settings import bp
from app.settings.mail_forms import MailAccountForm, MailFoldersForm
from app.settings.mail_messages import error_message
from app.web import now_utc as _now
from app.web import render, unit_of_work

log = logging.getLogger(__name__)
JOB_KIND = "mail.sync"
KIND_LABELS[JOB_KIND] = _l("Syncing your mailbox")
RESULT_PAGES[JOB_KIND] = lambda job: (url_for("settings.mail"), _("Settings → Mail"))


def _config():
    """(key, timeout); key None when this server has no MAIL_SECRETS_KEY (production)."""
    config = current_app.config
    try:
        key = mail_sync.key_from_config(config)
    except mail_sync.KeyMissing:
        key = None
    return key, float(config.get("MAIL_SYNC_TIMEOUT_SECONDS", 20))


def _own_account(account_id) -> MailAccount:
    """The user's own account in this workspace, else 404 (another user's or workspace's too)."""
    ident = parse_int(account_id)
    account = None
    if ident is not None:
        account = db.session.scalars(
            select(MailAccount).where(
                MailAccount.id == ident,
                MailAccount.workspace_id == g.workspace.id,
                MailAccount.user_id == current_user.id,
            )
        ).one_or_none()
    if account is None:
        abort(404)
    return account


def _folders_form(account: MailAccount | None, formdata=None) -> MailFoldersForm | None:
    if account is None:
        return None
    if formdata is None:
        form = MailFoldersForm(
            formdata=None,
            inbox_folder=account.inbox_folder,
            sent_folder=account.sent_folder or "",
            keep_body=account.keep_body,
        )
    else:
        form = MailFoldersForm()
    form.set_folders(mail_sync.folders_of(account))
    return form


def _page(account: MailAccount | None, *, form=None, folders_form=None, status=200):
    if form is None:
        form = MailAccountForm(formdata=None, connected=account is not None, obj=account)
    return render(
        "settings/mail.html",
        account=account,
        form=form,
        folders_form=folders_form or _folders_form(account),
        last_error=error_message(account.last_error_kind) if account and account.last_error_kind else None,
        configured=_config()[0] is not None,
        section="mail",
        status=status,
    )


@bp.route("/mail")
def mail():
    return _page(mail_sync.account_of(db.session, g.workspace.id, current_user.id))


@bp.route("/mail", methods=["POST"])
def connect_mail():
    account = mail_sync.account_of(db.session, g.workspace.id, current_user.id)
    form = MailAccountForm(connected=account is not None)
    if not form.validate_on_submit():
        return _page(account, form=form, status=422)
    key, timeout = _config()
    if key is None:
        form.form_errors.append(
            _("Mailbox sync is not set up on this server yet (its administrator sets MAIL_SECRETS_KEY).")
        )
        return _page(account, form=form, status=422)
    settings = mail_sync.AccountSettings(
        form.host.data.strip(), form.port.data, form.security.data, form.username.data.strip(), form.password.data or ""
    )
    failure = None
    with unit_of_work(form) as uow:
        try:
            account = mail_sync.connect_account(
                db.session,
                workspace_id=g.workspace.id,
                user_id=current_user.id,
                settings=settings,
                key=key,
                timeout=timeout,
                now=_now(),
            )
        except mail_sync.MailError as error:
            failure = error
            db.session.rollback()
    if failure is not None:
        log.info("mail account of user %s: connection refused (%s): %s", current_user.id, failure.kind, failure.detail)
        target = form._fields.get(failure.field or "", form.host)
        target.errors = [*target.errors, error_message("refused" if failure.refused else failure.kind, form.port.data)]
        return _page(mail_sync.account_of(db.session, g.workspace.id, current_user.id), form=form, status=422)
    if not uow.ok:
        return _page(mail_sync.account_of(db.session, g.workspace.id, current_user.id), form=form, status=422)
    flash(_("Connected. Check the folders to sync, then sync now or wait for the next run."), "success")
    return redirect(url_for("settings.mail"))


@bp.route("/mail/<int:account_id>/folders", methods=["POST"])
def mail_folders(account_id):
    account = _own_account(account_id)
    folders_form = _folders_form(account, formdata=True)
    if not folders_form.validate_on_submit():
        return _page(account, folders_form=folders_form, status=422)
    with unit_of_work(folders_form) as uow:
        mail_sync.choose_folders(
            db.session,
            account,
            inbox=folders_form.inbox_folder.data,
            sent=folders_form.sent_folder.data or None,
            keep_body=folders_form.keep_body.data,
            now=_now(),
        )
    if not uow.ok:
        return _page(account, folders_form=folders_form, status=422)
    flash(_("Saved."), "success")
    return redirect(url_for("settings.mail"))


@bp.route("/mail/<int:account_id>/sync", methods=["POST"])
def sync_mail(account_id):
    account = _own_account(account_id)
    if not account.inbox_folder:
        flash(_("Choose the inbox folder first."), "error")
        return redirect(url_for("settings.mail"))
    job = job_service.start_job(
        db.session, g.workspace, current_user, JOB_KIND, now=_now(), params={"account_id": account.id}
    )
    ident = job.id
    db.session.commit()
    from app.jobs import queue

    queue(current_app._get_current_object()).enqueue(ident)
    return redirect(url_for("jobs.show", job_id=ident))


@bp.route("/mail/<int:account_id>/disconnect", methods=["POST"])
def disconnect_mail(account_id):
    account = _own_account(account_id)
    with unit_of_work() as uow:
        mail_sync.disconnect(db.session, account)
    if uow.ok:
        flash(_("Mailbox disconnected: its password is deleted. What it logged stays in the timelines."), "success")
    return redirect(url_for("settings.mail"))
