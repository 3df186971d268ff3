"""`flask mail …`: email that logs itself (history import, mailbox sync). Each command lives in a
module of its own and is added to the group here."""

from __future__ import annotations

from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Log partners' emails as interactions: import a mail export, sync mailboxes.")

from app.mail_sync_cli import sync_command  # noqa: E402

mail_cli.add_command(sync_command)
