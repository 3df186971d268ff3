from flask import Blueprint

# No url_prefix: the partner page's Timeline tab (/partners/<id>/timeline), the inline actions
# (/interactions/<id>/…) and the workspace Activity feed (/activity).
bp = Blueprint("interactions", __name__)

from app.interactions import routes  # noqa: E402,F401
