"""A real SMTP server (aiosmtpd) on 127.0.0.1 for any test that sends mail: the `smtp_server` fixture."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest


class Mailbox:
    """Collects what the SMTP server accepted; `reject` makes it answer 550 instead."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.reject = False

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "550 mailbox unavailable"
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1 and a free port; the app's MAIL_* settings point at it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(
        MAIL_HOST="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME=None,
        MAIL_PASSWORD=None,
        MAIL_FROM="Orchard <orchard@crm.example.com>",
        PUBLIC_BASE_URL="https://crm.example.com",
    )
    try:
        yield mailbox
    finally:
        controller.stop()
