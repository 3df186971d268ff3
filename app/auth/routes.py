from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import bp, limits, signin
from app.auth.forms import LoginForm, RegisterForm, WorkspaceNameForm
from app.extensions import db, limiter
from app.services import accounts
from app.web import now_utc, public, unit_of_work


def _hash_method():
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    invite_token = request.args.get("invite")
    form = RegisterForm()
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            user = accounts.register_user(
                db.session,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                workspace_name=form.workspace_name.data,
                hash_method=_hash_method(),
                create_workspace=not invite_token,
                locale=str(get_locale()),
            )
        if uow.ok:
            signin.begin_session(user)
            if invite_token:
                return redirect(url_for("auth.accept_invite", token=invite_token))
            flash(_("Welcome to Orchard! Add your first partner to get started."), "success")
            return redirect(url_for("partners.index"))
    return render_template("auth/register.html", form=form, invite_token=invite_token), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        waiting = limits.check_login(form.email.data)  # fair limits: app/auth/limits.py
        if waiting is not None:
            return waiting
        user = accounts.authenticate(db.session, form.email.data, form.password.data, hash_method=_hash_method())
        if user is not None:
            limits.login_succeeded(form.email.data)
            return signin.password_accepted(user, remember=form.remember.data, next_url=request.args.get("next"))
        limits.login_failed(form.email.data)
        form.form_errors.append(_("Email or password is not right."))
        status = 422
    elif form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    signin.end_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_IP"])
def accept_invite(token):
    now = now_utc()
    invite = accounts.find_open_invite(db.session, token, now)
    if invite is None:
        return render_template("auth/invite_invalid.html"), 404
    if not current_user.is_authenticated:
        return render_template("auth/invite.html", invite=invite, token=token)
    if request.method == "POST":
        with unit_of_work() as uow:
            accounts.accept_invite(db.session, invite, current_user, now)
        if uow.error:  # used by someone else a moment ago: the page a later try gets, with the reason
            return render_template("auth/invite_invalid.html", reason=uow.error.message), 404
        flash(_("You joined %(name)s.", name=invite.workspace.name), "success")
        return redirect(url_for("home"))
    return render_template("auth/invite.html", invite=invite, token=token)


@bp.route("/workspaces/switch/<int:workspace_id>", methods=["POST"])
@login_required
def switch(workspace_id):
    with unit_of_work() as uow:
        accounts.switch_workspace(db.session, current_user, workspace_id)
    if uow.error:
        abort(404)
    return redirect(url_for("home"))


@bp.route("/workspaces/none")
@login_required
def no_workspace():
    return render_template("auth/no_workspace.html", form=WorkspaceNameForm())


@bp.route("/workspaces/new", methods=["GET", "POST"])
@login_required
def create_workspace():
    form = WorkspaceNameForm()
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            workspace = accounts.create_workspace_for(db.session, current_user, form.name.data)
            current_user.current_workspace_id = workspace.id
        if uow.ok:
            flash(_("Workspace %(name)s created.", name=workspace.name), "success")
            return redirect(url_for("home"))
    return render_template("auth/new_workspace.html", form=form), 422 if form.errors else 200
