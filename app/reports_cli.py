"""`flask reports close-week`: close the health-over-time weeks that are over (the job does it
every hour; by hand or from cron after the worker was down)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from app.extensions import db

reports_cli = AppGroup("reports", help="Reports: the weekly health snapshots.")


@reports_cli.command("close-week")
@click.option("--now", "now_text", default=None, help="The moment to close up to (ISO 8601, UTC); default now.")
@click.option("--workspace", "workspace_id", type=int, default=None, help="Only this workspace.")
@click.option(
    "--history",
    type=click.IntRange(0, 52),
    default=52,
    show_default=True,
    help="Weeks a workspace's first close reconstructs from its touch history.",
)
def close_week_command(now_text: str | None, workspace_id: int | None, history: int):
    """Freeze the weeks that are over, catch up missed ones, open the current week."""
    from app.services.reports.health import close_weeks

    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
    except ValueError as error:
        raise click.BadParameter("give a date and time such as 2026-12-07T00:00", param_hint="--now") from error
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    closed = close_weeks(db.session, now.astimezone(UTC), workspace_id, history=history)
    db.session.commit()
    click.echo(f"{closed} week(s) closed.")
