from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from app.settings import (  # noqa: E402,F401
    audit_routes,
    data_routes,
    mail_routes,
    routes,
    security_routes,
    token_routes,
    trash_routes,
    two_factor_routes,
    webhook_routes,
)
