from flask import Blueprint

bp = Blueprint("duplicates", __name__, url_prefix="/duplicates")

from app.duplicates import routes  # noqa: E402,F401
