"""Email history import (upload an mbox or .eml files → a job → the result with "new contact?"
suggestions), the ignore list's routes, and "not a touch" on the partner timeline."""

from flask import Blueprint

bp = Blueprint("mail_import", __name__, url_prefix="/mail")

from app.mail_import import ignore_routes, routes  # noqa: E402,F401
