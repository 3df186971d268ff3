"""`flask reminders …`: the email digest (run daily by cron, see docs/OPERATIONS.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _

from app import i18n
from app.extensions import db
from app.mail import mail_domain, smtp_transport
from app.services import digest as digest_service
from app.settings.mail_messages import error_message as mail_error_message

reminders_cli = AppGroup("reminders", help="Reminder digests.")


def _parse_now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-30T07:00:00+00:00") from error
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _renderer():
    from app.public_links import mail_link as external

    def render(d: digest_service.Digest) -> digest_service.Rendered:
        with force_locale(i18n.language_of(d.user)):  # each mail in its reader's language
            return _render(d)

    def _render(d: digest_service.Digest) -> digest_service.Rendered:
        due = len(d.overdue) + len(d.due_today)
        parts = []
        if due:
            parts.append(ngettext("%(num)s due", "%(num)s due", due))
        if d.overdue:
            parts.append(ngettext("%(num)s overdue", "%(num)s overdue", len(d.overdue)))
        if d.coming:
            parts.append(ngettext("%(num)s this week", "%(num)s this week", len(d.coming)))
        if d.neglected:
            parts.append(
                ngettext("%(num)s partner to check in with", "%(num)s partners to check in with", len(d.neglected))
            )
        if d.disabled_webhooks:
            parts.append(
                ngettext("%(num)s webhook endpoint disabled", "%(num)s webhook endpoints disabled", d.disabled_webhooks)
            )
        if d.failing_mail:
            parts.append(_("mailbox sync failing"))
        subject = _(
            "Orchard · %(workspace)s: %(summary)s",
            workspace=d.workspace.name,
            summary=pgettext("between the parts of a summary", ", ").join(parts),
        )
        context = {
            "d": d,
            "subject": subject,
            "link": lambda r: external("reminders.edit", reminder_id=r.id, ws=d.workspace.id),
            "partner_link": lambda partner_id: external(
                "reminders.partner_tab", partner_id=partner_id, ws=d.workspace.id
            ),
            "settings_link": external("reminders.settings"),
            "webhooks_link": external("settings.webhooks", ws=d.workspace.id),
            "mail_link": external("settings.mail", ws=d.workspace.id),
            "mail_error": mail_error_message,
        }
        return digest_service.Rendered(
            subject=subject,
            text=render_template("reminders/email/digest.txt", **context),
            html=render_template("reminders/email/digest.html", **context),
        )

    return render


@reminders_cli.command("digest")
@click.option("--now", "now_text", default=None, help="Pretend it is this moment (ISO 8601; default: now).")
@click.option("--dry-run", is_flag=True, help="List who would get a digest; send nothing, record nothing.")
@click.option("--user", "user_ids", type=int, multiple=True, help="Only this user id (repeatable).")
def digest_command(now_text, dry_run, user_ids):
    """Email each user their due and overdue reminders and neglected partners (once per day)."""
    now = _parse_now(now_text)
    config = current_app.config
    # A request context for url_for and Babel; links are made absolute by app.public_links.mail_link.
    with current_app.test_request_context("/"):
        render = _renderer()
        kwargs = {
            "render": render,
            "mail_from": config["MAIL_FROM"],
            "commit": db.session.commit,
            "domain": mail_domain(),
            "user_ids": user_ids or None,
        }
        if dry_run:
            outcome = digest_service.send_digests(db.session, now, transport=None, dry_run=True, **kwargs)
        else:
            transport = smtp_transport()
            try:
                with transport:
                    outcome = digest_service.send_digests(db.session, now, transport=transport, **kwargs)
            except OSError as error:
                raise click.ClickException(
                    f"cannot reach the mail server {config['MAIL_HOST']}:{config['MAIL_PORT']}: {error}"
                ) from error
    verb = "would send" if dry_run else "sent"
    for d in outcome.sent:
        click.echo(
            f"{verb}: {d.user.email} · {d.workspace.name} · {d.reminder_count} reminders, "
            f"{d.partner_count} neglected partners"
        )
    for d, error in outcome.failed:
        click.echo(f"failed: {d.user.email} · {d.workspace.name}: {error}", err=True)
    click.echo(
        f"{len(outcome.sent)} {verb}, {outcome.skipped_already_sent} already sent today, "
        f"{outcome.skipped_empty} with nothing to report, {outcome.skipped_not_today} not scheduled now, "
        f"{len(outcome.failed)} failed."
    )
    if outcome.failed:
        raise SystemExit(1)
