"""Every money and percent field reads what was typed in the user's locale: the English-browser deal
amount "4.800,00" once saved as 4.80 and "4800,50" as 480,050 (the commission then followed the
wrong amount). Now such input is refused next to the field, with the value kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Deal, Terms
from tests.conftest import make_partner
from tests.html import parse


def _deal(client, partner, amount):
    return client.post(
        "/deals/new",
        data={"partner_id": partner.id, "title": "Brand book", "amount": amount, "currency": "EUR", "stage": "lead"},
    )


def _locale(db, user, locale):
    user.locale = locale
    db.session.commit()


@pytest.mark.parametrize("typed", ["4.800,00", "4800,50", "4,80"])
def test_an_amount_that_english_does_not_write_so_is_refused_and_kept(logged_in, user, workspace, db, typed):
    partner = make_partner(workspace, name="Acme")
    response = _deal(logged_in, partner, typed)
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert page.one("input", name="amount")["value"] == typed
    error = page.one(id="amount-error").text
    assert typed in error and "4,800.50" in error
    assert db.session.scalar(select(Deal)) is None


@pytest.mark.parametrize(
    ("locale", "typed", "saved"),
    [
        ("en", "4,800.50", "4800.50"),
        ("en", "4800.50", "4800.50"),
        ("ru", "4 800,50", "4800.50"),
        ("ru", "4800,50", "4800.50"),
        ("ru", "4800.50", "4800.50"),
    ],
)
def test_amounts_as_written_in_the_users_locale(logged_in, user, workspace, db, locale, typed, saved):
    _locale(db, user, locale)
    partner = make_partner(workspace, name="Acme")
    assert _deal(logged_in, partner, typed).status_code == 302
    assert db.session.scalar(select(Deal.amount)) == Decimal(saved)


def test_the_amount_is_shown_again_in_the_users_locale(logged_in, user, workspace, db):
    _locale(db, user, "ru")
    partner = make_partner(workspace, name="Acme")
    _deal(logged_in, partner, "4 800,50")
    deal = db.session.scalar(select(Deal))
    page = parse(logged_in.get(f"/deals/{deal.id}/edit").get_data(as_text=True))
    field = page.one("input", name="amount")
    assert field["value"] == "4800,50" and field["inputmode"] == "decimal" and field["type"] == "text"


def test_a_commission_rate_in_russian(logged_in, user, workspace, db):
    _locale(db, user, "ru")
    partner = make_partner(workspace, name="Anna's Studio")
    response = logged_in.post(f"/partners/{partner.id}/terms", data={"version": "0", "commission_rate": "7,5"})
    assert response.status_code in (200, 302)
    assert db.session.scalar(select(Terms.commission_rate)) == Decimal("7.50")


def test_a_rate_written_two_ways_is_refused(logged_in, user, workspace, db):
    partner = make_partner(workspace, name="Anna's Studio")
    response = logged_in.post(f"/partners/{partner.id}/terms", data={"version": "0", "commission_rate": "7,5"})
    assert response.status_code == 422
    assert parse(response.get_data(as_text=True)).one("input", name="commission_rate")["value"] == "7,5"
    assert db.session.scalar(select(Terms)) is None
