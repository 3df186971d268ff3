"""The partner book in a real Chromium: register, create partners, add contacts inline, live search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MARKER = "window.__orchardNoReload"


def _mark(page):
    """Set a variable on window: it survives htmx swaps and boosted navigation, not a full page load."""
    page.evaluate(f"{MARKER} = 'still here'")


def _assert_no_full_load(page):
    assert page.evaluate(MARKER) == "still here", "a full page load happened"


def _create_partner(page, name, **selects):
    page.locator("main a[href='/partners/new']").first.click()
    page.wait_for_url(re.compile(r"/partners/new$"))
    page.fill("input[name=name]", name)
    for field, value in selects.items():
        page.select_option(f"select[name={field}]", value)
    page.get_by_role("button", name=re.compile("save|create|add", re.I)).first.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    expect(page.locator("h1")).to_have_text(name)


def _add_contact(page, name, email):
    form = page.locator("#add-contact-form")
    if not form.is_visible():
        page.locator("#partner-contacts details.add-contact summary").click()
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    form.get_by_role("button", name="Add contact").click()
    expect(page.locator("#partner-contacts")).to_contain_text(f"{name} added.")


def test_partner_book_flow(page, live_server, register_and_login):
    register_and_login(page)
    expect(page.locator("#partner-results")).to_contain_text("Your partner book is empty")

    _create_partner(page, "Zeta Other Ltd")
    page.get_by_role("link", name="Partners").first.click()
    _create_partner(page, "Quince Studio", tier="A", status="active")

    # the new partner has no contacts yet: single-threaded
    contacts = page.locator("#partner-contacts")
    expect(contacts.locator(".single-threaded")).to_be_visible()
    _mark(page)

    _add_contact(page, "Quinn First", "quinn@quince.example.com")
    expect(contacts.locator(".single-threaded")).to_contain_text("Only one person")
    _add_contact(page, "Quentin Second", "quentin@quince.example.com")
    expect(contacts.locator(".single-threaded")).to_have_count(0)
    expect(contacts.locator("li.contact")).to_have_count(2)
    _assert_no_full_load(page)

    # the list shows the partner with its two contacts, no warning
    page.get_by_role("link", name="Partners").first.click()
    page.wait_for_url(re.compile(r"/partners/$"))
    row = page.locator("#partner-results tr", has_text="Quince Studio")
    expect(row).to_contain_text("2")
    expect(row.locator(".badge.warn")).to_have_count(0)
    expect(page.locator("#partner-results tr", has_text="Zeta Other Ltd")).to_contain_text("single-threaded")
    _assert_no_full_load(page)  # boosted navigation

    # live search: results update while typing, no reload, URL follows
    page.locator("main input[name=q]").press_sequentially("quince", delay=30)
    expect(page.locator("#partner-results tbody tr")).to_have_count(1)
    expect(page.locator("#partner-results")).to_contain_text("Quince Studio")
    expect(page).to_have_url(re.compile(r"q=quince"))
    # by contact email too
    page.locator("main input[name=q]").fill("quentin@")
    expect(page.locator("#partner-results tbody tr")).to_have_count(1)
    expect(page.locator("#partner-results")).to_contain_text("Quince Studio")
    page.locator("main input[name=q]").fill("no such partner")
    expect(page.locator("#partner-results")).to_contain_text("No partners match")
    _assert_no_full_load(page)


def test_sorting_and_filters_swap_only_the_results(page, live_server, register_and_login):
    register_and_login(page)
    for name in ("Apple Co", "Birch Co"):
        page.goto(live_server.url + "/partners/")
        _create_partner(page, name)
    page.goto(live_server.url + "/partners/")
    _mark(page)
    page.locator("#partner-results thead a", has_text="Name").click()
    expect(page).to_have_url(re.compile(r"dir=desc"))
    expect(page.locator("#partner-results tbody tr").first).to_contain_text("Birch Co")
    # exactly one page: the results were swapped, not a whole page nested inside them
    expect(page.locator("h1", has_text="Partners")).to_have_count(1)
    expect(page.locator("#partner-results")).to_have_count(1)
    page.select_option("select[name=archived]", "only")
    expect(page.locator("#partner-results")).to_contain_text("No partners match")
    expect(page.locator("#partner-filters")).to_have_count(1)
    _assert_no_full_load(page)


def test_remove_contact_and_undo(page, live_server, register_and_login):
    register_and_login(page)
    _create_partner(page, "Undo Partner")
    _add_contact(page, "Una Undo", "una@undo.example.com")
    _mark(page)
    page.locator("#partner-contacts li.contact", has_text="Una Undo").get_by_role("button", name="Remove").click()
    expect(page.locator("#partner-contacts")).to_contain_text("Moved to Trash: Una Undo.")
    expect(page.locator("#partner-contacts li.contact")).to_have_count(0)
    page.locator("#partner-contacts").get_by_role("button", name="Restore").click()
    expect(page.locator("#partner-contacts")).to_contain_text("Una Undo is back.")
    expect(page.locator("#partner-contacts li.contact")).to_have_count(1)
    _assert_no_full_load(page)


def test_contact_validation_error_inline(page, live_server, register_and_login):
    register_and_login(page)
    _create_partner(page, "Validating Partner")
    _mark(page)
    form = page.locator("#add-contact-form")
    form.locator("input[name=email]").fill("broken-email")
    form.get_by_role("button", name="Add contact").click()
    expect(page.locator("#partner-contacts")).to_contain_text("This field is required.")
    expect(page.locator("#partner-contacts")).to_contain_text("Invalid email address.")
    expect(page.locator("#add-contact-form input[name=email]")).to_have_value("broken-email")
    _assert_no_full_load(page)
