"""A website typed the way people type it ("acme.com") is kept as a web address, not refused."""

from __future__ import annotations

import pytest

from app.models import Partner
from tests.html import parse


def _create(client, user, website):
    return client.post(
        "/partners/new",
        data={
            "name": "Acme",
            "kind": "company",
            "status": "active",
            "tier": "B",
            "source": "direct",
            "owner_id": str(user.id),
            "website": website,
        },
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("acme.com", "https://acme.com"),
        ("www.acme.co.uk/about", "https://www.acme.co.uk/about"),
        ("  http://acme.com  ", "http://acme.com"),
        ("https://acme.com", "https://acme.com"),
    ],
)
def test_a_website_without_a_scheme_is_saved_as_https(logged_in, user, db, typed, kept):
    response = _create(logged_in, user, typed)
    assert response.status_code == 302
    assert db.session.query(Partner).one().website == kept


@pytest.mark.parametrize("typed", ["not a site", "acme", "ftp://acme.com", "javascript:alert(1)"])
def test_what_is_no_web_address_is_refused_next_to_the_field_and_kept(logged_in, user, db, typed):
    response = _create(logged_in, user, typed)
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    field = page.one("input", name="website")
    assert field["value"] == typed.strip() or field["value"] == typed
    assert "Enter a web address" in page.text
    assert db.session.query(Partner).count() == 0


def test_the_field_lets_the_browser_send_a_bare_domain(logged_in):
    """An <input type=url> would be refused by the browser itself before it reaches Orchard."""
    page = parse(logged_in.get("/partners/new").get_data(as_text=True))
    field = page.one("input", name="website")
    assert field["type"] == "text"
    assert field["inputmode"] == "url"
