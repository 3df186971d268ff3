"""The webhooks' time-based events in the worker: `scan_time_events` every minute (a huey periodic
task of the app's queue), and `flask webhooks scan` to run it once by hand or from cron."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import crontab

from app.jobs.periodic import every, in_own_transaction


def _utcnow() -> datetime:
    return datetime.now(UTC)


def scan(app: Flask, *, clock: Callable[[], datetime] = _utcnow):
    """One scan in an app context and transaction of its own (committed; rolled back on error)."""
    from app.services.webhooks.flags import scan_time_events

    return in_own_transaction(app, lambda session: scan_time_events(session, clock()))


def register(huey, app: Flask) -> None:
    """Every minute in the worker (its consumer runs the periodic tasks)."""
    every(huey, crontab(minute="*"), "orchard.webhooks_scan", lambda: scan(app), "webhook time-event scan failed")


@click.command("scan")
@with_appcontext
def scan_command():
    """Send the time-based webhook events now (reminder.due, flag.raised)."""
    result = scan(current_app._get_current_object())
    click.echo(f"{result.flags_raised} flag.raised, {result.reminders_due} reminder.due.")


def attach_scan(cli: click.Group) -> None:
    """Add `scan` to the app's `webhooks` command group (made here when no other part made it yet);
    called at the end of register_cli, after the group's own module registered it."""
    group = cli.commands.get("webhooks")
    if group is None:
        group = click.Group("webhooks", help="Webhooks: deliver the outbox, send the time-based events.")
        cli.add_command(group)
    group.add_command(scan_command)
