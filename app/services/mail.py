"""Outgoing mail, Flask-free: an SMTP connection and safe address headers.

Addresses are always built by the email package (`mail_address`), never by pasting a name and an
address into a string: a display name such as `Eve, extra@evil.example` stays one quoted name.
Text put into a header (a name, a subject naming a workspace) is made one line first (`one_line`):
a CR/LF saved in a name before names were checked can neither add a header nor stop a message.
"""

from __future__ import annotations

import re
import smtplib
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage


def one_line(text: str | None) -> str:
    """`text` for a header: every control character (CR, LF, tab, ...) and line or paragraph separator
    becomes a space, runs of spaces one space."""
    spaced = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text or "")
    return re.sub(r" {2,}", " ", spaced).strip()


def mail_address(name: str | None, email: str) -> Address:
    """The To/From value for `email` shown as `name`; the email package quotes and encodes the name."""
    local, _, domain = email.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


class SMTPTransport:
    """Sends through one SMTP connection for the whole run (settings from the app's MAIL_* config)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        timeout: float = 30,
    ):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.use_tls, self.timeout = use_tls, timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self):
        self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.use_tls:
            self._smtp.starttls()
        if self.username:
            self._smtp.login(self.username, self.password or "")
        return self

    def send(self, msg: EmailMessage) -> None:
        self._smtp.send_message(msg)

    def __exit__(self, *exc):
        try:
            self._smtp.quit()
        except smtplib.SMTPException:
            self._smtp.close()
        return False
