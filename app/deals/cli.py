"""`flask deals recompute`: rebuild the running totals of deals and commissions from the rows themselves."""

import click
from flask import Flask
from sqlalchemy import select

from app.extensions import db


def register(app: Flask) -> None:
    group = click.Group("deals", help="Deals maintenance.")

    @group.command("recompute")
    def recompute():
        """Rebuild the running totals of the pipeline, the deals list and the ledger of every workspace."""
        from app.models import Workspace
        from app.services import commissions, deals

        for workspace_id in db.session.scalars(select(Workspace.id)):
            rows = deals.recompute_totals(db.session, workspace_id)
            ledger_rows = commissions.recompute_totals(db.session, workspace_id)
            click.echo(f"workspace {workspace_id}: {rows} total rows, {ledger_rows} ledger total rows")
        db.session.commit()

    app.cli.add_command(group)
