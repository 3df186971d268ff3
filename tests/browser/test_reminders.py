"""Reminders in a real Chromium (CSRF on): quick add on the partner tab, complete and snooze inline
without a page load, the navigation badge following along, and the form's partner search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MARKER = "window.__orchardNoReload"


def _partner(page, name):
    page.goto("/partners/new")
    page.fill("input[name=name]", name)
    page.get_by_role("button", name=re.compile("save|create|add", re.I)).first.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    return page.url.rsplit("/", 1)[1]


def test_quick_add_complete_and_snooze_inline(page, register_and_login):
    register_and_login(page)
    partner_id = _partner(page, "Bright Bakery")
    page.goto(f"/partners/{partner_id}/reminders")
    expect(page.locator("#reminders-badge")).to_be_hidden()
    page.evaluate(f"{MARKER} = 'still here'")

    section = page.locator("#partner-reminders")
    # due today, so it counts in the badge
    today = page.evaluate("new Date().toLocaleDateString('sv')")
    section.locator("input[name=title]").fill("Send the tasting menu")
    section.locator("input[name=due_on]").fill(today)
    section.get_by_role("button", name="Add reminder").click()
    row = section.locator("li.reminder", has_text="Send the tasting menu")
    expect(row).to_have_class(re.compile("reminder-today"))
    expect(page.locator("#reminders-badge")).to_have_text("1")

    # an empty title is refused next to the field, nothing else changes
    section = page.locator("#partner-reminders")
    section.locator("input[name=title]").fill("")
    section.get_by_role("button", name="Add reminder").click()
    expect(page.locator("#partner-reminders .field-error")).to_contain_text("Give the reminder a title.")
    expect(page.locator("#partner-reminders li.reminder")).to_have_count(1)

    # snooze to next week: the row swaps and the badge empties
    row = page.locator("#partner-reminders li.reminder").first
    row.locator("details.snooze summary").click()
    row.get_by_role("button", name="Next week").click()
    row = page.locator("#partner-reminders li.reminder").first
    expect(row).to_have_class(re.compile("reminder-upcoming"))
    expect(row).to_contain_text("snoozed once")
    expect(page.locator("#reminders-badge")).to_be_hidden()

    # complete it: ticked and struck through, still on the page
    row.locator("button.check").click()
    expect(page.locator("#partner-reminders li.reminder").first).to_have_class(re.compile("reminder-done"))
    assert page.evaluate(MARKER) == "still here", "a full page load happened"

    # the reminders page shows it under Done
    page.goto("/reminders/?view=done")
    done = page.locator("li.reminder", has_text="Send the tasting menu")
    expect(done).to_be_visible()

    # delete asks first; dismissing keeps it, accepting removes it in place
    page.once("dialog", lambda dialog: dialog.dismiss())
    done.get_by_role("link", name="Delete…").click()
    expect(done).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    done.get_by_role("link", name="Delete…").click()
    expect(page.locator("li.reminder.deleted")).to_contain_text("Moved to Trash: Send the tasting menu")
    page.reload()
    expect(page.locator("li.reminder", has_text="Send the tasting menu")).to_have_count(0)


def test_new_reminder_finds_a_partner_as_you_type(page, register_and_login):
    register_and_login(page)
    _partner(page, "Silver Dental")
    _partner(page, "Oak Motors")
    page.goto("/reminders/new")
    page.fill("input[name=title]", "Ask for a referral")
    page.fill("#partner_q", "dent")
    expect(page.locator("#partner_id option:checked")).to_have_text("Silver Dental")
    page.get_by_role("button", name="Add reminder").click()
    page.wait_for_url(re.compile(r"/reminders/$"))
    expect(page.locator("li.reminder", has_text="Ask for a referral")).to_contain_text("Silver Dental")


def test_enter_in_the_reminder_form_saves_it(page, register_and_login):
    register_and_login(page)
    _partner(page, "Bright Bakery")
    page.goto("/reminders/new")
    page.fill("input[name=title]", "Call about the tasting menu")
    page.press("input[name=title]", "Enter")
    page.wait_for_url(re.compile(r"/reminders/$"))
    assert "csrf_token" not in page.url
    expect(page.locator("main")).to_contain_text("Reminder added.")
    expect(page.locator("main")).to_contain_text("Call about the tasting menu")

    # Enter in the partner search box searches; it does not save a half-filled reminder
    page.goto("/reminders/new")
    page.fill("input[name=title]", "Second one")
    page.fill("#partner_q", "bright")
    page.press("#partner_q", "Enter")
    expect(page.locator("#partner_id")).to_contain_text("Bright Bakery")
    assert page.url.endswith("/reminders/new")
    expect(page.locator("input[name=title]")).to_have_value("Second one")
