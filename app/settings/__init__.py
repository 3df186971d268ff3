from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from app.settings import data_routes, routes, token_routes, two_factor_routes, webhook_routes  # noqa: E402,F401
