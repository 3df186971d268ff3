from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partners")

from app.partners import contact_routes, history_routes, routes  # noqa: E402,F401
