from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partners")

from app.partners import routes, contact_routes  # noqa: E402,F401
