"""Hand-made mail for the import tests: messages as bytes, and an mbox built from them."""

from __future__ import annotations

from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime

_seq = iter(range(1, 10**9))


def message(
    *,
    sender="Carla <carla@acme.test>",
    to="olga@example.com",
    cc=None,
    subject="Hello",
    when=None,
    message_id=None,
    in_reply_to=None,
    references=None,
    text="Hi there,\nshall we meet?",
    html=None,
    attachments=(),
    headers=None,
) -> bytes:
    """One message as bytes (policy.default). `when` None leaves out the Date header."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    if when is not None:
        msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id or f"<m{next(_seq)}@mail.test>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    if html is not None and text is None:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(text or "")
        if html is not None:
            msg.add_alternative(html, subtype="html")
    for filename, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return bytes(msg)


def raw_subject_message(subject_header: str, *, sender="carla@acme.test", to="olga@example.com", when=None) -> bytes:
    """A message whose Subject is given exactly as on the wire (encoded words or raw 8-bit bytes)."""
    lines = [f"From: {sender}", f"To: {to}", f"Message-ID: <r{next(_seq)}@mail.test>"]
    if when is not None:
        lines.append(f"Date: {format_datetime(when)}")
    head = "\r\n".join(lines).encode() + b"\r\nSubject: "
    return head + subject_header.encode("latin-1") + b"\r\n\r\nBody\r\n"


def encoded(text: str, charset: str) -> str:
    """An RFC 2047 encoded word in `charset`."""
    return Header(text, charset).encode()


def mbox(*messages: bytes, date_line="Tue Nov 17 10:00:00 2026") -> bytes:
    """An mbox (mboxrd: body lines starting with "From " are quoted)."""
    out = []
    for data in messages:
        out.append(f"From sender@mail.test {date_line}\n".encode())
        for line in data.replace(b"\r\n", b"\n").split(b"\n"):
            if line.lstrip(b">").startswith(b"From "):
                line = b">" + line
            out.append(line + b"\n")
        out.append(b"\n")
    return b"".join(out)
