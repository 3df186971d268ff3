"""The languages Orchard speaks and which one a request is answered in.

A logged-in user's choice (Settings → Profile) wins; before login, the language picked on the login
or register page (`?lang=ru`, then remembered in a cookie); else the browser's Accept-Language; else
English. A new account starts in the language its register page was shown in."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

# code → the language's own name (shown in the pickers as is, never translated)
LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT = "en"
COOKIE = "orchard_locale"


def known(code: str | None) -> str | None:
    return code if code in LANGUAGES else None


def select_locale() -> str:
    if current_user and current_user.is_authenticated:
        chosen = known(current_user.locale)
        if chosen:
            return chosen
    picked = known(request.args.get("lang"))
    if picked:
        g.picked_locale = picked  # remembered by remember_picked_language
        return picked
    return known(request.cookies.get(COOKIE)) or request.accept_languages.best_match(LANGUAGES) or DEFAULT


def remember_picked_language(response):
    """A language picked with ?lang= on a page before login stays picked (a year, this site only)."""
    picked = g.get("picked_locale")
    if picked:
        response.set_cookie(COOKIE, picked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def install(app: Flask) -> None:
    from flask_babel import get_locale

    app.after_request(remember_picked_language)
    app.jinja_env.globals["languages"] = LANGUAGES
    app.context_processor(lambda: {"current_locale": str(get_locale() or DEFAULT)})
