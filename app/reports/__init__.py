"""Reports: one navigation entry, a page per report (picture first, table under it, CSV/xlsx of
the table), a shared period picker and filters. The measures live in app.services.reports."""

from flask import Blueprint

from app.web import blueprint_nav_section

bp = Blueprint("reports", __name__, url_prefix="/reports")
blueprint_nav_section(bp, "reports")

from app.reports import outcome_routes, referral_economics, routes, team_routes  # noqa: E402,F401
