"""What a mailbox sync failure means, in words a user acts on: the settings page and the digest."""

from __future__ import annotations

from flask_babel import gettext as _


def error_message(kind: str | None, port: int | None = None) -> str:
    """What a failure of this kind means, in words a user acts on; kind "refused" is an
    unreachable server that answered and refused the port."""
    messages = {
        "auth": _(
            "The server refused this user name and password. Most providers want an app password here, not your usual one."
        ),
        "unreachable": _("Could not reach the server: check the host name and the port."),
        "refused": _(
            "The server refused the connection on port %(port)s: check the port (IMAP is usually 993 with SSL, 143 with STARTTLS).",
            port=port,
        )
        if port
        else _("The server refused the connection: check the port (IMAP is usually 993 with SSL, 143 with STARTTLS)."),
        "timeout": _("The server did not answer in time: check the host name and the port, or try again later."),
        "tls": _(
            "The secure connection failed: check the security setting (SSL usually on port 993, STARTTLS on 143) and the server's certificate."
        ),
        "protocol": _("The server answered something unexpected: is this the address of an IMAP server?"),
        "folder": _("A chosen folder is not on the server any more: choose the folders again."),
        "key": _(
            "The stored password cannot be read any more (the server's key was changed): enter the password again."
        ),
        "internal": _("The sync stopped because of an unexpected error (it is logged for whoever runs this server)."),
    }
    return messages.get(kind or "", messages["internal"])
