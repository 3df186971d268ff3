"""`flask` commands: demo data and maintenance. Features register their own groups here."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import DEFAULT as DEFAULT_LOCALE
from app.i18n import LANGUAGES

DEMO_EMAIL = "demo@orchard.test"
DEMO_PASSWORD = "orchard-demo"


def register_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--seed", default=7, show_default=True, help="Random seed: the same seed gives the same data.")
    @click.option("--partners", default=60, show_default=True, help="How many partners to create.")
    @click.option("--email", default=DEMO_EMAIL, show_default=True, help="Owner account to log in with.")
    @click.option("--password", default=DEMO_PASSWORD, show_default=True)
    @click.option(
        "--workspace",
        "workspace_name",
        default=None,
        help="Workspace name  [default: Demo Studio; with --locale ru: Демо-студия]",
    )
    @click.option(
        "--locale",
        type=click.Choice(sorted(LANGUAGES)),
        default=DEFAULT_LOCALE,
        show_default=True,
        help="Language of the names, companies and notes (and of the owner's profile).",
    )
    def demo(seed, partners, email, password, workspace_name, locale):
        """Fill a new workspace with realistic, deterministic demo data."""
        from app.services import accounts
        from app.services.demo import WORDS, generate

        if partners < 1:
            raise click.BadParameter("must be at least 1", param_hint="--partners")
        words = WORDS[locale]
        started = time.perf_counter()
        user = accounts.find_user_by_email(db.session, email)
        if user is None:
            user = accounts.register_user(
                db.session, name=words.OWNER_NAME, email=email, password=password, create_workspace=False
            )
        if locale != DEFAULT_LOCALE:
            user.locale = locale  # the demo is seen in its own language
        workspace = accounts.create_workspace_for(
            db.session, user, workspace_name or words.WORKSPACE, currency=words.CURRENCY
        )
        user.current_workspace_id = workspace.id
        ctx = generate(db.session, workspace, seed=seed, partners=partners, now=datetime.now(UTC), locale=locale)
        db.session.commit()
        summary = ", ".join(f"{count} {name}" for name, count in ctx.stats.items())
        click.echo(f"Workspace '{workspace.name}' filled in {time.perf_counter() - started:.1f}s: {summary}.")
        click.echo(f"Log in as {email} / {password}")

    @app.cli.command("has-users")
    def has_users():
        """Exit 0 when the database has at least one user (used by the run script)."""
        count = db.session.scalar(select(func.count()).select_from(db.metadata.tables["user"]))
        raise SystemExit(0 if count else 1)

    from app.reminders.cli import reminders_cli

    app.cli.add_command(reminders_cli)

    from app.api_cli import api_cli

    app.cli.add_command(api_cli)

    from app.mail_cli import mail_cli

    app.cli.add_command(mail_cli)

    from app.audit_cli import audit_cli

    app.cli.add_command(audit_cli)

    from app.reports_cli import reports_cli

    app.cli.add_command(reports_cli)

    from app.summaries_cli import summaries_cli

    app.cli.add_command(summaries_cli)

    from app.webhooks_cli import webhooks_cli

    app.cli.add_command(webhooks_cli)

    from app.jobs.trash_purge import trash_cli

    app.cli.add_command(trash_cli)

    from app.jobs.cli import worker_command

    app.cli.add_command(worker_command)

    from app.backup_cli import export_command, restore_command
    from app.data_cli import data_cli

    data_cli.add_command(export_command)
    data_cli.add_command(restore_command)
    app.cli.add_command(data_cli)

    from app.jobs.webhook_scan import attach_scan

    attach_scan(app.cli)  # last: onto the `webhooks` group registered above
