"""The Referral economics report on a 390 px phone: it fits, and changing the period reloads the
pictures and the tables with the new period's numbers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser

WIDTH = 390


def _seed(app, email):
    from app.extensions import db
    from app.models import User, Workspace
    from tests.reports.economics_book import build

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        build(db.session.get(Workspace, user.current_workspace_id))
        db.session.remove()


def test_changing_the_period_updates_pictures_and_tables(browser, live_server, register_and_login, server_clock):
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        person = register_and_login(page)
        _seed(live_server.app, person.email)
        page.goto(live_server.url + "/reports/referral-economics")
        expect(page.locator("[data-reading]")).to_contain_text("76%")
        first_row = page.locator("#report-referral-generations tbody tr").first
        expect(first_row).to_contain_text("€1,570.00")
        expect(page.locator("#report-growing-branches")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH + 1

        page.select_option("select[name=period]", "quarter")  # October and November: H's 70 EUR, F's 50 USD
        expect(first_row).to_contain_text("€70.00")
        expect(page.locator("#report-growing-branches")).to_have_count(0)
        expect(page.locator("#table-growing-branches")).to_contain_text("Nothing to show")
        expect(page.locator("figure.chart figcaption").first).to_contain_text("EUR")
        assert "period=quarter" in page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH + 1
    finally:
        context.close()
