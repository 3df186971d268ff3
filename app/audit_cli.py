"""`flask audit prune [--days N]`: delete audit events older than the retention period
(AUDIT_RETENTION_DAYS; 0, the default, keeps them forever)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services import audit

audit_cli = AppGroup("audit", help="The audit log: retention.")


@audit_cli.command("prune")
@click.option(
    "--days", type=click.IntRange(min=0), default=None, help="Keep this many days (default: AUDIT_RETENTION_DAYS)."
)
def prune_command(days: int | None) -> None:
    """Delete the audit events older than the retention period."""
    days = current_app.config.get("AUDIT_RETENTION_DAYS", 0) if days is None else days
    if not days:
        click.echo("Retention is not set (AUDIT_RETENTION_DAYS=0): the audit log is kept forever.")
        return
    cutoff = datetime.now(UTC) - timedelta(days=days)
    deleted = audit.prune(db.session, before=cutoff)
    db.session.commit()
    click.echo(f"Deleted {deleted} audit events older than {days} days.")
