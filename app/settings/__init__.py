from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from app.settings import data_routes, routes, security_routes, token_routes, webhook_routes  # noqa: E402,F401
