"""`flask summaries rebuild|check [--workspace ID] [--only NAME]`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.summaries import registry

summaries_cli = AppGroup("summaries", help="Derived data: rebuild it from its sources, or check it.")


def _workspace_ids(workspace_id):
    from app.models import Workspace

    if workspace_id:
        return [workspace_id]
    return list(db.session.scalars(select(Workspace.id).order_by(Workspace.id)))


def _chosen(only):
    names = [s.name for s in registry.all_summaries()]
    if only and only not in names:
        raise click.BadParameter(f"choose one of {', '.join(names)}", param_hint="--only")
    return [registry.by_name(only)] if only else None


workspace_option = click.option("--workspace", "workspace_id", type=int, default=None, help="Only this workspace id.")
only_option = click.option("--only", default=None, help="Only this summary (default: all).")


@summaries_cli.command("rebuild")
@workspace_option
@only_option
def rebuild(workspace_id, only):
    """Derive every summary again from its source rows (after a manual database edit or a bulk import)."""
    chosen = _chosen(only)
    for ws_id in _workspace_ids(workspace_id):
        started = time.perf_counter()
        written = registry.rebuild(db.session, ws_id, chosen)
        db.session.commit()
        detail = ", ".join(f"{name} {rows}" for name, rows in written.items())
        click.echo(f"Workspace {ws_id}: rebuilt in {time.perf_counter() - started:.2f}s ({detail}).")


@summaries_cli.command("check")
@workspace_option
@only_option
@click.option("--show", default=5, show_default=True, help="How many differences to print per workspace.")
def check(workspace_id, only, show):
    """Compare every stored summary with its sources; exit 1 when anything differs."""
    chosen = _chosen(only)
    wrong = 0
    for ws_id in _workspace_ids(workspace_id):
        differences = registry.check(db.session, ws_id, chosen)
        wrong += len(differences)
        click.echo(f"Workspace {ws_id}: {len(differences)} differences.")
        for d in differences[:show]:
            click.echo(f"  {d.summary} {d.key!r}: stored {d.stored!r}, expected {d.expected!r}")
    raise SystemExit(1 if wrong else 0)
