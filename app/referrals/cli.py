"""`flask referrals ...`: rebuild or check the stored referral-tree stats."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db

referrals_cli = AppGroup("referrals", help="Referral genealogy maintenance.")


def _workspace_ids(workspace_id):
    from app.models import Workspace

    return [workspace_id] if workspace_id else list(db.session.scalars(select(Workspace.id).order_by(Workspace.id)))


@referrals_cli.command("recompute")
@click.option("--workspace", "workspace_id", type=int, default=None, help="Only this workspace id.")
def recompute(workspace_id):
    """Rebuild each partner's root, generation, direct referrals, branch size and depth from the
    referrer links (after a bulk import or a manual database edit)."""
    from app.services import referral_tree

    for ws_id in _workspace_ids(workspace_id):
        started = time.perf_counter()
        fixed = referral_tree.recompute(db.session, ws_id)
        db.session.commit()
        click.echo(f"Workspace {ws_id}: {fixed} referral rows fixed in {time.perf_counter() - started:.2f}s.")


@referrals_cli.command("check")
@click.option("--workspace", "workspace_id", type=int, default=None, help="Only this workspace id.")
def check(workspace_id):
    """Compare the stored stats with a recomputation; exit 1 when they differ."""
    from app.services import referral_tree

    bad = 0
    for ws_id in _workspace_ids(workspace_id):
        stored = referral_tree.stored_stats(db.session, ws_id)
        wanted = referral_tree.computed_stats(db.session, ws_id)
        wrong = sum(1 for pid in set(stored) | set(wanted) if stored.get(pid) != wanted.get(pid))
        click.echo(f"Workspace {ws_id}: {len(wanted)} partners in referral branches, {wrong} stored rows wrong.")
        bad += wrong
    raise SystemExit(1 if bad else 0)
