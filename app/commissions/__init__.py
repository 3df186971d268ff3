from flask import Blueprint

bp = Blueprint("commissions", __name__)

from app.commissions import routes  # noqa: E402,F401
