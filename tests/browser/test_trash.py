"""The Trash in a real Chromium on a 390 px phone: a reminder deleted from its list is restored from
Settings → Trash with one click (htmx, CSRF header), and the page fits the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def test_delete_then_restore_from_the_trash_on_a_phone(browser, live_server, register_and_login):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        register_and_login(page)
        page.goto("/reminders/new")
        page.fill("input[name=title]", "Send the tasting menu with the full wine list for the autumn season")
        page.get_by_role("button", name=re.compile("save|add|create", re.I)).first.click()
        page.wait_for_url(re.compile(r"/reminders/"))
        row = page.locator("li.reminder", has_text="Send the tasting menu")
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("link", name="Delete…").click()
        expect(page.locator("li.reminder.deleted")).to_contain_text("Moved to Trash: Send the tasting menu")

        page.goto("/settings/trash")
        item = page.locator("li.trash-item", has_text="Send the tasting menu")
        expect(item).to_contain_text("Reminder")
        _fits(page)
        item.get_by_role("button", name="Restore").click()
        expect(page.locator("li.trash-item.restored")).to_contain_text("Restored: Send the tasting menu")
        page.goto("/reminders/?who=all")
        expect(page.locator("li.reminder", has_text="Send the tasting menu")).to_have_count(1)
    finally:
        context.close()
