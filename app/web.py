"""Small request helpers shared by the blueprints: page vs fragment, public routes."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from flask import make_response, render_template, request

from app.extensions import htmx


def wants_fragment() -> bool:
    """A fragment only for htmx requests that are not boosted navigation."""
    # A history restore (back button after the htmx cache missed) needs the whole page.
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, fragment: str | None = None, /, *, status: int = 200, **context):
    """Render the full page, or only its fragment when htmx asked for a piece of it."""
    chosen = fragment if fragment and wants_fragment() else template
    response = make_response(render_template(chosen, **context), status)
    response.vary.add("HX-Request")
    return response


def public(view):
    """Mark a view as reachable without logging in (statement links, feeds, auth pages)."""
    view.is_public = True
    return view


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    # Browsers read "/\\host" as "//host": backslashes and control characters never make a local path
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def now_utc():
    """The request's 'now', aware UTC: routes hand it to the services."""
    from datetime import datetime

    return datetime.now(UTC)


def int_arg(name: str, default=None):
    """An integer query argument, or `default` when it is missing or not a number."""
    from app.ids import parse_int

    return parse_int(request.args.get(name), default)


def page_arg() -> int:
    """The `page` query argument: 1 when missing or not a number, never beyond MAX_PAGE."""
    from app.ids import MAX_PAGE

    return min(max(1, int_arg("page", 1)), MAX_PAGE)


def date_arg(name: str):
    """An ISO date query argument, or None when it is missing or not a date."""
    from datetime import date

    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def apply_service_error(form, error) -> None:
    """Show a ServiceError next to its field, or at the top of the form when it names none."""
    if error.field and error.field in form:
        form[error.field].errors = list(form[error.field].errors) + [error.message]
    else:
        form.form_errors.append(error.message)
