"""`flask mail import FILE --user EMAIL --workspace ID`: import a mail export (an .mbox, or an .eml
file) from the command line, as the upload does, committing every hundred messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import func, select

from app.extensions import db
from app.models import Membership, User, Workspace
from app.services import ServiceError
from app.services.mail_log import importing
from app.services.mail_log.mbox import SNIFF_BYTES, NotMail, check_eml, check_mbox

REASONS = {
    "empty": "the file is empty",
    "binary": "the file holds binary data, not mail",
    "not_mbox": "not an mbox file (it does not start with a 'From ' line)",
    "not_eml": "not an email message",
}


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The member whose mail this is (their email).")
@click.option("--workspace", "workspace_id", required=True, type=int, help="The workspace's id.")
@click.option(
    "--address",
    "addresses",
    multiple=True,
    help="Another address the member writes from in FILE (repeatable): their mail from it is 'we reached out'.",
)
@click.option("--keep-body", is_flag=True, help="Keep each message's text (default: subject and a snippet).")
def import_command(file: Path, email: str, workspace_id: int, addresses: tuple[str, ...], keep_body: bool) -> None:
    """Log the emails of FILE (.mbox or .eml) with the workspace's contacts as interactions."""
    session = db.session
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise click.ClickException(f"No workspace with id {workspace_id}.")
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    member = user is not None and session.scalar(
        select(Membership.id).where(Membership.user_id == user.id, Membership.workspace_id == workspace_id)
    )
    if not member:
        raise click.ClickException(f"{email} is not a member of workspace {workspace_id}.")
    file_format = "eml" if file.suffix.lower() == ".eml" else "mbox"
    with file.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    try:
        (check_eml if file_format == "eml" else check_mbox)(head)
    except NotMail as refusal:
        raise click.ClickException(f"{file.name}: {REASONS[refusal.reason]}.") from None
    try:
        own = importing.parse_addresses(",".join(addresses))
    except ServiceError as refusal:
        raise click.ClickException(refusal.english) from None
    user_id = user.id

    said = []  # a batch's progress is said once the next one is done: the last one is the summary's

    def committed(outcome) -> None:
        session.commit()
        if said:
            click.echo(said.pop(), err=True)
        said.append(f"  {outcome.seen} read, {outcome.logged} logged")

    outcome = importing.import_files(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        paths=[file],
        file_format=file_format,
        now=datetime.now(UTC),
        progress=committed,
        keep_body=keep_body,
        addresses=own,
    )
    session.commit()
    click.echo(
        f"{outcome.seen} messages read: {outcome.logged} logged, {outcome.duplicates} already logged, "
        f"{outcome.skipped} skipped, {outcome.suggested} new contact suggestions, {outcome.failed} unreadable."
    )
