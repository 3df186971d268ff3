from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from app.settings import audit_routes, data_routes, routes, token_routes, webhook_routes  # noqa: E402,F401
