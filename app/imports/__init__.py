from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.after_request
def never_cached(response):
    # the wizard's pages show what the server holds now: the browser's Back button must not bring
    # back an old copy of the mapping whose Continue would overwrite the saved one
    response.headers["Cache-Control"] = "no-store"
    return response


from app.imports import routes  # noqa: E402,F401
