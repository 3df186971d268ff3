"""`flask webhooks deliver`: one delivery pass now (the worker runs it every minute)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

webhooks_cli = AppGroup("webhooks", help="Signed webhooks: deliver what is due.")


@webhooks_cli.command("deliver")
@click.option("--limit", default=50, show_default=True, help="At most this many attempts.")
def deliver_command(limit):
    """Send the webhook deliveries that are due, then exit."""
    from app.jobs.webhooks import deliver

    if limit < 1:
        raise click.BadParameter("must be at least 1", param_hint="--limit")
    made = deliver(current_app._get_current_object(), limit=limit)
    click.echo(f"{made} delivery attempt(s) made.")
