"""Settings: workspace (name, currency, cadence defaults), members and invites, profile."""

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import limits, signin
from app.extensions import db
from app.models import Invite, Membership
from app.services import accounts
from app.settings import bp
from app.settings.forms import InviteForm, PasswordForm, ProfileForm, RoleForm, WorkspaceForm
from app.tenancy import get_or_404_in_workspace, require_owner
from app.web import blueprint_nav_section, render, unit_of_work
from app.web import now_utc as _now

blueprint_nav_section(bp, "settings")


@bp.route("/", methods=["GET", "POST"])
def workspace():
    form = WorkspaceForm(obj=g.workspace)
    if request.method == "POST":
        require_owner()
        if form.validate_on_submit():
            with unit_of_work(form) as uow:
                accounts.update_workspace(db.session, g.workspace, form.data_for_service())
            if uow.ok:
                flash(_("Workspace settings saved."), "success")
                return redirect(url_for("settings.workspace"))
    return render("settings/workspace.html", form=form, section="workspace", status=422 if form.errors else 200)


@bp.route("/members")
def members():
    rows = accounts.memberships(db.session, g.workspace.id)
    invites = accounts.recent_invites(db.session, g.workspace.id) if g.membership.is_owner else []
    new_link = session.pop("new_invite_link", None)
    return render(
        "settings/members.html",
        rows=rows,
        invites=invites,
        invite_form=InviteForm(),
        role_form=RoleForm(formdata=None),
        new_link=new_link,
        now=_now(),
        section="members",
    )


@bp.route("/invites", methods=["POST"])
def create_invite():
    require_owner()
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Choose a role for the invite."), "error")
        return redirect(url_for("settings.members"))
    invite, token = accounts.create_invite(db.session, g.workspace, current_user, _now(), role=form.role.data)
    db.session.commit()
    # Shown once, right after creation: only its hash is stored.
    session["new_invite_link"] = url_for("auth.accept_invite", token=token, _external=True)
    flash(_("Invite link created. Copy it now: it is shown only once and works for 7 days."), "success")
    return redirect(url_for("settings.members"))


@bp.route("/invites/<int:invite_id>/revoke", methods=["POST"])
def revoke_invite(invite_id):
    invite = get_or_404_in_workspace(Invite, invite_id)
    require_owner()
    accounts.revoke_invite(invite, _now())
    db.session.commit()
    flash(_("Invite revoked; the link no longer works."), "info")
    return redirect(url_for("settings.members"))


@bp.route("/members/<int:membership_id>/role", methods=["POST"])
def set_role(membership_id):
    membership = get_or_404_in_workspace(Membership, membership_id)
    require_owner()
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose owner or member."), "error")
        return redirect(url_for("settings.members"))
    with unit_of_work() as uow:
        accounts.set_member_role(db.session, membership, form.role.data, actor=g.membership)
    if uow.error:
        flash(uow.error.message, "error")
    else:
        flash(_("Role updated."), "success")
    return redirect(url_for("settings.members"))


@bp.route("/members/<int:membership_id>/remove", methods=["POST"])
def remove_member(membership_id):
    membership = get_or_404_in_workspace(Membership, membership_id)
    require_owner()
    with unit_of_work() as uow:
        accounts.remove_member(db.session, membership, actor=g.membership)
    if uow.error:
        flash(uow.error.message, "error")
    else:
        flash(_("Member removed from the workspace."), "info")
    return redirect(url_for("settings.members"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    password_form = PasswordForm(prefix="pw")
    if request.method == "POST" and request.form.get("form") == "profile":
        if form.validate_on_submit():
            with unit_of_work(form) as uow:
                accounts.update_profile(
                    current_user, name=form.name.data, timezone=form.timezone.data, locale=form.locale.data
                )
            if uow.ok:
                flash(_("Profile saved."), "success")
                return redirect(url_for("settings.profile"))
    elif request.method == "POST" and request.form.get("form") == "password" and password_form.validate_on_submit():
        waiting = limits.check_login(current_user.email)  # the password is checked again: login's limits
        if waiting is not None:
            return waiting
        with unit_of_work(password_form) as uow:
            accounts.change_password(
                current_user,
                password_form.current_password.data,
                password_form.new_password.data,
                current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"),
            )
        limits.count_secret_check(uow)
        if uow.ok:
            # A new key for this session (and its remember cookie, if any); every other session ends.
            # begin_session needs the real User object: given the current_user proxy it would
            # store the proxy itself and recurse without end on the next current_user access.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            user = current_user._get_current_object()
            signin.begin_session(user, remember=remembered)
            signin.end_other_sessions(user)
            flash(_("Password changed. Other sessions were logged out."), "success")
            return redirect(url_for("settings.profile"))
    status = 422 if form.errors or password_form.errors else 200
    return render("settings/profile.html", form=form, password_form=password_form, section="profile", status=status)
