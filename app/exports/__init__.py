from flask import Blueprint

# Downloads of what the lists show: the partners list, contacts (table or vCard), deals, the
# Activity feed and reminders. Every route is a GET that changes nothing.
bp = Blueprint("exports", __name__, url_prefix="/exports")

from app.exports import routes  # noqa: E402,F401
