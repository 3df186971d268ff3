"""Absolute links for use outside the browser session: calendar feeds, the links in their events,
and mails. PUBLIC_BASE_URL (which includes any path prefix the app is served under) when it is
configured; else the address the user is on (the request's, after the trusted proxies); and for
mails, which must never trust the Host header (a reset link built from it could point a victim at
an attacker's site), the local server on its PORT."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def public_base(*, from_request: bool = True) -> str:
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if from_request and has_request_context():
        return request.host_url.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"


def public_host(*, from_request: bool = True) -> str | None:
    return urlsplit(public_base(from_request=from_request)).hostname


def public_url(path: str, *, from_request: bool = True) -> str:
    """`path` as url_for gave it (with the prefix the app is served under) made absolute."""
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return public_base(from_request=from_request) + path


def mail_link(endpoint: str, **values) -> str:
    """An absolute link to put in a mail."""
    return public_url(url_for(endpoint, **values), from_request=False)
