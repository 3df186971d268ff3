"""Mail from inside the app: the SMTP transport configured by MAIL_*, and one-off messages (password
reset, email change) built with the email package and sent at once."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from app.public_links import public_host
from app.services.mail import SMTPTransport, mail_address


def smtp_transport() -> SMTPTransport:
    config = current_app.config
    return SMTPTransport(
        config["MAIL_HOST"],
        config["MAIL_PORT"],
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        use_tls=config.get("MAIL_USE_TLS", False),
    )


def mail_domain() -> str | None:
    return public_host(from_request=False)


def send_mail(*, to_name: str | None, to_email: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one message now. Raises OSError / smtplib.SMTPException when the server refuses it."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = mail_address(to_name, to_email)
    msg["Message-ID"] = make_msgid(domain=mail_domain())
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    with smtp_transport() as transport:
        transport.send(msg)
