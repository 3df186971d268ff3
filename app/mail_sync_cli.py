"""`flask mail sync [--account ID]`: fetch the new messages of every connected mailbox (or one) and
log those with contacts; run it from cron, or let `flask worker` run it (MAIL_SYNC_EVERY_MINUTES).
Exits 1 when an account failed (its error is on its Settings → Mail page and in the digest)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import ngettext


@click.command("sync")
@click.option("--account", "account_id", type=int, default=None, help="Only this mail account (its id).")
@with_appcontext
def sync_command(account_id):
    """Sync connected mailboxes: log new emails with contacts as interactions."""
    from app.extensions import db
    from app.jobs.mail_sync import sync_all
    from app.services.mail_sync import KeyMissing

    try:
        run = sync_all(db.session, current_app.config, account_id=account_id, now=datetime.now(UTC))
    except KeyMissing as error:
        raise click.ClickException(str(error)) from None
    if account_id is not None and not run.results:
        raise click.ClickException(f"No mail account {account_id}.")
    for result in run.results:
        if result.ok:
            click.echo(f"account {result.account_id}: {result.seen} read, {result.logged} logged")
        else:
            click.echo(f"account {result.account_id}: failed ({result.error_kind}): {result.error}", err=True)
    with current_app.test_request_context("/"):  # Babel's ngettext wants a request: the default locale
        summary = ngettext(
            "%(num)s account synced, %(failed)s failed.",
            "%(num)s accounts synced, %(failed)s failed.",
            len(run.results),
            failed=len(run.failed),
        )
    click.echo(summary)
    if run.failed:
        raise SystemExit(1)
