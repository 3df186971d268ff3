"""Settings → Security: the user's signed-in sessions (end one, or every other), the email address
change (app/auth/password_routes.py confirms it) and the two-factor section."""

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth import limits, signin
from app.auth.password_forms import EmailChangeForm
from app.auth.password_routes import MAIL_ERRORS, mail_down_message, send_email_change_mails
from app.extensions import db
from app.services import ServiceError, email_change, sessions
from app.settings import bp
from app.web import now_utc as _now
from app.web import render, unit_of_work


def security_page(*, email_form=None, status=200):
    this_session_id = signin.current_session_id()
    rows = sessions.active(db.session, current_user.id, _now())
    rows.sort(key=lambda row: row.id != this_session_id)  # this device first, then by last seen
    return render(
        "settings/security.html",
        rows=rows,
        this_session_id=this_session_id,
        email_form=email_form or EmailChangeForm(formdata=None, prefix="email"),
        pending_email=email_change.pending(db.session, current_user.id, _now()),
        section="security",
        status=status,
    )


@bp.route("/security")
def security():
    return security_page()


@bp.route("/security/sessions/<int:user_session_id>/end", methods=["POST"])
def end_user_session(user_session_id):
    if user_session_id == signin.current_session_id():
        signin.end_session()
        flash(_("You are logged out."), "info")
        return redirect(url_for("auth.login"))
    ended = False
    with unit_of_work():
        ended = sessions.end_one(db.session, current_user.id, user_session_id, _now())
    if ended:
        flash(_("That session is ended: the device it was on is logged out."), "success")
    else:
        flash(_("That session had already ended."), "info")
    return redirect(url_for("settings.security"))


@bp.route("/security/sessions/end-others", methods=["POST"])
def end_other_sessions():
    count = signin.end_other_sessions(current_user._get_current_object())
    if count:
        flash(ngettext("%(num)d other session ended.", "%(num)d other sessions ended.", count), "success")
    else:
        flash(_("There were no other sessions to end."), "info")
    return redirect(url_for("settings.security"))


@bp.route("/security/email/cancel", methods=["POST"])
def cancel_email_change():
    with unit_of_work():
        cancelled = email_change.cancel_pending(db.session, current_user.id, _now())
    if cancelled:
        flash(_("The email change was cancelled: its link no longer works."), "success")
    else:
        flash(_("There was no email change waiting."), "info")
    return redirect(url_for("settings.security"))


@bp.route("/security/email", methods=["POST"])
@limits.guard_secret_check
def change_email():
    form = EmailChangeForm(prefix="email")
    if not form.validate_on_submit():
        return security_page(email_form=form, status=422)
    user = current_user._get_current_object()
    with unit_of_work(form) as uow:
        token, new_email = email_change.request_change(
            db.session, user, form.new_email.data, form.current_password.data, _now()
        )
        try:
            send_email_change_mails(user, new_email, token)
        except MAIL_ERRORS:
            current_app.logger.exception("email change mail not sent")
            raise ServiceError(mail_down_message()) from None
    limits.count_secret_check(uow)
    if uow.error:
        return security_page(email_form=form, status=503 if uow.error.field is None else 422)
    flash(
        _(
            "We sent a confirmation link to %(email)s. Your address changes once you open it.",
            email=form.new_email.data,
        ),
        "success",
    )
    return redirect(url_for("settings.security"))
