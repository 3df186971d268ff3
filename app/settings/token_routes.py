"""Settings → API tokens: a user's personal tokens for this workspace; owners see and revoke everyone's.

The new token's plaintext is in the answer to the create request only (never in the session cookie,
never stored): the page says to copy it now.
"""

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from app.extensions import db
from app.ids import parse_int
from app.services import api_tokens
from app.settings import bp
from app.settings.token_forms import ApiTokenForm
from app.web import now_utc as _now
from app.web import render, unit_of_work


def _reference_url() -> str | None:
    """The API reference page (app/api), when the API is part of this app."""
    try:
        return url_for("api.reference")
    except BuildError:
        return None


def _page(form, *, new_token=None, status=200):
    workspace_id = g.workspace.id
    mine = api_tokens.tokens_of_user(db.session, workspace_id, current_user.id)
    everyone = api_tokens.tokens_of_workspace(db.session, workspace_id) if g.membership.is_owner else []
    return render(
        "settings/api_tokens.html",
        form=form,
        mine=mine,
        everyone=everyone,
        new_token=new_token,
        now=_now(),
        reference_url=_reference_url(),
        section="api_tokens",
        status=status,
    )


@bp.route("/api-tokens", endpoint="api_tokens")
def api_tokens_page():
    return _page(ApiTokenForm(formdata=None))


@bp.route("/api-tokens", methods=["POST"])
def create_api_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    with unit_of_work(form) as uow:
        _token, plaintext = api_tokens.create_token(
            db.session,
            workspace_id=g.workspace.id,
            user_id=current_user.id,
            name=form.name.data,
            scope=form.scope.data,
            expires_on=form.expires_on.data,
            now=_now(),
        )
    if not uow.ok:
        return _page(form, status=422)
    flash(_("Token created. Copy it now: it is shown only once."), "success")
    return _page(ApiTokenForm(formdata=None), new_token=plaintext)


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(token_id):
    token = api_tokens.get_token(db.session, g.workspace.id, parse_int(token_id) or 0)
    # Another member's token is as invisible to a member as another workspace's: 404.
    if token is None or (token.user_id != current_user.id and not g.membership.is_owner):
        abort(404)
    with unit_of_work():
        revoked = api_tokens.revoke_token(db.session, token, _now())
    if revoked:
        flash(_("Token “%(name)s” revoked; it no longer works.", name=token.name), "info")
    else:
        flash(_("Token “%(name)s” was already revoked.", name=token.name), "info")
    return redirect(url_for("settings.api_tokens"))
