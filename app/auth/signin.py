"""Signing in and out: the one place a browser session starts and ends.

`password_accepted` is called once the password was right; it asks for the second factor when the
user has one, otherwise it starts the session. `begin_session` / `end_session` are what the rest of
the app calls (login, the second factor step, password change and reset, logout).

Every session is a row (app/services/sessions.py): the cookies carry its key, so ending the row ends
every copy of the cookies. Starting or ending a session also drops the CSRF token, so a form served
before cannot be posted after it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.extensions import db
from app.models import User
from app.services import email_change, sessions
from app.web import now_utc, safe_next_url

PENDING_LOGIN = "two_factor_login"  # the Flask session key of a login waiting for its second factor
PENDING_LOGIN_VALID = timedelta(minutes=5)


def password_accepted(user: User, *, remember: bool, next_url: str | None):
    """The response to a right password: the second-factor step when the user has one."""
    if user.has_two_factor:
        session[PENDING_LOGIN] = {
            "user_id": user.id,
            "password": password_mark(user),
            "remember": bool(remember),
            "next": safe_next_url(next_url),
            "at": now_utc().timestamp(),
        }
        return redirect(url_for("auth.login_code"))
    begin_session(user, remember=remember)
    return redirect(safe_next_url(next_url) or url_for("home"))


def password_mark(user: User) -> str:
    """Changes with the password: a pending login ends when the password changed meanwhile."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _lifetime(remember: bool = True) -> timedelta:
    """Remembered: REMEMBER_DAYS. Not remembered: the cookie ends with the browser, the row at the
    latest BROWSER_SESSION_DAYS after the login."""
    key, default = ("REMEMBER_DAYS", 30) if remember else ("BROWSER_SESSION_DAYS", 90)
    return timedelta(days=current_app.config.get(key, default))


def begin_session(user: User, *, remember: bool = False) -> None:
    """Start a new server-side session for `user` in this browser (ending the one it had, if any)."""
    now = now_utc()
    _end_current(now)
    key, row = sessions.start(
        db.session,
        user,
        now=now,
        lifetime=_lifetime(remember),
        remember=remember,
        user_agent=request.headers.get("User-Agent", ""),
        address=request.remote_addr or "",
    )
    db.session.commit()
    _drop_csrf_token()
    user.session_key = key
    g.user_session = row
    login_user(user, remember=remember, duration=_lifetime())


def end_session() -> None:
    """Log this browser out: its session row is revoked, so copies of its cookies stop working too."""
    _end_current(now_utc())
    db.session.commit()
    logout_user()
    _drop_csrf_token()


def _drop_csrf_token() -> None:
    """A new CSRF token for the next form (Flask-WTF keeps it in the session and caches it in g).
    The page must then load in full: a boosted (htmx) navigation keeps <body hx-headers>, the old
    token htmx sends, so `full_reload_after_rotation` turns the redirect into HX-Redirect."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    g.csrf_rotated = True


def full_reload_after_rotation(response):
    """After a session started or ended: an htmx request's redirect becomes a full page load."""
    if g.pop("csrf_rotated", False) and request.headers.get("HX-Request") and response.status_code in (301, 302, 303):
        reload = current_app.make_response("")
        reload.headers["HX-Redirect"] = response.headers["Location"]
        for cookie in response.headers.getlist("Set-Cookie"):
            reload.headers.add("Set-Cookie", cookie)
        return reload
    return response


def end_other_sessions(user: User) -> int:
    """End every session of `user` but this browser's: how many ended (committed)."""
    current = getattr(g, "user_session", None)
    now = now_utc()
    ended = sessions.end_all(db.session, user.id, now, keep_id=current.id if current else None)
    # an email change asked from one of those sessions would hand the account over: cancelled too
    email_change.cancel_pending(db.session, user.id, now)
    db.session.commit()
    return ended


def _end_current(now) -> None:
    user_id, key = parse_key(session.get("_user_id") or "")
    if key:
        sessions.end_by_key(db.session, user_id, key, now)
    g.pop("user_session", None)


def parse_key(user_key: str) -> tuple[int | None, str | None]:
    """(user id, session key) from what Flask-Login keeps in the session and the remember cookie."""
    user_id, _, key = user_key.partition(":")
    if not user_id.isdigit() or not key:
        return None, None
    return int(user_id), key


def current_session_id() -> int | None:
    row = getattr(g, "user_session", None)
    return row.id if row is not None and current_user.is_authenticated else None
