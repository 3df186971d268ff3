"""The languages Orchard speaks and which one a request is answered in.

A logged-in user's choice (Settings → Profile) wins; before login, the language picked on the login
or register page (a cookie); else the browser's Accept-Language; else English."""

from __future__ import annotations

from flask import request
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
    return known(request.cookies.get(COOKIE)) or request.accept_languages.best_match(LANGUAGES) or DEFAULT
