"""`flask deals recompute`: rebuild the deals' running totals from the deals themselves."""
import click
from flask import Flask
from sqlalchemy import select

from app.extensions import db


def register(app: Flask) -> None:
    group = click.Group("deals", help="Deals maintenance.")

    @group.command("recompute")
    def recompute():
        """Rebuild the running totals (pipeline and deals list) of every workspace."""
        from app.models import Workspace
        from app.services.deals import recompute_totals

        for workspace_id in db.session.scalars(select(Workspace.id)):
            rows = recompute_totals(db.session, workspace_id)
            click.echo(f"workspace {workspace_id}: {rows} total rows")
        db.session.commit()

    app.cli.add_command(group)
