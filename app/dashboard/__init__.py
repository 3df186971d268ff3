from flask import Blueprint

# The home page (/dashboard), one-click follow-ups from a flag, and the Help page (/help).
bp = Blueprint("dashboard", __name__)

from app.dashboard import routes  # noqa: E402,F401
