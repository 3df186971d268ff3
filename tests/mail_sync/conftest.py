"""The mailbox sync tests run against a real IMAP server (tests/imap_server.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from app.extensions import db
from app.services import mail_sync
from tests.conftest import NOW, make_contact, make_partner, make_user, workspace_of
from tests.imap_server import imap_server, mailbox  # noqa: F401  (fixtures)

TIMEOUT = 5.0


def message(sender: str, to: str, subject: str, *, msgid: str, body: str = "Hello", date=None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = sender, to, subject, msgid
    msg["Date"] = format_datetime(date or datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    msg.set_content(body)
    return msg.as_bytes()


def key(app) -> str:
    return mail_sync.key_from_config(app.config)


def connect(app, user, box, *, password=None, security="plain", host=None, port=None):
    """Connect `user`'s account to `box` through the service (the page does the same)."""
    account = mail_sync.connect_account(
        db.session,
        workspace_id=user.current_workspace_id,
        user_id=user.id,
        settings=mail_sync.AccountSettings(
            host or box.host, port or box.port, security, box.user, box.password if password is None else password
        ),
        key=key(app),
        timeout=TIMEOUT,
        now=NOW,
    )
    db.session.commit()
    return account


def sync(app, *, account_id=None, now=NOW, batch_size=50):
    return mail_sync.sync_accounts(
        db.session,
        key=key(app),
        now=now,
        timeout=TIMEOUT,
        commit=db.session.commit,
        account_id=account_id,
        batch_size=batch_size,
    )


@pytest.fixture
def owner(app):
    user = make_user(name="Mia Mailer", email="mia@orchard.test")
    partner = make_partner(workspace_of(user), name="Garden Studio", website="https://garden.example")
    contact = make_contact(partner, name="Gina Garden", email="gina@garden.example")
    return {"user": user, "partner": partner, "contact": contact}
