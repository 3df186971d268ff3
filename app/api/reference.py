"""The API reference page: the OpenAPI document rendered in the app by the vendored Redoc
(static/vendor/redoc-*, from its npm package; it loads the document itself, no inline script)."""

from __future__ import annotations

from flask import Blueprint, current_app

from app.web import render

bp = Blueprint("api", __name__)


@bp.route("/api/reference")
def reference():
    return render("api/reference.html", rate_limit=current_app.config.get("API_RATE_LIMIT", "300 per minute"))
