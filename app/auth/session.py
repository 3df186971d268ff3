"""Who is asking, and in which workspace: loaded once per request in a single query."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import and_, select

from app.auth.signin import full_reload_after_rotation, parse_key
from app.extensions import db, htmx, login_manager
from app.models import Membership, User, UserSession, Workspace
from app.services import sessions
from app.web import now_utc, safe_next_url

# Views a logged-in user may reach without a current workspace
WORKSPACE_OPTIONAL = {"auth.logout", "auth.no_workspace", "auth.create_workspace", "auth.accept_invite", "auth.switch"}


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_key: str):
        user_id, key = parse_key(user_key)
        if key is None:
            return None
        now = now_utc()
        row = db.session.execute(
            select(User, UserSession, Membership, Workspace)
            .join(
                UserSession,
                and_(
                    UserSession.user_id == User.id, UserSession.key_hash == sessions.key_hash(key), sessions.live(now)
                ),
            )
            .outerjoin(
                Membership, and_(Membership.user_id == User.id, Membership.workspace_id == User.current_workspace_id)
            )
            .outerjoin(Workspace, Workspace.id == Membership.workspace_id)
            .where(User.id == user_id)
        ).first()
        if row is None:
            return None
        g.membership, g.workspace, g.user_session = row.Membership, row.Workspace, row.UserSession
        if sessions.needs_touch(row.UserSession, now):
            g.touch_session_at = now
        row.User.session_key = key
        return row.User

    app.after_request(full_reload_after_rotation)

    @app.after_request
    def record_last_seen(response):
        """Write the session's last-seen time (at most every few minutes), after the page is done,
        in a transaction of its own; skipped when the request left unsaved changes behind."""
        when = g.pop("touch_session_at", None)
        if when is not None and not (db.session.new or db.session.dirty or db.session.deleted):
            session_id = g.user_session.id  # read before the commit expires it
            db.session.commit()
            sessions.touch(db.session, session_id, when)
            db.session.commit()
        return response

    @app.before_request
    def require_login_and_workspace():
        if not login_required_for(request.endpoint):
            return None
        if not current_user.is_authenticated:
            return to_login()
        if getattr(g, "workspace", None) is None and request.endpoint not in WORKSPACE_OPTIONAL:
            membership = db.session.scalar(
                select(Membership).where(Membership.user_id == current_user.id).order_by(Membership.id).limit(1)
            )
            if membership is None:
                return redirect(url_for("auth.no_workspace"))
            current_user.current_workspace_id = membership.workspace_id
            db.session.commit()
            g.membership, g.workspace = membership, membership.workspace
        return None


def _page_to_return_to() -> str | None:
    """The page to come back to after logging in: the one asked for, or — for an action (a form
    post, an htmx request for a piece of a page) — the page the user was on, never the action
    itself (a POST-only address answers 405 when opened after login)."""
    if request.method == "GET" and not htmx:
        return request.full_path.rstrip("?")
    on = request.headers.get("HX-Current-URL") if htmx else request.referrer
    parts = urlsplit(on or "")
    if parts.netloc != request.host:
        return None
    return safe_next_url(parts.path + (f"?{parts.query}" if parts.query else ""))


def login_required_for(endpoint: str | None) -> bool:
    """Whether the view needs a logged-in browser (not a public page, not the API's token views)."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if view is None or endpoint == "static" or getattr(view, "is_public", False):
        return False
    return not (request.blueprint or "").startswith("api_")  # the API authenticates by token (app/api/auth.py)


def to_login():
    """The answer to a request that needs a login: to the login page, then back to the page."""
    target = url_for("auth.login", next=_page_to_return_to())
    if htmx:
        response = jsonify(error="login required")
        response.status_code = 401
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
