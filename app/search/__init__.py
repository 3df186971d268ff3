from flask import Blueprint

# Global search: the full results page (/search, works without JavaScript) and the palette's
# fragment (/search/palette, loaded by htmx as the user types). Both only read.
bp = Blueprint("search", __name__)

from app.search import routes  # noqa: E402,F401
