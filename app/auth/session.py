"""Who is asking, and in which workspace: loaded once per request in a single query."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import and_, select

from app.extensions import db, htmx, login_manager
from app.models import Membership, User, Workspace

# Views a logged-in user may reach without a current workspace
WORKSPACE_OPTIONAL = {"auth.logout", "auth.no_workspace", "auth.create_workspace", "auth.accept_invite", "auth.switch"}


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_key: str):
        try:
            user_id, version = (int(part) for part in user_key.split(":"))
        except ValueError:
            return None
        row = db.session.execute(
            select(User, Membership, Workspace)
            .outerjoin(
                Membership, and_(Membership.user_id == User.id, Membership.workspace_id == User.current_workspace_id)
            )
            .outerjoin(Workspace, Workspace.id == Membership.workspace_id)
            .where(User.id == user_id)
        ).first()
        if row is None or row.User.session_version != version:
            return None
        g.membership, g.workspace = row.Membership, row.Workspace
        return row.User

    @app.before_request
    def require_login_and_workspace():
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
            return None
        if (request.blueprint or "").startswith("api_"):  # the API authenticates by token (app/api/auth.py)
            return None
        if not current_user.is_authenticated:
            return _to_login()
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


def _to_login():
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx:
        response = jsonify(error="login required")
        response.status_code = 401
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
