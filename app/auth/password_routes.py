"""Password reset by email and the confirmation of a new email address: public pages reached from a
link in a message. Links are built by app.public_links.mail_link (never from the request's Host header)."""

from __future__ import annotations

import smtplib

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import i18n
from app.auth import bp, signin
from app.auth.password_forms import ForgotPasswordForm, ResetPasswordForm
from app.extensions import db, limiter
from app.mail import send_mail, smtp_transport
from app.public_links import mail_link
from app.services import email_change, password_reset
from app.web import now_utc, public, unit_of_work

MAIL_ERRORS = (OSError, smtplib.SMTPException)


def mail_down_message() -> str:
    return _(
        "We could not send the email just now: the mail server did not answer. Nothing was changed; please try again in a few minutes."
    )


def _no_referrer(response):
    """The token is in this page's URL: links from it must not pass it on."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config.get("RESET_LIMIT_PER_IP", "10 per hour"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200
    found = password_reset.request_reset(db.session, form.email.data, now_utc())
    try:
        if found is None:
            # No such account: the same answer, after talking to the mail server as a real one would.
            with smtp_transport():
                pass
        else:
            user, token = found
            _send_reset_mail(user, token)
    except MAIL_ERRORS:
        db.session.rollback()
        current_app.logger.exception("password reset mail not sent")
        form.form_errors.append(mail_down_message())
        return render_template("auth/forgot_password.html", form=form), 503
    db.session.commit()
    return render_template("auth/forgot_password_sent.html", email=form.email.data)


def _send_reset_mail(user, token) -> None:
    with force_locale(i18n.language_of(user, fallback=str(get_locale()))):  # the account's language, not the browser's
        _write_reset_mail(user, token)


def _write_reset_mail(user, token) -> None:
    link = mail_link("auth.reset_password", token=token)
    send_mail(
        to_name=user.name,
        to_email=user.email,
        subject=_("Reset your Orchard password"),
        text=_(
            "Hello %(name)s,\n\nSomeone (we hope you) asked to reset the password of your Orchard account. "
            "Choose a new password here:\n\n%(link)s\n\nThe link works once, within one hour. If you did not ask "
            "for it, ignore this message: your password stays as it is.\n",
            name=user.name,
            link=link,
        ),
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_IP"])
def reset_password(token):
    now = now_utc()
    if password_reset.find_valid(db.session, token, now) is None:
        return _no_referrer(_link_invalid(password_reset.LINK_NOT_VALID, url_for("auth.forgot_password")))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            password_reset.reset_password(
                db.session, token, form.password.data, now, current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            )
        if uow.error:  # used a moment ago by another try
            return _no_referrer(_link_invalid(uow.error.message, url_for("auth.forgot_password")))
        if current_user.is_authenticated:
            signin.end_session()
        flash(_("Your password is changed and every session was logged out. Log in with the new password."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return _no_referrer(current_app.make_response((render_template("auth/reset_password.html", form=form), status)))


def _link_invalid(reason: str, again_url: str):
    return current_app.make_response(
        (render_template("auth/link_invalid.html", reason=_(reason), again_url=again_url), 404)
    )


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_IP"])
def confirm_email_change(token):
    if request.method == "GET":  # opening the link (a mail scanner may) only asks
        waiting = email_change.find_open(db.session, token, now_utc())
        if waiting is None:
            return _no_referrer(_link_invalid(email_change.LINK_NOT_VALID, url_for("settings.security")))
        return _no_referrer(current_app.make_response(render_template("auth/confirm_email.html", change=waiting)))
    with unit_of_work() as uow:
        user, old_email = email_change.confirm_change(db.session, token, now_utc())
    if uow.error:
        return _no_referrer(_link_invalid(uow.error.message, url_for("settings.security")))
    flash(_("Your email address is now %(email)s. Log in with it from now on.", email=user.email), "success")
    current_app.logger.info("email of user %s changed from %s", user.id, old_email)
    return redirect(url_for("settings.security") if current_user.is_authenticated else url_for("auth.login"))


def send_email_change_mails(user, new_email: str, token: str) -> None:
    """The confirmation link to the new address, and a notice to the old one."""
    send_mail(
        to_name=user.name,
        to_email=new_email,
        subject=_("Confirm your new Orchard email address"),
        text=_(
            "Hello %(name)s,\n\nTo log in to Orchard with this address from now on, confirm it here:\n\n%(link)s\n\n"
            "The link works once, within 24 hours. If you did not ask for this, ignore this message.\n",
            name=user.name,
            link=mail_link("auth.confirm_email_change", token=token),
        ),
    )
    send_mail(
        to_name=user.name,
        to_email=user.email,
        subject=_("Your Orchard email address is being changed"),
        text=_(
            "Hello %(name)s,\n\nSomeone logged in to your Orchard account asked to change its email address to "
            "%(new)s. The change is made once that address confirms it.\n\nIf this was not you, log in, change "
            "your password (Settings → Profile), then cancel the change and log out everywhere else "
            "(Settings → Security).\n",
            name=user.name,
            new=new_email,
        ),
    )
