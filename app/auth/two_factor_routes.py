"""The second step of logging in: a code from the authenticator app, or a recovery code, for the
login `signin.password_accepted` left pending (valid PENDING_LOGIN_VALID)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp, limits, signin
from app.extensions import db, limiter
from app.models import User
from app.services import two_factor
from app.settings.two_factor_forms import LoginCodeForm
from app.web import now_utc, public, safe_next_url


def _pending(now: datetime) -> dict | None:
    pending = session.get(signin.PENDING_LOGIN)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromtimestamp(float(pending["at"]), tz=now.tzinfo)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not started <= now < started + signin.PENDING_LOGIN_VALID:
        return None
    return pending


def _limit_key() -> str:
    """Wrong codes are counted per account, whatever address they come from."""
    pending = session.get(signin.PENDING_LOGIN)
    user_id = pending.get("user_id") if isinstance(pending, dict) else None
    return f"2fa:{user_id}"


def _start_again():
    session.pop(signin.PENDING_LOGIN, None)
    flash(_("Your login expired. Log in again."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["TWO_FACTOR_LIMIT_PER_ACCOUNT"],
    key_func=_limit_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    now = now_utc()
    pending = _pending(now)
    if pending is None:
        return _start_again()
    user = db.session.get(User, pending.get("user_id"))
    if user is None or signin.password_mark(user) != pending.get("password") or not user.has_two_factor:
        return _start_again()
    form = LoginCodeForm()
    if form.validate_on_submit():
        # the login's fair limits: a guesser's address waits, the owner's (no failures) does not
        subject = str(user.id)  # read now: the commit below expires the user
        waiting = limits.check("2fa", subject)
        if waiting is not None:
            return waiting
        kind = two_factor.use_code(db.session, user, form.code.data, now)
        if kind is not None:
            session.pop(signin.PENDING_LOGIN, None)
            signin.begin_session(user, remember=bool(pending.get("remember")))
        db.session.commit()  # the code used up, with the session begun
        if kind is not None:
            limits.succeeded("2fa", subject)
            if kind == two_factor.KIND_RECOVERY:
                left = two_factor.recovery_codes_left(db.session, user)
                flash(
                    _("You used a recovery code; %(n)s left. Make new ones in Settings.", n=left),
                    "error" if left < 3 else "info",
                )
            return redirect(safe_next_url(pending.get("next")) or url_for("home"))
        limits.failed("2fa", subject)
        form.code.errors.append(_("That code is not right, or it was used already."))
    return render_template("auth/login_code.html", form=form), 422 if form.errors else 200
