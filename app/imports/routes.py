from app.imports import bp


@bp.route("/")
def index():
    return ""
