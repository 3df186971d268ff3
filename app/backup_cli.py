"""`flask data export --workspace ID --out FILE.zip` and `flask data restore FILE.zip [--name NAME]
[--owner EMAIL]`: the full workspace backup and its restore into a new workspace. Both are
commands of the `flask data` group (app/data_cli.py), added to it in app/cli.py."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from app import database
from app.extensions import db
from app.models import Workspace
from app.services import accounts, backup


def _refuse(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


def _counts(counts: dict) -> str:
    return ", ".join(f"{count} {name.removesuffix('.json').replace('_', ' ')}" for name, count in counts.items())


@click.command("export")
@with_appcontext
@click.option("--workspace", "workspace_id", type=int, required=True, help="The workspace id to back up.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .zip to write.")
def export_command(workspace_id: int, out: Path) -> None:
    """Write a full backup of a workspace (everything it owns, without passwords or tokens)."""
    token = database.begin_read_only_for("GET")  # only reads: SQLite need not hold the write lock
    try:
        db.session.rollback()  # nothing is pending here: the backup reads in a transaction of its own
        backup.consistent_snapshot(db.session)
        if db.session.get(Workspace, workspace_id) is None:
            _refuse(f"there is no workspace {workspace_id}.")
        started = time.perf_counter()
        partial = out.with_name(out.name + ".part")
        try:
            with partial.open("wb") as file:
                manifest = backup.write_backup(db.session, workspace_id, file, now=datetime.now(UTC))
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
            db.session.rollback()
    finally:
        database.end_request(token)
    counts = {name: info["count"] for name, info in manifest["files"].items()}
    click.echo(f"Backup of '{manifest['workspace']['name']}' written to {out} in {time.perf_counter() - started:.1f}s.")
    click.echo(f"Holds {_counts(counts)}.")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", default=None, help='Name of the new workspace (default: "<original> (restored <date>)").')
@click.option("--owner", "owner_email", default=None, help="Email of the user who owns the new workspace.")
def restore_command(file: Path, name: str | None, owner_email: str | None) -> None:
    """Restore a backup into a NEW workspace (an existing one is never touched)."""
    started = time.perf_counter()
    with file.open("rb") as source:
        try:
            opened = backup.open_backup(source)
        except backup.BackupError as error:
            _refuse(error.message)
        with opened:
            if owner_email is None:
                known = [e for e in backup.owner_emails(opened) if accounts.find_user_by_email(db.session, e)]
                if not known:
                    _refuse(
                        "the backup's owner has no account here; choose the new workspace's owner with --owner EMAIL."
                    )
                owner_email = known[0]
            owner = accounts.find_user_by_email(db.session, owner_email)
            if owner is None:
                _refuse(f"there is no user with the email {owner_email}.")
            try:
                result = backup.restore_backup(db.session, opened, actor=owner, name=name, now=datetime.now(UTC))
            except backup.BackupError as error:
                db.session.rollback()
                _refuse(error.message)
            workspace_id, workspace_name = result.workspace.id, result.workspace.name
            db.session.commit()
    click.echo(
        f"Restored into the new workspace '{workspace_name}' (id {workspace_id}, owner {owner.email}) "
        f"in {time.perf_counter() - started:.1f}s."
    )
    click.echo(f"Restored {_counts(result.counts)}.")
    if result.unknown_members:
        click.echo(
            "Members not added (no account here, or sharing no workspace with the owner; invite them): "
            + ", ".join(result.unknown_members)
            + "."
        )
