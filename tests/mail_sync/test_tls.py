"""TLS against Dovecot's self-signed certificate: refused by default (a clear TLS error next to the
security field), and SSL and STARTTLS both work for a client that trusts it."""

from __future__ import annotations

import ssl

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.services import mail_sync
from app.services.mail_sync import imap
from tests.conftest import NOW
from tests.html import parse
from tests.mail_sync.conftest import TIMEOUT, key, message


def _trusting(imap_server) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(imap_server.cert))


@pytest.mark.parametrize(("security", "port"), [("ssl", "ssl_port"), ("starttls", "port")])
def test_an_untrusted_certificate_is_a_tls_error_next_to_security(
    client, auth, owner, mailbox, imap_server, security, port
):
    auth.login(owner["user"])
    response = client.post(
        "/settings/mail",
        data={
            "host": "127.0.0.1",
            "port": str(getattr(imap_server, port)),
            "security": security,
            "username": mailbox.user,
            "password": mailbox.password,
        },
    )
    assert response.status_code == 422
    error = parse(response.get_data(as_text=True)).one("small", id="security-error").text
    assert "secure connection failed" in error and "certificate" in error


@pytest.mark.parametrize(("security", "port"), [("ssl", "ssl_port"), ("starttls", "port")])
def test_ssl_and_starttls_sync_with_a_trusted_certificate(app, owner, mailbox, imap_server, security, port):
    context = _trusting(imap_server)
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Over TLS", msgid="<t@g>"))

    def opener(server, *, timeout):
        return imap.connect(server, timeout=timeout, context=context)

    user = owner["user"]
    settings = mail_sync.AccountSettings(
        "127.0.0.1", getattr(imap_server, port), security, mailbox.user, mailbox.password
    )
    mail_sync.connect_account(
        db.session,
        workspace_id=user.current_workspace_id,
        user_id=user.id,
        settings=settings,
        key=key(app),
        timeout=TIMEOUT,
        now=NOW,
        opener=opener,
    )
    db.session.commit()
    run = mail_sync.sync_accounts(
        db.session, key=key(app), now=NOW, timeout=TIMEOUT, commit=db.session.commit, opener=opener
    )
    assert [(r.seen, r.logged, r.error_kind) for r in run.results] == [(1, 1, None)]
    assert db.session.scalar(select(func.count(Interaction.id))) == 1
