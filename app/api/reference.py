"""The API reference page: the OpenAPI document rendered in the app by the vendored Redoc
(static/vendor/redoc-*, copied from its npm package `redoc` 2.5.4, MIT): the `<redoc spec-url>`
element starts it, so no inline script is needed under the CSP. Its search is off: it runs in a
worker made from a blob: URL, which the CSP refuses."""

from __future__ import annotations

from flask import Blueprint, current_app

from app.web import render

bp = Blueprint("api", __name__)


@bp.route("/api/reference")
def reference():
    return render("api/reference.html", rate_limit=current_app.config.get("API_RATE_LIMIT", "300 per minute"))
