"""Signing in and out: the one place a browser session starts and ends.

`password_accepted` is called once the password was right; it asks for the second factor when the
user has one, otherwise it starts the session. `begin_session` / `end_session` are what the rest of
the app calls (login, the second factor step, password change and reset, logout).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import redirect, session, url_for
from flask_login import login_user, logout_user

from app.models import User
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


def begin_session(user: User, *, remember: bool = False) -> None:
    login_user(user, remember=remember)


def end_session() -> None:
    logout_user()
