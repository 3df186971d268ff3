"""Possible duplicates in a real Chromium on a 390 px phone: find the pair, compare, merge (CSRF on),
then undo from the merged partner's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _create_partner(page, name, website):
    page.goto("/partners/new")
    page.fill("input[name=name]", name)
    page.fill("input[name=website]", website)
    page.get_by_role("button", name=re.compile("save|create|add", re.I)).first.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def test_merge_and_undo_on_a_phone(browser, live_server, register_and_login):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        register_and_login(page)
        _create_partner(page, "Quince Studio", "https://quince.example")
        _create_partner(page, "Quince Studio GmbH", "https://www.quince.example/about")

        page.goto("/partners/")
        page.locator("main a[href='/duplicates/']").click()
        page.wait_for_url(re.compile(r"/duplicates/$"))
        expect(page.locator("main")).to_contain_text("Same website domain")
        _fits(page)

        page.get_by_role("button", name="Compare and merge").click()
        page.wait_for_url(re.compile(r"/duplicates/merge/\d+/\d+$"))
        _fits(page)
        page.locator("input[name=choice-name][value=merged]").check()
        page.get_by_role("button", name=re.compile("^Merge ")).click()
        page.wait_for_url(re.compile(r"/partners/\d+$"))
        expect(page.locator("h1")).to_have_text("Quince Studio GmbH")
        expect(page.locator("#flashes")).to_contain_text("was merged into")

        page.goto("/partners/?archived=only")
        page.locator("#partner-results a", has_text="Quince Studio GmbH").first.click()
        page.wait_for_url(re.compile(r"/partners/\d+$"))
        expect(page.locator(".merged-into")).to_contain_text("Merged into")
        _fits(page)
        page.locator(".merged-into button").click()
        expect(page.locator("#flashes")).to_contain_text("The merge was undone")
        page.goto("/duplicates/")
        expect(page.get_by_role("button", name="Compare and merge")).to_be_visible()
    finally:
        context.close()
