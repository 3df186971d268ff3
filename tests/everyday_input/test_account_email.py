"""An address on a domain reserved for testing (the demo's demo@orchard.test) is an account address
only where Orchard runs in development or testing; elsewhere the form says why, next to the field."""

from __future__ import annotations

import pytest

from app.models import User
from tests.html import parse

RESERVED = "anna@studio.test"


def _register(client, email):
    return client.post(
        "/register",
        data={"name": "Anna", "email": email, "password": "long-enough-pass-123", "workspace_name": "Studio"},
    )


@pytest.fixture
def in_production(app, monkeypatch):
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setattr(app, "debug", False)
    monkeypatch.setitem(app.config, "ALLOW_TEST_EMAIL_DOMAINS", False)


def test_testing_accepts_an_address_on_a_test_domain(client, db):
    assert _register(client, RESERVED).status_code == 302
    assert db.session.query(User).filter_by(email=RESERVED).count() == 1


@pytest.mark.usefixtures("in_production")
def test_production_refuses_it_next_to_the_field_and_keeps_what_was_typed(client, db):
    response = _register(client, RESERVED)
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert page.one("input", id="email")["value"] == RESERVED and page.one("input", id="name")["value"] == "Anna"
    said = page.one(id="email-error").text
    assert "studio.test is reserved for testing" in said and "password resets" in said
    assert db.session.query(User).filter_by(email=RESERVED).count() == 0


@pytest.mark.usefixtures("in_production")
def test_production_still_takes_an_ordinary_address(client, db):
    assert _register(client, "anna@studio.de").status_code == 302


@pytest.mark.parametrize("typed", ["anna@", "anna studio@x.de", "anna@@studio.de"])
def test_what_is_no_address_is_refused_as_such(client, db, typed):
    response = _register(client, typed)
    assert response.status_code == 422
    assert parse(response.get_data(as_text=True)).one(id="email-error").text.strip() == "Invalid email address."
