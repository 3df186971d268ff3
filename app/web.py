"""Small request helpers shared by the blueprints: page vs fragment, public routes, the unit of
work around a change, URL templates for long lists, the navigation section of a view, page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, render_template, request, url_for

from app.extensions import db, htmx
from app.services import Gone, ServiceError


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


def currency_arg(name: str = "currency") -> str:
    """A currency code filter (query or form value): three letters, upper-cased, or "" for any."""
    code = request.values.get(name, "").strip().upper()
    return code if len(code) == 3 and code.isalpha() else ""


def apply_service_error(form, error) -> None:
    """Show a ServiceError next to its field, or at the top of the form when it names none."""
    if error.field and error.field in form:
        form[error.field].errors = list(form[error.field].errors) + [error.message]
    else:
        form.form_errors.append(error.message)


# --- the unit of work around one change -------------------------------------------------------


class UnitOfWork:
    """The outcome of a `with unit_of_work(...)` block: `error` is the ServiceError that undid it."""

    __slots__ = ("error",)

    def __init__(self) -> None:
        self.error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def unit_of_work(form=None) -> Iterator[UnitOfWork]:
    """Commit the block's changes, or, when a service refuses them (ServiceError), roll back and
    show the message next to its field of `form` (apply_service_error); when what it acts on was
    deleted by someone else meanwhile (Gone), answer 404. The route then answers
    from `uow.ok` / `uow.error`:

        with unit_of_work(form) as uow:
            partner = partner_service.create_partner(...)
        if uow.ok:
            return redirect(...)
    """
    uow = UnitOfWork()
    try:
        yield uow
    except Gone:  # what it acts on was deleted meanwhile: as a later try, "not found"
        db.session.rollback()
        abort(404)
    except ServiceError as error:
        db.session.rollback()
        uow.error = error
        if form is not None:
            apply_service_error(form, error)
    else:
        db.session.commit()


# --- URL templates: url_for once per page, the id filled in per item ----------------------------

_HOLE = 8_391_046_275_190_364  # an id no row has: where the id goes, replaced at once below
ID_HOLE = "{id}"  # the hole as scripts see it (str() of a UrlTemplate, in data attributes)


@dataclass(frozen=True, slots=True)
class UrlTemplate:
    """An endpoint's URL with a hole for one id (see url_template): `template(42)` is the URL for
    id 42; `str(template)` has ID_HOLE in the hole, for scripts that fill it in the browser."""

    head: str
    tail: str

    def __call__(self, ident) -> str:
        return f"{self.head}{int(ident)}{self.tail}"

    def __str__(self) -> str:
        return f"{self.head}{ID_HOLE}{self.tail}"


def url_template(endpoint: str, param: str, **values) -> UrlTemplate:
    """The URL of `endpoint` (with `values`) with a hole for `param`. url_for costs ~20 µs and a
    page can hold hundreds of links, so it runs once per page and each item fills the hole."""
    hole = str(_HOLE)
    head, found, tail = url_for(endpoint, **{param: _HOLE}, **values).partition(hole)
    if not found or hole in tail:
        raise ValueError(f"{endpoint}: {param} must appear once in the URL")
    return UrlTemplate(head, tail)


# --- which main-navigation entry a page belongs to ------------------------------------------------

NAV_SECTIONS = (
    "dashboard",
    "partners",
    "reminders",
    "referrals",
    "deals",
    "activity",
    "ledger",
    "reports",
    "settings",
)


def _checked_section(name: str | None) -> str | None:
    if name is not None and name not in NAV_SECTIONS:
        raise ValueError(f"unknown navigation section {name!r}")
    return name


def nav_section(name: str | None):
    """Declare the navigation entry a view belongs to (base.html highlights it); None for a view
    of a blueprint with a default (blueprint_nav_section) that belongs to no entry."""
    name = _checked_section(name)

    def mark(view):
        view.nav_section = name
        return view

    return mark


def blueprint_nav_section(bp, name: str) -> None:
    """Every view of `bp` belongs to this navigation entry unless it declares its own."""
    bp.nav_section = _checked_section(name)


def nav_section_for(endpoint: str | None) -> str | None:
    """The navigation entry of the view answering `endpoint`: its own, else its blueprint's."""
    if not endpoint:
        return None
    view = current_app.view_functions.get(endpoint)
    if view is not None and hasattr(view, "nav_section"):
        return view.nav_section
    blueprint = current_app.blueprints.get(endpoint.rpartition(".")[0])
    return getattr(blueprint, "nav_section", None)


# --- page size -------------------------------------------------------------------------------------


def per_page() -> int:
    """Rows per page of the paginated lists (Config.PER_PAGE)."""
    return current_app.config["PER_PAGE"]
