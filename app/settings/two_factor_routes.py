"""Settings → two-factor authentication: turn it on (scan or type the secret, confirm with a code,
keep the ten recovery codes shown once), make new recovery codes, turn it off; the workspace
owner's requirement, and sending members without it to the enrol page."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import limits
from app.extensions import db, htmx
from app.services import two_factor
from app.settings import bp
from app.settings.two_factor_forms import CodeForm, PasswordCodeForm, RequirementForm, StartForm
from app.tenancy import require_owner
from app.web import now_utc, render, unit_of_work

NEW_CODES = "two_factor_new_codes"  # the Flask session key of the recovery codes shown once

# what a member without two-factor authentication may still reach in a workspace that requires it
REACHABLE_WITHOUT = {
    "static",
    "auth.logout",
    "auth.switch",
    "auth.no_workspace",
    "auth.create_workspace",
    "auth.accept_invite",
    "settings.two_factor",
    "settings.two_factor_start",
    "settings.two_factor_cancel",
    "settings.two_factor_confirm",
    "settings.two_factor_codes",
    "settings.two_factor_codes_txt",
}


@bp.before_app_request
def send_members_without_two_factor_to_enrol():
    """Runs after the login check (registered later), on the rows the user loader loaded."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in REACHABLE_WITHOUT or (request.blueprint or "").startswith("api_"):
        return None
    view = current_app.view_functions.get(endpoint)
    if view is None or getattr(view, "is_public", False) or not current_user.is_authenticated:
        return None
    if not two_factor.must_enrol(current_user, getattr(g, "workspace", None)):
        return None
    flash(_("%(name)s requires two-factor authentication. Turn it on to go on.", name=g.workspace.name), "info")
    target = url_for("settings.two_factor")
    if htmx:
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def _page(*, start_form=None, confirm_form=None, regenerate_form=None, disable_form=None, status=200):
    user = current_user
    secret = uri = qr = None
    if not user.has_two_factor and user.totp_pending_secret:
        secret = user.totp_pending_secret
        uri = two_factor.provisioning_uri(secret, user.email, issuer=_("Orchard"))
        qr = two_factor.qr_svg(uri)
    return render(
        "settings/two_factor.html",
        section="security",
        two_factor_page={
            "secret": secret,
            "uri": uri,
            "qr_svg": qr,
            "codes_left": two_factor.recovery_codes_left(db.session, user) if user.has_two_factor else None,
            "start_form": start_form or StartForm(formdata=None, prefix="start"),
            "confirm_form": confirm_form or CodeForm(formdata=None),
            "regenerate_form": regenerate_form or PasswordCodeForm(formdata=None, prefix="regenerate"),
            "disable_form": disable_form or PasswordCodeForm(formdata=None, prefix="disable"),
        },
        status=status,
    )


@bp.route("/two-factor", endpoint="two_factor")
def two_factor_page():
    session.pop(NEW_CODES, None)  # the recovery codes were shown once; leaving them forgets them
    return _page()


@bp.route("/two-factor/start", methods=["POST"])
@limits.guard_secret_check
def two_factor_start():
    form = StartForm(prefix="start")
    if not form.validate_on_submit():
        return _page(start_form=form, status=422)
    with unit_of_work(form) as uow:
        two_factor.start_enrolment(current_user, form.password.data)
    limits.count_secret_check(uow)
    if uow.error and uow.error.field:
        return _page(start_form=form, status=422)
    if uow.error:
        flash(uow.error.message, "info")
    return redirect(url_for("settings.two_factor"))


@bp.route("/two-factor/cancel", methods=["POST"])
def two_factor_cancel():
    with unit_of_work():
        two_factor.cancel_enrolment(current_user)
    return redirect(url_for("settings.two_factor"))


@bp.route("/two-factor/confirm", methods=["POST"])
def two_factor_confirm():
    form = CodeForm()
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            codes = two_factor.confirm_enrolment(db.session, current_user, form.code.data, now_utc())
        if uow.ok:
            session[NEW_CODES] = codes
            flash(_("Two-factor authentication is on."), "success")
            return redirect(url_for("settings.two_factor_codes"))
        if current_user.has_two_factor or not current_user.totp_pending_secret:  # done or cancelled elsewhere
            flash(uow.error.message, "info")
            return redirect(url_for("settings.two_factor"))
    return _page(confirm_form=form, status=422)


@bp.route("/two-factor/recovery-codes")
def two_factor_codes():
    codes = session.get(NEW_CODES)
    if not codes or not current_user.has_two_factor:
        return redirect(url_for("settings.two_factor"))
    return render("settings/two_factor_codes.html", codes=codes, section="security")


@bp.route("/two-factor/recovery-codes.txt")
def two_factor_codes_txt():
    codes = session.get(NEW_CODES)
    if not codes or not current_user.has_two_factor:
        return redirect(url_for("settings.two_factor"))
    heading = _("Orchard recovery codes for %(email)s. Each works once.", email=current_user.email)
    return Response(
        "\n".join([heading, "", *codes, ""]),
        mimetype="text/plain",
        headers={
            "Content-Disposition": 'attachment; filename="orchard-recovery-codes.txt"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/two-factor/recovery-codes/regenerate", methods=["POST"])
@limits.guard_secret_check
def two_factor_regenerate():
    form = PasswordCodeForm(prefix="regenerate")
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            codes = two_factor.regenerate_recovery_codes(
                db.session, current_user, form.password.data, form.code.data, now_utc()
            )
        limits.count_secret_check(uow)
        if uow.ok:
            session[NEW_CODES] = codes
            flash(_("New recovery codes made; the old ones no longer work."), "success")
            return redirect(url_for("settings.two_factor_codes"))
    return _page(regenerate_form=form, status=422)


@bp.route("/two-factor/disable", methods=["POST"])
@limits.guard_secret_check
def two_factor_disable():
    form = PasswordCodeForm(prefix="disable")
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            two_factor.disable(db.session, current_user, form.password.data, form.code.data, now_utc())
        limits.count_secret_check(uow)
        if uow.ok:
            flash(_("Two-factor authentication is off."), "info")
            return redirect(url_for("settings.two_factor"))
    return _page(disable_form=form, status=422)


@bp.route("/two-factor/requirement", methods=["POST"])
def two_factor_requirement():
    require_owner()
    form = RequirementForm()
    if form.validate_on_submit():
        with unit_of_work() as uow:
            two_factor.set_workspace_requirement(g.workspace, current_user, bool(form.require_two_factor.data))
        if uow.error:
            flash(uow.error.message, "error")
        elif form.require_two_factor.data:
            flash(_("Every member now needs two-factor authentication to use this workspace."), "success")
        else:
            flash(_("Two-factor authentication is no longer required in this workspace."), "info")
    return redirect(url_for("settings.workspace"))
