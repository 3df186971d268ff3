"""`flask mail …`: email that logs itself (history import, mailbox sync). Each command lives in a
module of its own and is added to the group here."""

from __future__ import annotations

from flask.cli import AppGroup

from app.mail_import_cli import import_command
from app.mail_sync_cli import sync_command

mail_cli = AppGroup("mail", help="Log partners' emails as interactions: import a mail export, sync mailboxes.")
mail_cli.add_command(import_command)  # flask mail import
mail_cli.add_command(sync_command)  # flask mail sync
