"""`flask api token create --user EMAIL --workspace ID --scope read|write [--name N] [--expires YYYY-MM-DD]`.

Prints only the token on stdout (for scripts: `TOKEN=$(flask api token create ...)`); a refusal is a
message on stderr and exit status 2.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from app.extensions import db

api_cli = AppGroup("api", help="The JSON API: personal tokens.")
token_cli = AppGroup("token", help="API tokens.")
api_cli.add_command(token_cli)


def _refuse(message: str):
    click.echo(message, err=True)
    raise SystemExit(2)


@token_cli.command("create")
@click.option("--user", "email", required=True, help="Email of the user the token acts as.")
@click.option("--workspace", "workspace_id", type=int, required=True, help="Id of the workspace it is for.")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True, help="read, or write (read and write).")
@click.option("--name", default="Command line", show_default=True, help="What the token is for.")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Expiry date (YYYY-MM-DD).")
def create(email, workspace_id, scope, name, expires):
    """Create a personal API token and print it (shown only this once)."""
    from app.models import Membership, Workspace
    from app.services import ServiceError, accounts
    from app.services.api_tokens import create_token

    user = accounts.find_user_by_email(db.session, email)
    if user is None:
        _refuse(f"No user with the email {email}.")
    if db.session.get(Workspace, workspace_id) is None:
        _refuse(f"No workspace with the id {workspace_id}.")
    if db.session.query(Membership.id).filter_by(workspace_id=workspace_id, user_id=user.id).first() is None:
        _refuse(f"{email} is not a member of workspace {workspace_id}.")
    try:
        _token, plaintext = create_token(
            db.session,
            workspace_id=workspace_id,
            user_id=user.id,
            name=name,
            scope=scope,
            expires_on=expires.date() if expires else None,
            now=datetime.now(UTC),
        )
    except ServiceError as error:
        db.session.rollback()
        _refuse(error.message)
    db.session.commit()
    click.echo(plaintext)
