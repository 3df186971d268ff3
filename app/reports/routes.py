"""The Reports section's front page: what each report answers, one link each."""

from app.reports import bp
from app.web import render


@bp.route("/")
def index():
    return render("reports/index.html")
