"""`flask data …`: bringing a book in from the command line (and, registered by the backup module,
taking it out).

    flask data import FILE --workspace ID --as partners|contacts [--mapping NAME|FILE.json]
        [--on-match fill|overwrite] [--dry-run] [--user EMAIL]

It prints what the wizard's preview shows: the recognised format, the mapping (column → field),
the counts, and the rows with problems ("row 12: Contact email: Not an email address"). Without
--dry-run it then imports every row without problems and reports the counts. Exit status: 0 when
every row went in (or was skipped as a duplicate), 1 when some rows have problems (with --dry-run:
would fail) — the others are imported all the same —, 2 when the file, the mapping, the workspace
or the user is wrong (nothing is written then).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db

data_cli = AppGroup("data", help="Import, export, back up and restore a workspace's data.")
PROBLEM_LINES = 50


class BadInput(click.ClickException):
    """A file, mapping, workspace or user the command cannot use: exit status 2, one line."""

    exit_code = 2


def _workspace_and_actor(workspace_id: int, email: str | None):
    from app.models import Membership, User, Workspace
    from app.models.workspace import ROLE_OWNER

    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None:
        raise BadInput(f"No workspace with id {workspace_id}.")
    members = (
        select(User).join(Membership, Membership.user_id == User.id).where(Membership.workspace_id == workspace.id)
    )
    if email:
        actor = db.session.scalar(members.where(User.email == email.strip().lower()))
        if actor is None:
            raise BadInput(f"{email} is not a member of workspace {workspace_id}.")
    else:
        actor = db.session.scalar(members.where(Membership.role == ROLE_OWNER).order_by(Membership.id))
        if actor is None:
            raise BadInput(f"Workspace {workspace_id} has no owner; name the user with --user.")
    return workspace, actor


def _mapping(workspace, run, option: str | None, kind: str, on_match: str | None):
    from app.services import ServiceError
    from app.services.importing import mapping_for, saved_mapping
    from app.services.importing.fields import Mapping

    if not option:
        mapping = Mapping.from_json(run.mapping)
    elif option.lower().endswith(".json") and os.path.exists(option):
        try:
            with open(option, encoding="utf-8") as handle:
                mapping = Mapping.from_json(json.load(handle)).applied_to(run.headers)
        except (OSError, ValueError) as error:
            raise BadInput(f"Cannot read the mapping file {option}: {error}") from None
        except ServiceError as error:
            raise BadInput(f"Mapping file {option}: {error.message}") from None
    else:
        saved = saved_mapping(db.session, workspace, option)
        if saved is None:
            raise BadInput(f"No saved mapping '{option}' in this workspace (nor a .json file of that name).")
        mapping = mapping_for(saved, run.headers)
    mapping.kind = kind
    if on_match:
        mapping.on_match = on_match
    return mapping


def _describe(run, mapping) -> None:
    from app.services.importing.fields import FIELD_BY_KEY
    from app.services.importing.runs import used_by

    labels = {
        "google": "Google Contacts",
        "outlook": "Outlook",
        "linkedin": "LinkedIn connections",
        "orchard": "Orchard export",
    }
    recognised = f", recognised as {labels.get(run.recognised, run.recognised)}" if run.recognised else ""
    click.echo(f"File: {run.file_name} ({run.file_format.upper()}{recognised}), {run.row_count} rows")
    click.echo(
        f"Each row is: {'a partner' if mapping.kind == 'partners' else 'a contact'}; matches: {mapping.on_match}"
    )
    click.echo("Mapping:")
    for column in mapping.columns:
        if column.field is None:
            target = "(not imported)"
        elif not used_by(mapping.kind, column.field):
            target = f"{FIELD_BY_KEY[column.field].label} (not read in a contacts import)"
        else:
            field = FIELD_BY_KEY[column.field]
            target = field.label + (f" (contact {column.slot})" if field.repeatable and column.slot > 1 else "")
        click.echo(f"  {column.header} → {target}")


def _preview_summary(run) -> int:
    from app.services.importing import preview, problem_label

    page = preview(db.session, run, per_page=PROBLEM_LINES, only="problems")
    c = page.counts
    click.echo(
        f"Preview: {c['rows']} rows · {c['new']} new · {c['updates']} updates · "
        f"{c['duplicates']} duplicates in the file · {c['skipped']} skipped · {c['problems']} with problems"
    )
    if c["problems_by_field"]:
        kinds = ", ".join(f"{problem_label(key)} {n}" for key, n in c["problems_by_field"].items())
        click.echo(f"Problems by field: {kinds}")
    for row in page.rows:
        for key, message in row.problems.items():
            click.echo(f"row {row.number}: {problem_label(key)}: {message}")
    if page.total > len(page.rows):
        click.echo(f"… and {page.total - len(page.rows)} more rows with problems")
    return c["problems"]


@data_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--workspace", "workspace_id", type=int, required=True, help="The workspace to import into.")
@click.option("--as", "kind", type=click.Choice(["partners", "contacts"]), required=True, help="What each row is.")
@click.option("--mapping", "mapping_option", default=None, help="A saved mapping's name, or a mapping .json file.")
@click.option("--on-match", type=click.Choice(["fill", "overwrite"]), default=None, help="Updating a matched partner.")
@click.option("--dry-run", is_flag=True, help="Show the preview and write nothing.")
@click.option("--user", "email", default=None, help="Who imports (default: the workspace's first owner).")
def import_command(file, workspace_id, kind, mapping_option, on_match, dry_run, email):
    """Import a CSV, .xlsx or .vcf file into a workspace."""
    from app.services import ServiceError
    from app.services.importing import execute, prepare, set_mapping, start_import

    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BadInput(f"Cannot read {file}: {error.strerror}.") from None
    now = datetime.now(UTC)
    workspace, actor = _workspace_and_actor(workspace_id, email)
    try:
        run = start_import(
            db.session, workspace, actor, file_name=os.path.basename(file), data=data, kind=kind, now=now
        )
        mapping = _mapping(workspace, run, mapping_option, kind, on_match)
        set_mapping(db.session, run, mapping, now=now)
    except ServiceError as error:
        db.session.rollback()
        raise BadInput(f"{os.path.basename(file)}: {error.message}") from None
    _describe(run, mapping)
    prepare(db.session, run, now=now)
    problems = _preview_summary(run)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
        raise SystemExit(1 if problems else 0)
    db.session.commit()

    def committed(done, total):
        db.session.commit()

    try:
        execute(db.session, run, actor=actor, now=now, progress=committed)
    except ServiceError as error:  # e.g. the same run started elsewhere meanwhile
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"Imported (import {run.id}): {run.created} created · {run.updated} updated · "
        f"{run.skipped} skipped · {run.failed} failed."
    )
    if run.failed:
        click.echo("The failed rows were not imported: fix them in the file and import it again.")
        raise SystemExit(1)
