from flask import Blueprint

bp = Blueprint("terms", __name__)

from app.terms import routes  # noqa: E402,F401
