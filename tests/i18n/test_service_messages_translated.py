"""A business rule's message reaches the user in their language: the service keeps the English
template and its params, the catalog translates it when it is shown (app/messages.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import flask_babel
import pytest

from app import messages as service_messages
from app.extensions import db
from app.messages import N_plural
from app.models import User
from app.services import Gone, ServiceError

NAME_REFUSED = "Use a name without line breaks, tabs or other control characters."
KEEP_IT = ("Keep it under %(num)s character.", "Keep it under %(num)s characters.")


@pytest.fixture
def russian(app, monkeypatch):
    """Known Russian texts in the ru catalog for the duration of a test (the real ones are empty)."""
    with app.test_request_context(), flask_babel.force_locale("ru"):
        catalog = flask_babel.get_translations()._catalog
        monkeypatch.setitem(catalog, NAME_REFUSED, "Имя без переносов строк и табуляций.")
        monkeypatch.setitem(catalog, "Row %(number)s matches no partner to update.", "Строка %(number)s: нет партнёра.")
        for index, form in enumerate(
            ("Не длиннее %(num)s символа.", "Не длиннее %(num)s символов.", "Не длиннее %(num)s символов.")
        ):
            monkeypatch.setitem(catalog, (KEEP_IT[0], index), form)


def test_without_an_app_the_english_template_is_filled(monkeypatch):
    monkeypatch.setattr(service_messages, "_translators", {})
    error = ServiceError("Row %(number)s matches no partner to update.", "action", number=12)
    assert error.message == "Row 12 matches no partner to update."
    assert str(error) == error.english == error.message and error.field == "action"
    assert ServiceError(N_plural(*KEEP_IT, 1)).message == "Keep it under 1 character."
    assert ServiceError(N_plural(*KEEP_IT, 200)).message == "Keep it under 200 characters."
    when = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
    assert ServiceError("Undone on %(when)s.", when=when).message == "Undone on 2026-11-30 09:05 UTC."
    assert Gone().message == "This was deleted a moment ago."


def test_outside_a_request_the_installed_translator_speaks_english(app):
    with app.app_context():
        assert ServiceError("Row %(number)s matches no partner to update.", number=7).message == (
            "Row 7 matches no partner to update."
        )


@pytest.mark.usefixtures("russian")
def test_the_message_is_read_in_the_current_locale(app):
    error = ServiceError("Row %(number)s matches no partner to update.", "action", number=12000)
    with app.test_request_context(), flask_babel.force_locale("ru"):
        assert error.message == "Строка 12\xa0000: нет партнёра."  # the number written the Russian way
        assert ServiceError(N_plural(*KEEP_IT, 21)).message == "Не длиннее 21 символа."
        assert ServiceError(N_plural(*KEEP_IT, 25)).message == "Не длиннее 25 символов."
    with app.test_request_context(), flask_babel.force_locale("en"):
        assert error.message == "Row 12,000 matches no partner to update."
    assert error.english == "Row 12000 matches no partner to update."


@pytest.mark.usefixtures("russian")
def test_a_russian_page_shows_the_refusal_in_russian(logged_in, user):
    db.session.get(User, user.id).locale = "ru"
    db.session.commit()
    response = logged_in.post("/settings/profile", data={"form": "profile", "name": "Eve\nSmith", "timezone": "UTC"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Имя без переносов строк и табуляций." in html
    assert NAME_REFUSED not in html


@pytest.mark.usefixtures("russian")
def test_an_english_page_keeps_the_english(logged_in):
    response = logged_in.post("/settings/profile", data={"form": "profile", "name": "Eve\nSmith", "timezone": "UTC"})
    assert response.status_code == 422
    assert NAME_REFUSED in response.get_data(as_text=True)
