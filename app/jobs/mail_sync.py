"""Mailbox sync outside the request: the "mail.sync" job (Settings → Mail's "Sync now", with the
progress page), `sync_now` that `flask mail sync` and the worker's periodic run call, and that
periodic run itself: every MAIL_SYNC_EVERY_MINUTES (0: off, for sites that run the command from cron)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app
from huey import crontab

from app.extensions import db
from app.jobs.runner import task
from app.services import ServiceError
from app.services.mail_sync.crypto import KeyMissing

logger = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _settings(config) -> tuple[str, float]:
    from app.services.mail_sync import key_from_config

    return key_from_config(config), float(config.get("MAIL_SYNC_TIMEOUT_SECONDS", 20))


@task("mail.sync")
def sync_job(session, job, *, progress, now):
    """One account (the job's params), the user's own: what it read is reported as it goes."""
    from app.models import MailAccount
    from app.services.mail_sync import sync_account

    account = session.get(MailAccount, job.params.get("account_id"))
    if account is None or account.workspace_id != job.workspace_id or account.user_id != job.user_id:
        raise ServiceError("This mailbox was disconnected.")
    try:
        key, timeout = _settings(current_app.config)
    except KeyMissing:
        raise ServiceError("Mailbox sync is not set up on this server (MAIL_SECRETS_KEY is not set).") from None
    result = sync_account(
        session,
        account,
        key=key,
        now=now,
        timeout=timeout,
        commit=session.commit,
        progress=lambda seen: progress(seen, None),
    )
    return {"account_id": result.account_id, "seen": result.seen, "logged": result.logged, "error": result.error_kind}


def sync_all(session, config, *, account_id: int | None = None, now: datetime):
    """Sync every account (or one) with the app's key and timeout, committing as it goes; the SyncRun."""
    from app.services.mail_sync import sync_accounts

    key, timeout = _settings(config)
    return sync_accounts(session, key=key, now=now, timeout=timeout, commit=session.commit, account_id=account_id)


def sync_now(app: Flask, *, clock: Callable[[], datetime] = _utcnow):
    """The worker's run: every account, in an app context and session of its own."""
    with app.app_context():
        try:
            return sync_all(db.session, app.config, now=clock())
        finally:
            db.session.remove()


def register(huey, app: Flask) -> None:
    """The worker syncs every mailbox each MAIL_SYNC_EVERY_MINUTES (0: not at all)."""
    minutes = int(app.config.get("MAIL_SYNC_EVERY_MINUTES", 15) or 0)
    if minutes <= 0:
        return

    def mail_sync():
        try:
            run = sync_now(app)
        except Exception:  # logged; the next run tries again
            logger.exception("mailbox sync failed")
            return
        logger.info("mailbox sync: %s accounts, %s failed", len(run.results), len(run.failed))

    huey.periodic_task(crontab(minute=f"*/{minutes}" if minutes < 60 else "0"), name="orchard.mail_sync")(mail_sync)
