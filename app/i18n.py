"""The languages Orchard speaks and which one a request is answered in.

A logged-in user's choice (Settings → Profile) wins; before login, the language picked on the login
or register page (`?lang=ru`, then remembered in a cookie); else the browser's Accept-Language; else
English. A new account starts in the language its register page was shown in."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import flask_babel
from flask import Flask, g, has_app_context, has_request_context, request
from flask_login import current_user

from app import formatting
from app import messages as service_messages

# code → the language's own name (shown in the pickers as is, never translated)
LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT = "en"
COOKIE = "orchard_locale"


def known(code: str | None) -> str | None:
    return code if code in LANGUAGES else None


def language_of(user, fallback: str = DEFAULT) -> str:
    """The language `user` reads Orchard in (their profile's), for what is written for them outside
    their own request: a job's work, a mail, their calendar feed."""
    return known(getattr(user, "locale", None)) or fallback


def select_locale() -> str:
    if not has_request_context():  # a job or a command: English unless force_locale says otherwise
        return DEFAULT
    if current_user and current_user.is_authenticated:
        chosen = known(current_user.locale)
        if chosen:
            return chosen
    picked = known(request.args.get("lang"))
    if picked:
        g.picked_locale = picked  # remembered by remember_picked_language
        return picked
    return known(request.cookies.get(COOKIE)) or request.accept_languages.best_match(LANGUAGES) or DEFAULT


def install_service_translator() -> None:
    """The business rules' messages (app/messages.py) are translated through the catalog."""
    service_messages.install(flask_babel.gettext, _ngettext, _show)


def _ngettext(singular: str, plural: str, num: int, /, **params) -> str:
    """ngettext with %(num)s among `params`, already written in the user's locale."""
    return flask_babel.get_translations().ungettext(singular, plural, num) % params


def _show(value: object) -> object:
    """A service message's param as the user reads it: dates, times and numbers in their locale."""
    if not has_app_context():
        return service_messages.plain(value)
    if isinstance(value, datetime):
        return formatting.fmt_datetime(value)
    if isinstance(value, date):
        return formatting.fmt_date(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return formatting.fmt_number(value)
    return value


def remember_picked_language(response):
    """A language picked with ?lang= on a page before login stays picked (a year, this site only)."""
    picked = g.get("picked_locale")
    if picked:
        response.set_cookie(COOKIE, picked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def page_translations():
    """The request's translations, looked up once per request and language: a page asks for a
    hundred texts, and Flask-Babel finds the catalogue again for each one (the domain, the locale,
    the cache, through the request's globals). Kept in the attribute Flask-Babel clears itself when
    the language changes (force_locale, refresh)."""
    from flask_babel import get_translations

    if not has_app_context():
        return get_translations()
    state = g.get("_flask_babel")
    cached = getattr(state, "babel_translations", None)
    if cached is None:
        cached = get_translations()
        state = g.get("_flask_babel")  # made by the look-up when it was missing
        if state is not None:
            state.babel_translations = cached
    return cached


def install(app: Flask) -> None:
    from flask_babel import get_locale

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.after_request(remember_picked_language)
    app.jinja_env.globals["languages"] = LANGUAGES
    app.context_processor(lambda: {"current_locale": str(get_locale() or DEFAULT)})
