"""Orchard: a partnership CRM. create_app() is the only place the app is assembled."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import i18n
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from app.ids import DbIntConverter
from app.input_cleaning import CleanRequest
from config import CONFIGS, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class=None, **overrides) -> Flask:
    if config_class is None:
        config_class = CONFIGS[os.environ.get("ORCHARD_ENV", "development")]
    if config_class is ProductionConfig:
        ProductionConfig.validate()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.url_map.converters["int"] = DbIntConverter  # before any route: ids within the database's range
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.request_class = CleanRequest
    _trust_proxies(app)
    Path(app.instance_path).mkdir(exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=_select_timezone)
    i18n.install_service_translator()
    i18n.install(app)

    from app import (
        models,  # noqa: F401  (register every table)
        summaries,
    )

    summaries.install()
    from app.services.webhooks import detection

    detection.install()  # after the summaries: their hooks run first in each flush
    from app.audit_context import init_audit

    init_audit(app)  # the audit log's hooks, after both
    from app.jobs import init_jobs

    init_jobs(app)
    from app.auth.session import init_login

    _register_transaction_mode(app)
    init_login(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_security_headers(app)
    _register_errors(app)
    from app.api import init_api

    init_api(app)

    from app.cli import register_cli

    register_cli(app)
    return app


PROXY_HEADERS = ("for", "proto", "host", "port", "prefix")


def _trust_proxies(app: Flask) -> None:
    """Take the client's address (and scheme, host...) from the X-Forwarded-* headers set by as many
    proxies as PROXY_FIX_X_* say; with all of them 0 the headers are ignored (anyone can send them)."""
    hops = {f"x_{name}": app.config.get(f"PROXY_FIX_X_{name.upper()}", 0) for name in PROXY_HEADERS}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)


def _register_blueprints(app: Flask) -> None:
    from app.auth import bp as auth_bp
    from app.commissions import bp as commissions_bp
    from app.dashboard import bp as dashboard_bp
    from app.deals import bp as deals_bp
    from app.duplicates import bp as duplicates_bp
    from app.exports import bp as exports_bp
    from app.imports import bp as imports_bp
    from app.interactions import bp as interactions_bp
    from app.jobs.routes import bp as jobs_bp
    from app.mail_import import bp as mail_import_bp
    from app.partners import bp as partners_bp
    from app.referrals import bp as referrals_bp
    from app.reminders import bp as reminders_bp
    from app.reports import bp as reports_bp
    from app.search import bp as search_bp
    from app.settings import bp as settings_bp
    from app.terms import bp as terms_bp

    for bp in (
        auth_bp,
        partners_bp,
        settings_bp,
        referrals_bp,
        reminders_bp,
        deals_bp,
        terms_bp,
        commissions_bp,
        dashboard_bp,
        interactions_bp,
        exports_bp,
        duplicates_bp,
        imports_bp,
        jobs_bp,
        mail_import_bp,
        search_bp,
        reports_bp,
    ):
        app.register_blueprint(bp)

    @app.route("/")
    def home():
        return redirect(url_for("dashboard.index"))


def _register_transaction_mode(app: Flask) -> None:
    """Writing requests take SQLite's write lock when their transaction begins (app/database.py)."""
    from app import database

    @app.before_request
    def transaction_mode():
        g.transaction_mode = database.begin_read_only_for(request.method)  # reset by the teardown

    @app.teardown_request
    def end_transaction_mode(exc):
        token = g.pop("transaction_mode", None)
        if token is not None:
            database.end_request(token)


def _select_timezone():
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def _register_template_helpers(app: Flask) -> None:
    from app import formatting

    app.jinja_env.globals.update(
        fmt_date=formatting.fmt_date,
        fmt_datetime=formatting.fmt_datetime,
        fmt_time=formatting.fmt_time,
        fmt_money=formatting.fmt_money,
        fmt_number=formatting.fmt_number,
        fmt_percent=formatting.fmt_percent,
        fmt_decimal=formatting.fmt_decimal,
        fmt_ago=formatting.fmt_ago,
    )
    # Human labels for stored enum values (templates never show "prospect" or "earned" raw)
    from flask_babel import lazy_gettext as _l

    from app.commissions.note_words import commission_note
    from app.partners.forms import KIND_LABELS, SOURCE_LABELS, STATUS_LABELS, TIER_LABELS
    from app.settings.forms import ROLE_LABELS

    app.jinja_env.globals.update(
        status_labels=STATUS_LABELS,
        source_labels=SOURCE_LABELS,
        tier_labels=TIER_LABELS,
        role_labels=ROLE_LABELS,
        kind_labels=KIND_LABELS,
        commission_note=commission_note,
        commission_kind_labels={"earned": _l("Earned"), "adjustment": _l("Adjustment"), "reversal": _l("Reversal")},
    )

    def nav_workspaces():
        """The current user's workspaces, for the switcher (one query, only on full pages)."""
        from sqlalchemy import select

        from app.models import Membership, Workspace

        return db.session.scalars(
            select(Workspace)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == current_user.id)
            .order_by(Workspace.name)
        ).all()

    app.jinja_env.globals["nav_workspaces"] = nav_workspaces

    from app.web import nav_section_for

    @app.context_processor
    def inject_workspace():
        return {
            "workspace": getattr(g, "workspace", None),
            "membership": getattr(g, "membership", None),
            "nav_counts": getattr(g, "nav_counts", {}),
            "nav_section": nav_section_for(request.endpoint) if has_request_context() else None,
        }


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("STRICT_TRANSPORT_SECURITY"):
            response.headers.setdefault("Strict-Transport-Security", app.config["STRICT_TRANSPORT_SECURITY"])
        return response


def _register_errors(app: Flask) -> None:
    from flask_babel import gettext as _
    from flask_wtf.csrf import CSRFError
    from sqlalchemy.orm.exc import ObjectDeletedError

    from app.web import render

    def error_page(status, title, message):
        # a piece for an htmx request (static/js/app.js shows it in place), else the page
        return render("errors/error.html", "errors/_problem.html", status=status, title=title, message=message)

    @app.errorhandler(400)
    def bad_request(e):
        from werkzeug.exceptions import BadRequest

        # a view's own reason (abort(400, "…")), else the generic words in the user's language
        said = getattr(e, "description", None)
        reason = said if said and said != BadRequest.description else _("The request could not be understood.")
        return error_page(400, _("Bad request"), reason)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        from app.auth.session import login_required_for, to_login

        if not current_user.is_authenticated and login_required_for(request.endpoint):
            # logged out meanwhile (a logout renews the token): log in again, not "form expired"
            return to_login()
        return error_page(
            400,
            _("Form expired"),
            _("The form was missing its security token or it expired. Reload the page and try again."),
        )

    @app.errorhandler(403)
    def forbidden(e):
        return error_page(403, _("Not allowed"), _("Only a workspace owner can do that."))

    @app.errorhandler(404)
    def not_found(e):
        return error_page(
            404, _("Not found"), _("There is nothing here. It may have been removed, or the link is wrong.")
        )

    @app.errorhandler(ObjectDeletedError)
    def deleted_meanwhile(e):
        # the change was saved, then someone else deleted what the page shows before it was drawn:
        # as a later request would, answer "not found"
        db.session.rollback()
        return not_found(e)

    @app.errorhandler(405)
    def method_not_allowed(e):
        return error_page(405, _("Not allowed"), _("That action is not available here."))

    @app.errorhandler(409)
    def conflict(e):
        return error_page(
            409, _("Changed meanwhile"), _("Someone changed this a moment ago. Reload the page and try again.")
        )

    @app.errorhandler(413)
    def too_large(e):
        return error_page(413, _("Too large"), _("What you sent is larger than this server accepts (20 MB)."))

    @app.errorhandler(429)
    def too_many(e):
        return error_page(429, _("Too many attempts"), _("Too many attempts. Wait a few minutes and try again."))

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return error_page(
            500, _("Something went wrong"), _("Something went wrong on our side. Nothing you saved was lost.")
        )
