"""The Trash's purge in the worker: once a day (a huey periodic task of the app's queue) everything
deleted more than TRASH_DAYS ago is deleted for good; `flask trash purge` runs it once by hand or
from cron (`--now` to purge as of another moment)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from huey import crontab

from app.jobs.periodic import every, in_own_transaction

trash_cli = AppGroup("trash", help="The Trash: deleted contacts, interactions and reminders.")


def purge(app: Flask, now: datetime) -> int:
    """One purge in an app context and transaction of its own (committed; rolled back on error)."""
    from app.services.trash import purge_trash

    return in_own_transaction(app, lambda session: purge_trash(session, now=now))


def register(huey, app: Flask) -> None:
    """Every night at 03:17 UTC in the worker (its consumer runs the periodic tasks)."""
    every(
        huey,
        crontab(minute="17", hour="3"),
        "orchard.trash_purge",
        lambda: purge(app, datetime.now(UTC)),
        "trash purge failed",
    )


@trash_cli.command("purge")
@click.option("--now", "at", type=click.DateTime(), default=None, help="Purge as of this UTC time (default: now).")
def purge_command(at):
    """Delete for good what was deleted more than 30 days ago."""
    from app.services.trash import TRASH_DAYS

    now = at.replace(tzinfo=UTC) if at else datetime.now(UTC)
    count = purge(current_app._get_current_object(), now)
    click.echo(f"{count} item(s) older than {TRASH_DAYS} days deleted for good.")
