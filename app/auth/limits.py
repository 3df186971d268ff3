"""Fair limits, the Flask side: the caller's address, the rules from the config, the answer that
says how long to wait. The counting is app/services/login_throttle.py, in Flask-Limiter's storage
(shared by every worker when RATELIMIT_STORAGE_URI is a Redis URL).

The login route calls `check_login(email)` before checking the password (a response when the caller
must wait, else None), then `login_failed(email)` or `login_succeeded(email)`. Two-factor code entry
uses `check("2fa", user id)`, `failed(...)` and `succeeded(...)` the same way."""

from __future__ import annotations

from functools import wraps

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from limits import parse

from app.extensions import limiter
from app.services import accounts, login_throttle
from app.web import now_utc, render


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _rules() -> login_throttle.Rules:
    config = current_app.config
    per_account, per_address = parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), parse(config["LOGIN_LIMIT_PER_IP"])
    return login_throttle.Rules(
        per_account=per_account.amount,
        per_address=per_address.amount,
        remember_seconds=max(per_account.get_expiry(), per_address.get_expiry()),
        backoff_seconds=config["LOGIN_BACKOFF_SECONDS"],
        backoff_max_seconds=config["LOGIN_BACKOFF_MAX_SECONDS"],
    )


def _address() -> str:
    return request.remote_addr or "unknown"  # the client's, behind PROXY_FIX_X_FOR trusted proxies


def _now() -> float:
    return now_utc().timestamp()


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext("Wait %(num)s second and try again.", "Wait %(num)s seconds and try again.", seconds)
    minutes = -(-seconds // 60)
    return ngettext("Wait %(num)s minute and try again.", "Wait %(num)s minutes and try again.", minutes)


def too_many(seconds: int):
    """The 429 answer: the error page saying how long to wait, and Retry-After."""
    message = _("Too many attempts from your address.") + " " + wait_message(seconds)
    response = render(
        "errors/error.html", "errors/_problem.html", status=429, title=_("Too many attempts"), message=message
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def check(kind: str, subject: str):
    """None when this caller may try `subject` now, else the 429 answer."""
    if not _enabled():
        return None
    seconds = login_throttle.wait_seconds(limiter.storage, kind, subject, _address(), _now())
    return too_many(seconds) if seconds else None


def failed(kind: str, subject: str) -> None:
    if _enabled():
        login_throttle.record_failure(limiter.storage, _rules(), kind, subject, _address(), _now())


def succeeded(kind: str, subject: str) -> None:
    if _enabled():
        login_throttle.record_success(limiter.storage, kind, subject, _address())


def check_login(email: str):
    return check("login", accounts.normalise_email(email))


def login_failed(email: str) -> None:
    failed("login", accounts.normalise_email(email))


def login_succeeded(email: str) -> None:
    succeeded("login", accounts.normalise_email(email))


# --- pages that ask a signed-in user for their password (or a code) again ---------------------------

SECRET_FIELDS = ("current_password", "password", "code")


def guard_secret_check(view):
    """For a POST that checks the signed-in user's password again (change password or email, turn
    two-factor off...): wait as a login from this address would, so a stolen session cannot guess."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method == "POST":
            waiting = check_login(current_user.email)
            if waiting is not None:
                return waiting
        return view(*args, **kwargs)

    return guarded


def count_secret_check(uow) -> None:
    """After the unit of work of such a page: a wrong password or code counts as a failed login."""
    if uow.error is not None and uow.error.field in SECRET_FIELDS:
        login_failed(current_user.email)
