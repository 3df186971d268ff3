from flask import Blueprint

# No url_prefix: besides /reminders/… this feature adds the partner page's Reminders tab
# (/partners/<id>/reminders), the Calendar & digest settings and the public calendar feed.
bp = Blueprint("reminders", __name__)

from app.reminders import partner_routes, routes, settings_routes  # noqa: E402,F401
