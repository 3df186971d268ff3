"""Pipeline to ledger in a real Chromium: move a referred partner's deal to Won on the board (htmx,
keyboard, no full reload), see the referrer's commission appear, and open their statement link."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _seed(app, email, now):
    """A referrer with 15 % commission in their terms, a client they referred, an open deal."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Partner, User
    from app.services import deals, terms

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        ws_id = user.current_workspace_id
        referrer = Partner(workspace_id=ws_id, name="Rosa Referrer", status="referrer")
        db.session.add(referrer)
        db.session.flush()
        client = Partner(workspace_id=ws_id, name="Kiwi Bakery", status="active", referred_by_id=referrer.id)
        db.session.add(client)
        db.session.flush()
        terms.save_terms(db.session, referrer, {"commission_rate": Decimal("15")}, 0, user.id, now)
        deal = deals.create_deal(
            db.session,
            client,
            {"title": "Bakery web shop", "amount": Decimal("2400"), "currency": "EUR", "stage": "negotiation"},
            user.id,
            now,
        ).deal
        db.session.commit()
        ids = deal.id, referrer.id
        db.session.remove()
        return ids


def test_winning_a_deal_shows_the_referrers_commission(page, browser, live_server, register_and_login, server_clock):
    person = register_and_login(page)
    deal_id, referrer_id = _seed(live_server.app, person.email, server_clock)

    page.get_by_role("link", name="Deals").first.click()
    page.wait_for_url(re.compile(r"/deals/$"))
    card = page.locator(f"#deal-card-{deal_id}")
    expect(page.locator("#column-negotiation")).to_contain_text("Bakery web shop")
    page.evaluate("window.__noReload = 'yes'")

    # keyboard only: focus the card's stage select, choose Won, press Enter on Move
    stage = card.locator("select[name=stage]")
    stage.focus()
    stage.select_option("won")
    card.get_by_role("button", name="Move").press("Enter")

    won = page.locator("#column-won")
    expect(won).to_contain_text("Bakery web shop")
    expect(page.locator("#column-negotiation")).not_to_contain_text("Bakery web shop")
    expect(page.locator("#pipeline-status")).to_contain_text("€360.00 commission owed to Rosa Referrer")
    assert page.evaluate("window.__noReload") == "yes", "the board did a full page load"
    expect(page.locator(f"#deal-card-{deal_id}")).to_be_focused()

    # the referrer's Commissions tab and the Ledger show it as owed
    page.goto(live_server.url + f"/partners/{referrer_id}/commissions")
    entries = page.locator("#ledger-results")
    expect(entries).to_contain_text("Kiwi Bakery")
    expect(entries).to_contain_text("€360.00")
    expect(entries).to_contain_text("owed")

    # a private statement link, opened by someone who is not logged in
    page.get_by_role("button", name="Create a statement link").click()
    url = page.locator("#new-link-url").input_value()
    outsider = browser.new_context()
    try:
        statement = outsider.new_page()
        statement.goto(url)
        expect(statement.locator("h1")).to_contain_text("Rosa Referrer")
        expect(statement.locator("#statement")).to_contain_text("Kiwi Bakery")
        expect(statement.locator("#commission-totals")).to_contain_text("€360.00")
    finally:
        outsider.close()

    # pay it from the ledger
    page.get_by_role("link", name="Ledger").first.click()
    page.wait_for_url(re.compile(r"/ledger"))
    page.get_by_role("checkbox").first.check()
    page.fill("input[name=payment_reference]", "TR-2026-1")
    page.get_by_role("button", name="Mark selected as paid").click()
    expect(page.locator("#ledger-results")).to_contain_text("1 marked as paid")
    expect(page.locator("#ledger-results")).to_contain_text("TR-2026-1")
