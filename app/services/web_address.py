"""A website as people type it: "acme.com" means https://acme.com. Only http(s) addresses with a
host name that has a dot (or localhost) count as web addresses."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# One label of a host name: letters (any script), digits and inner hyphens
_LABEL = r"(?!-)[^\W_](?:[^\W_]|-){0,62}(?<!-)"
_HOST = re.compile(rf"^(?:{_LABEL}\.)+[^\W\d_]{{2,63}}\.?$|^localhost$", re.IGNORECASE)


def is_web_address(text: str) -> bool:
    try:
        parts = urlsplit(text)
        port_is_fine = parts.port is None or 0 < parts.port < 65536
    except ValueError:  # a port that is not a number, brackets that do not close
        return False
    return parts.scheme in ("http", "https") and bool(_HOST.match(parts.hostname or "")) and port_is_fine


def with_scheme(text: str | None) -> str | None:
    """`text` with "https://" put in front when that makes it a web address (else as typed, for the
    check to refuse it and the form to show it again)."""
    if text is None:
        return None
    text = text.strip()
    if text and "://" not in text and is_web_address(f"https://{text}"):
        return f"https://{text}"
    return text
