"""Settings → Webhooks in a real Chromium on a 390 px phone: the empty state leads to the form, the
grouped events fold out, the secret is shown once, and the htmx buttons show what happened —
also when a replay has nothing to do."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTH = 390


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH + 1


def test_an_owner_adds_an_endpoint_on_a_phone(browser, live_server, register_and_login):
    config = live_server.app.config
    saved = {key: config.get(key) for key in ("WEBHOOKS_ALLOW_LOOPBACK", "WEBHOOKS_REQUIRE_HTTPS")}
    config.update(WEBHOOKS_ALLOW_LOOPBACK=True, WEBHOOKS_REQUIRE_HTTPS=False)
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        register_and_login(page)
        page.goto(live_server.url + "/settings/webhooks")
        empty = page.locator(".empty-state")
        expect(empty).to_contain_text("Add the URL")
        _fits(page)
        empty.get_by_role("button", name="Add an endpoint").click()
        page.wait_for_url(re.compile(r"/settings/webhooks/new$"))
        _fits(page)

        page.fill("input[name=url]", "http://127.0.0.1:9/a-rather-long-path/that/should/wrap/on/a/phone/screen")
        page.locator("#event-types input[value='*']").uncheck()
        deals = page.locator("details.event-group", has_text="Deals")
        deals.locator("summary").click()
        deals.locator("input[value='deal.won']").check()
        page.get_by_role("button", name="Add the endpoint").click()
        page.wait_for_url(re.compile(r"/settings/webhooks/\d+$"))

        secret = page.locator("#secret-value")
        expect(secret).to_have_value(re.compile(r"^whsec_"))
        _fits(page)

        page.get_by_role("button", name="Send a test event").click()
        expect(page.locator("#webhook-action-status")).to_contain_text("Test event queued")
        page.get_by_role("button", name="Replay failed deliveries").click()
        expect(page.locator("#webhook-action-status [role=alert]")).to_contain_text("No failed deliveries")
        _fits(page)

        page.reload()
        expect(page.locator("#webhook-secret")).to_have_count(0)  # shown only once
        expect(page.locator("#webhook-log tr[id^=delivery-]")).to_have_count(1)
        _fits(page)
    finally:
        context.close()
        config.update(saved)
