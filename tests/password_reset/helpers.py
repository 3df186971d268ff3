"""Reading the links out of the mail the smtp_server fixture received."""

from __future__ import annotations

import re


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path: str) -> str:
    """The path (from `path` on) of the https://crm.example.com link in the message."""
    match = re.search(r"https://crm\.example\.com(" + re.escape(path) + r"[^\s]+)", body(message))
    assert match, body(message)
    return match.group(1)


def mail_server_down(app) -> None:
    """Point the app's mail settings at a port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port)
