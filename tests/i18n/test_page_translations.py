"""Templates look their texts up in the request's catalogue once per request and language: a
language forced for a mail inside a request (the reset mail in the account's language) is used
while it is forced, and the page's own language comes back after it."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from app.i18n import page_translations

TEMPLATE = "{{ _('Partners') }} · {{ ngettext('%(num)s partner', '%(num)s partners', 5) }}"


def test_a_forced_language_inside_a_request_is_used_and_then_left(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(TEMPLATE) == "Partners · 5 partners"
        with force_locale("ru"):
            assert render_template_string(TEMPLATE) == "Партнёры · 5 партнёров"
        assert render_template_string(TEMPLATE) == "Partners · 5 partners"


def test_the_catalogue_is_looked_up_once_per_request(app):
    # each request has its own application context (and globals), as a served request has
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "ru"}):
        first = page_translations()
        assert page_translations() is first
        assert render_template_string("{{ _('Partners') }}") == "Партнёры"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert page_translations() is not first
        assert render_template_string("{{ _('Partners') }}") == "Partners"
